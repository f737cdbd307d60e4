"""What `watch --metrics-port` costs per file: the drop-folder loop over the same text PDFs without
and with the health server, the alert thread (a check every second) and a scraper reading
/metrics and /healthz every 0.1 s (Prometheus scrapes every 15 s or so). Runs alternate between
the two settings; medians over several runs (not a test)."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from capture.register.store import Ledger
from capture.watch.folders import Layout
from capture.watch.loop import Watcher, WatchOptions
from capture.watch.operate import OperationsOptions, operations

SAMPLES = ("02_legacy_e_normal.pdf", "05_digital_red.pdf", "10_legacy_normal.pdf", "06_legacy_discount.pdf")
INBOX = Path(__file__).resolve().parents[1] / "fixtures" / "inbox"


def make_share(folder: Path, count: int) -> Layout:
    """An inbox of `count` distinct files (sample PDFs with a comment after their end)."""
    inbox = folder / "inbox"
    inbox.mkdir(parents=True)
    for number in range(count):
        source = INBOX / SAMPLES[number % len(SAMPLES)]
        (inbox / f"{number:04d}_{source.name}").write_bytes(source.read_bytes() + f"\n% copy {number}\n".encode())
    return Layout(inbox, folder / "out")


def scrape_until(port: int, stop: threading.Event, counter: list[int]) -> None:
    while not stop.wait(0.1):
        for path in ("/metrics", "/healthz"):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
                    response.read()
            except urllib.error.HTTPError as error:  # /healthz is 503 before the loop starts
                error.read()
        counter[0] += 1


def one_run(count: int, workers: int, with_metrics: bool) -> tuple[float, int]:
    """Seconds per file of one watch run over a fresh share, and how many scrapes it served."""
    with tempfile.TemporaryDirectory() as folder:
        layout = make_share(Path(folder), count)
        store = layout.out / "capture.db"
        Ledger(store).close()
        options = OperationsOptions(metrics_port=0, check_every=1.0) if with_metrics else OperationsOptions()
        scrapes, stop = [0], threading.Event()
        with operations(layout, store, options) as running, Ledger(store) as ledger:
            scraper = None
            if running is not None:
                scraper = threading.Thread(target=scrape_until, args=(running.server.port, stop, scrapes), daemon=True)
                scraper.start()
            watcher = Watcher(layout, ledger, WatchOptions(settle=0, batch_size=workers, workers=workers, exit_when_idle=True),
                              running.metrics if running else None)
            started = time.perf_counter()
            stats = watcher.run()
            elapsed = time.perf_counter() - started
            stop.set()
            if scraper is not None:
                scraper.join()
        assert stats.files == count and stats.failed == 0
        return elapsed / count, scrapes[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=60, help="files per run")
    parser.add_argument("--runs", type=int, default=5, help="runs per setting (median reported)")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"machine: {platform.processor() or platform.machine()}, {cores} cores, Python {platform.python_version()}")
    for workers in sorted({1, cores}):
        results: dict[bool, list[float]] = {False: [], True: []}
        scrapes = []
        for _ in range(args.runs):
            for with_metrics in (False, True):
                seconds, served = one_run(args.count, workers, with_metrics)
                results[with_metrics].append(seconds)
                if with_metrics:
                    scrapes.append(served)
        plain, measured = statistics.median(results[False]), statistics.median(results[True])
        spread = max(results[False]) - min(results[False])
        print(f"workers={workers}, {args.count} text PDFs, median of {args.runs} runs: "
              f"{plain * 1000:.1f} ms/file without metrics, {measured * 1000:.1f} ms/file with "
              f"(difference {(measured - plain) * 1000:+.1f} ms, run-to-run spread without: {spread * 1000:.1f} ms; "
              f"{statistics.median(scrapes)} scrapes a run)")


if __name__ == "__main__":
    main()
