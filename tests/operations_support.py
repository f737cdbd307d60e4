"""What the operations tests share: a drop folder with a register, a fake clock, a local HTTP
server that records what is POSTed to it, and reading /metrics back."""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from capture.intake.files import file_sha256
from capture.register.imports import RegisterReader
from capture.register.store import Ledger
from capture.watch.folders import Layout
from tests.conftest import INBOX, REGISTER


def drop_folder(tmp_path: Path, *names: str) -> tuple[Layout, Path]:
    """A share with the named sample files in its inbox, and a store holding the sample register."""
    inbox = tmp_path / "share" / "inbox"
    inbox.mkdir(parents=True)
    for name in names:
        shutil.copy(INBOX / name, inbox / name)
    layout = Layout(inbox, tmp_path / "share" / "out")
    store = layout.out / "capture.db"
    with Ledger(store) as ledger:
        reader = RegisterReader(REGISTER, {})
        ledger.import_register(reader, REGISTER.name, file_sha256(REGISTER), reader.errors)
    return layout, store


class FakeClock:
    """Seconds since the epoch that only move when told."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += minutes * 60


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def scrape(url: str) -> dict[tuple[str, tuple], float]:
    """/metrics as {(sample name, sorted labels): value}."""
    status, text = get(url)
    assert status == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text) for sample in family.samples
    }


class Inbox(BaseHTTPRequestHandler):
    """Records every JSON body POSTed to it (a webhook receiver)."""

    received: list[dict]

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers["Content-Length"])
        self.received.append(json.loads(self.rfile.read(length).decode("utf-8")) | {"_type": self.headers["Content-Type"]})
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


class WebhookReceiver:
    """A real HTTP server on localhost collecting webhook calls."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        handler = type("Handler", (Inbox,), {"received": self.received})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/alerts"

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()
