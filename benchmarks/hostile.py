"""Hostile input: wall time and peak memory of `capture run --workers 1` on each file of the
hostile corpus (fixtures/hostile.py) alone, median of several runs (not a test). The acceptance
bound is 60 s and 1.5 GB per file."""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT_SECONDS, LIMIT_MB = 60, 1536


def measure(file: Path, work: Path) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, exit code) of one `capture run --workers 1` on `file` alone."""
    inbox = work / "inbox"
    shutil.rmtree(work, ignore_errors=True)
    inbox.mkdir(parents=True)
    shutil.copy(file, inbox / file.name)
    command = [sys.executable, "-m", "capture.cli", "run", str(inbox), "--out", str(work / "out"),
               "--store", str(work / "c.db"), "--workers", "1"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{platform.machine()}, {os.cpu_count()} cores; median of {args.runs} runs per file, "
          "each a whole `capture run --workers 1` (start-up included)")
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus"
        # written by a child, so this process stays small: a child's peak RSS counts what it forked from
        subprocess.run([sys.executable, "-m", "fixtures.hostile", "--out", str(corpus)], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        worst = 0.0, 0.0
        print(f"{'file':32} {'s':>7} {'peak MB':>8} exit")
        for file in sorted((corpus / "inbox").iterdir()):
            runs = [measure(file, Path(folder) / "work") for _ in range(args.runs)]
            seconds = statistics.median(r[0] for r in runs)
            peak = statistics.median(r[1] for r in runs)
            worst = max(worst[0], seconds), max(worst[1], peak)
            print(f"{ascii(file.name)[1:-1][:32]:32} {seconds:7.1f} {peak:8.0f} {runs[0][2]:>4}")
    verdict = "within" if worst[0] <= LIMIT_SECONDS and worst[1] <= LIMIT_MB else "OVER"
    print(f"worst: {worst[0]:.1f} s, {worst[1]:.0f} MB ({verdict} {LIMIT_SECONDS} s / {LIMIT_MB} MB)")


if __name__ == "__main__":
    main()
