"""Acceptance: the watcher killed with SIGKILL at random moments, then restarted, loses nothing and
imports nothing twice. Every input file ends in exactly one of processed/, review/, failed/; every
invoice is in exactly one record, and a ready one in exactly one import.json; no partial output."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from fixtures.generate import generate
from tests.conftest import INBOX, REGISTER, ROOT

KILLS = 50
FOLDERS = ("processed", "review", "failed")


def _start(share: Path, log: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "capture.cli", "watch", str(share / "inbox"), "--out", str(share / "out"),
        "--ledger", str(REGISTER), "--settle", "0", "--batch", "2", "--workers", "1", "--exit-when-idle", "--json-logs",
    ]
    with log.open("ab") as stream:
        return subprocess.Popen(command, cwd=ROOT, stdout=stream, stderr=stream)


def _drop(share: Path, round_number: int, inputs: dict[str, dict]) -> None:
    """Drop a fresh set of invoices into the inbox (renamed in, as a copier finishing would)."""
    staging = share / f"staging{round_number}"
    files = generate(staging, 12, seed=1000 + round_number)
    if round_number == 0:  # the committed samples too: duplicates, review, a truncated download
        for sample in sorted(INBOX.glob("*.pdf")):
            if sample.name != "13_not_an_invoice.pdf":  # slow to read, and covered elsewhere
                shutil.copy(sample, staging / sample.name)
                files.append(staging / sample.name)
    for file in files:
        truth = file.with_suffix(".truth.json")
        inputs[file.name] = {
            "sha256": hashlib.sha256(file.read_bytes()).hexdigest(),
            "invoices": len(json.loads(truth.read_text(encoding="utf-8"))["invoices"]) if truth.exists() else None,
        }
        os.rename(file, share / "inbox" / file.name)


def _wait_for(log: Path, text: str, process: subprocess.Popen) -> None:
    """Until the watcher logs `text` (or exits)."""
    while process.poll() is None and text not in log.read_text(encoding="utf-8", errors="replace"):
        time.sleep(0.005)


def _inbox_files(share: Path) -> list[Path]:
    return [p for p in (share / "inbox").rglob("*") if p.is_file()]


def test_sigkill_at_random_moments_loses_and_duplicates_nothing(tmp_path):
    seed = int(os.environ.get("KILL_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    share = tmp_path / "share"
    (share / "inbox").mkdir(parents=True)
    inputs: dict[str, dict] = {}
    kills = rounds = recovered = starts = 0
    started = time.monotonic()
    while kills < KILLS:
        if not _inbox_files(share):
            _drop(share, rounds, inputs)
            rounds += 1
        starts += 1
        log = tmp_path / f"watch{starts}.log"
        process = _start(share, log)
        try:
            if rng.random() < 0.8:  # most kills while it reads and moves; the rest during start-up
                _wait_for(log, '"event": "watching"', process)
                process.wait(timeout=rng.uniform(0.0, 0.6))
            else:
                process.wait(timeout=rng.uniform(0.0, 0.8))
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
        else:  # it finished the inbox before the kill: a clean exit
            assert process.returncode in (0, 1), log.read_text(encoding="utf-8", errors="replace")
        assert starts < 20 * KILLS, "the watcher never lives long enough to be killed"
        recovered += '"event": "recovered"' in log.read_text(encoding="utf-8", errors="replace")
    final = subprocess.run(
        [sys.executable, "-m", "capture.cli", "watch", str(share / "inbox"), "--out", str(share / "out"),
         "--settle", "0", "--exit-when-idle", "--workers", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    elapsed = time.monotonic() - started
    print(f"\nkill test (seed {seed}): {kills} SIGKILLs in {starts} starts, {rounds} drops, {len(inputs)} files, "
          f"{recovered} restarts finished an interrupted batch, {elapsed:.0f} s")
    assert final.returncode in (0, 1), final.stderr

    # every input file is in exactly one place, none in the inbox, none lost
    assert not _inbox_files(share)
    where: dict[str, list[Path]] = {}
    for folder in FOLDERS:
        for path in (share / folder).rglob("*"):
            if path.is_file() and not path.name.endswith(".error.txt"):  # failed/NAME.error.txt: the note, not an input
                where.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), []).append(path)
    for name, info in inputs.items():
        assert [p.name for p in where.get(info["sha256"], [])] == [name], (seed, name, where.get(info["sha256"]))
    assert sum(len(v) for v in where.values()) == len(inputs)
    assert (share / "failed" / "14_truncated_download.pdf").exists()
    notes = {p.name for p in (share / "failed").rglob("*.error.txt")}
    assert notes == {f"{p.name}.error.txt" for p in (share / "failed").rglob("*") if p.is_file() and p.name not in notes}

    # every batch folder is complete; no partial or temporary file anywhere under out/
    batches = share / "out" / "batches"
    assert not [p for p in batches.rglob("*") if p.name.startswith(".") or p.name.endswith(".tmp")]
    records, imported = [], []
    for batch in sorted(batches.iterdir()):
        assert sorted(p.name for p in batch.iterdir()) == ["import.json", "records.jsonl", "report.json"]
        json.loads((batch / "report.json").read_text(encoding="utf-8"))
        records += [json.loads(line) for line in (batch / "records.jsonl").read_text(encoding="utf-8").splitlines()]
        imported += json.loads((batch / "import.json").read_text(encoding="utf-8"))["records"]

    # each invoice exactly once: one record per invoice, a ready one in exactly one import.json
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)), seed
    ready_ids = sorted(r["id"] for r in records if r["status"] == "ready")
    assert sorted(r["id"] for r in imported) == ready_ids
    per_file: dict[str, list[dict]] = {}
    for record in records:
        per_file.setdefault(record["source"]["file"], []).append(record)
    for name, info in inputs.items():
        if info["invoices"] is not None and name.startswith("syn_"):
            assert len(per_file.get(name, [])) == info["invoices"], (seed, name)
            assert all(r["status"] in ("ready", "review") for r in per_file[name]), (seed, name)
    assert set(per_file) == {n for n in inputs if n != "14_truncated_download.pdf"}

    # the store agrees, and its journal is empty
    with sqlite3.connect(share / "out" / "capture.db") as db:
        assert db.execute("SELECT COUNT(*) FROM emitted").fetchone()[0] == len(records)
        assert db.execute("SELECT COUNT(*) FROM pending_moves").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM runs WHERE finished = 0").fetchone()[0] == 0
