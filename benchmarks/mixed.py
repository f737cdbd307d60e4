"""Mixed-batch throughput, as a drop folder sees it: text-layer PDFs plus, when the OCR engine is
installed (`capture.read.ocr`), scanned PDFs, scans and phone photos of generated invoices. Files per
second and invoices per second with 1 and 2 workers, time per file kind, and peak memory
(not a test)."""

from __future__ import annotations

import argparse
import importlib.util
import platform
import resource
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from capture.pipeline import run_batch
from capture.register.store import Ledger
from fixtures.generate import generate

RENDERINGS = ("scan300", "photo", "scan_pdf")


def make_inbox(inbox: Path, text: int, scans: int, seed: int) -> str:
    """Write the batch; returns what it holds, in words."""
    generate(inbox / "text", text, seed)
    if scans and importlib.util.find_spec("capture.read.ocr") is not None:
        from fixtures.scans import generate_scans

        generate_scans(inbox / "images", scans, seed + 1, RENDERINGS)
        return f"{text} text-layer PDFs + {scans} invoices as {', '.join(RENDERINGS)} ({scans * len(RENDERINGS)} files)"
    reason = "--scans 0" if not scans else "no OCR engine installed"
    return f"{text} text-layer PDFs (scans and photos left out: {reason})"


def bench(inbox: Path, workers: int) -> dict:
    started = time.perf_counter()
    with Ledger() as ledger:  # in memory: every run sees the files as new
        result = run_batch([inbox], ledger, workers=workers)
    seconds = time.perf_counter() - started
    by_kind: dict[str, list[float]] = defaultdict(list)
    for file in result.files:
        kind = file.records[0].source.kind if file.records else file.kind  # pdf_text, pdf_scan, image
        by_kind[kind].append(file.timings.get("total", 0.0))
    return {
        "seconds": seconds,
        "files": len(result.files),
        "invoices": len(result.records),
        "failed": sum(1 for f in result.files if f.error),
        "per_kind_ms": {k: 1000 * sum(v) / len(v) for k, v in sorted(by_kind.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--text", type=int, default=60, help="text-layer PDFs to generate")
    parser.add_argument("--scans", type=int, default=1, help="invoices rendered as scans and photos (needs OCR)")
    parser.add_argument("--seed", type=int, default=20261128)
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as folder:
        inbox = Path(folder)
        print("batch: " + make_inbox(inbox, args.text, args.scans, args.seed))
        for workers in (1, 2):
            r = bench(inbox, workers)
            kinds = ", ".join(f"{k} {ms:.0f}" for k, ms in r["per_kind_ms"].items())
            print(
                f"workers={workers}: {r['files'] / r['seconds']:.1f} files/s, {r['invoices'] / r['seconds']:.1f} invoices/s "
                f"({r['files']} files, {r['invoices']} invoices, {r['failed']} failed, {r['seconds']:.1f} s); "
                f"mean ms per file: {kinds}"
            )
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(f"peak RSS of one process: {peak / 1024:.0f} MB")


if __name__ == "__main__":
    main()
