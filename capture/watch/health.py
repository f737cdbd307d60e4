"""The health endpoint of `capture watch --metrics-port N`, in a thread beside the loop:

    GET /healthz   200 {"status": "ok"} while the loop is alive and the store takes writes;
                   503 {"status": "unhealthy", "reasons": [...]} otherwise
    GET /metrics   the Prometheus text format (capture/watch/metrics.py)

It binds to 127.0.0.1 unless told otherwise: the numbers are the company's business.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST

from capture.watch.metrics import WatchMetrics


def health(metrics: WatchMetrics) -> tuple[int, dict]:
    """(HTTP status, body) of /healthz."""
    reasons = [r for r in (metrics.loop_problem(), metrics.store.unwritable_reason()) if r]
    return (503, {"status": "unhealthy", "reasons": reasons}) if reasons else (200, {"status": "ok"})


class HealthServer:
    """/healthz and /metrics on host:port, served by a daemon thread until `stop`."""

    def __init__(self, metrics: WatchMetrics, port: int, host: str = "127.0.0.1") -> None:
        handler = type("Handler", (_Handler,), {"metrics": metrics})
        self.server = ThreadingHTTPServer((host, port), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="capture-health", daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def start(self) -> HealthServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Handler(BaseHTTPRequestHandler):
    metrics: WatchMetrics

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        path = self.path.split("?", 1)[0]
        try:
            if path == "/healthz":
                status, body = health(self.metrics)
                self._send(status, "application/json; charset=utf-8", json.dumps(body, ensure_ascii=False).encode())
            elif path == "/metrics":
                self._send(200, CONTENT_TYPE_LATEST, self.metrics.exposition())
            else:
                self._send(404, "text/plain; charset=utf-8", b"not found: try /healthz or /metrics\n")
        except Exception as error:  # noqa: BLE001 - a broken scrape must not take the watcher down
            self._send(500, "text/plain; charset=utf-8", f"error: {error}\n".encode())

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        """Scrapes are not logged (one every few seconds would drown the watch log)."""
