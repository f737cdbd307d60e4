"""Text-layer throughput: invoices per second with 1 worker and with every core, and where the
time goes. Medians over several runs on freshly generated single-page invoices (not a test)."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from capture.pipeline import run_batch
from capture.register.store import Ledger
from fixtures.generate import FileOptions, write_file


def bench(inbox: Path, workers: int, runs: int) -> tuple[float, dict[str, float], int]:
    """Median invoices per second, median per-invoice stage seconds, invoices per run."""
    rates, stages = [], []
    invoices = 0
    for _ in range(runs):
        started = time.perf_counter()
        with Ledger() as ledger:  # in memory: every run sees the files as new
            result = run_batch([inbox], ledger, workers=workers)
        elapsed = time.perf_counter() - started
        invoices = len(result.records)
        rates.append(invoices / elapsed)
        totals: dict[str, float] = {}
        for file in result.files:
            for stage, seconds in file.timings.items():
                totals[stage] = totals.get(stage, 0.0) + seconds
        stages.append({k: v / max(invoices, 1) for k, v in totals.items()})
    median_stages = {k: statistics.median(s[k] for s in stages) for k in stages[0]}
    return statistics.median(rates), median_stages, invoices


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=300, help="invoices to generate")
    parser.add_argument("--runs", type=int, default=5, help="runs per setting (median reported)")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"machine: {platform.processor() or platform.machine()}, {cores} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as folder:
        inbox = Path(folder)
        for index in range(args.count):
            write_file(inbox, f"bench_{index:04d}", 20261128, index, options=FileOptions(form="single"))
        for workers in sorted({1, cores}):
            rate, stages, invoices = bench(inbox, workers, args.runs)
            print(f"workers={workers}: {rate:.1f} invoices/s (median of {args.runs} runs over {invoices} single-page invoices)")
            order = ["text", "qr", "extract", "verify", "total"]
            print("  per invoice, ms: " + ", ".join(f"{k} {stages[k] * 1000:.1f}" for k in order if k in stages))


if __name__ == "__main__":
    main()
