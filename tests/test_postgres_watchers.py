"""Acceptance: two `capture watch` processes over one inbox and one PostgreSQL store, 200 files
dropped while both run, one watcher killed with SIGKILL while it holds claims: every file ends in
exactly one of processed/, review/, failed/; each is stored once; each invoice is imported once
(in one batch's import.json); the survivor takes over the dead watcher's claims after the lease."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psycopg

from capture.register.store import Ledger
from fixtures.generate import generate
from tests.conftest import ROOT

FOLDERS = ("processed", "review", "failed")
LEASE = "8"  # seconds: longer than a batch of two text PDFs takes here, short enough to wait for


def _start(share: Path, store: str, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "capture.cli", "watch", str(share / "inbox"), "--out", str(share / "out"),
               "--store", store, "--settle", "0", "--batch", "2", "--workers", "1", "--json-logs"]
    with log.open("ab") as stream:
        return subprocess.Popen(command, cwd=ROOT, stdout=stream, stderr=stream,
                                env={**os.environ, "CAPTURE_CLAIM_LEASE": LEASE})


def _files(share: Path) -> int:
    return sum(1 for _ in (share / "inbox").iterdir())


def _claims_of(db: psycopg.Connection, pid: int) -> int:
    return db.execute("SELECT COUNT(*) FROM claims WHERE watcher LIKE %s", (f"%:{pid}:%",)).fetchone()[0]


def _done(log: Path) -> int:
    """Files a watcher has finished, by its log."""
    return log.read_text(encoding="utf-8", errors="replace").count('"event": "file"')


def _settled(db: psycopg.Connection) -> bool:
    """No claim left and every stored batch finished."""
    claims = db.execute("SELECT COUNT(*) FROM claims").fetchone()[0]
    open_runs = db.execute("SELECT COUNT(*) FROM runs WHERE finished = 0").fetchone()[0]
    return claims == 0 and open_runs == 0


def test_two_watchers_one_inbox_one_killed_every_file_once(tmp_path, postgres_store):
    share = tmp_path
    (share / "inbox").mkdir()
    staging = share / "staging"
    originals = generate(staging, 100, seed=2700)
    drops = list(originals)
    for file in originals:  # the same invoices again, as other downloads (other bytes)
        copy = staging / f"again_{file.name}"
        copy.write_bytes(file.read_bytes() + b"\n% downloaded again\n")
        drops.append(copy)
    truth = Counter(i["invoice"]["number"] for f in originals
                    for i in json.loads(f.with_suffix(".truth.json").read_text(encoding="utf-8"))["invoices"])
    shas = {hashlib.sha256(f.read_bytes()).hexdigest() for f in drops}
    assert len(drops) == 200 and len(shas) == 200

    Ledger(postgres_store).close()  # the schema, before either watcher opens it
    logs = [share / "victim.log", share / "survivor.log"]
    victim, survivor = (_start(share, postgres_store, log) for log in logs)
    try:
        killed_holding, stored_files, ready = _drop_kill_and_settle(share, postgres_store, drops, victim, survivor, logs)
    finally:
        for process in (victim, survivor):
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)

    assert killed_holding > 0 and victim.returncode == -signal.SIGKILL
    assert _done(logs[0]) >= 2 and _done(logs[1]) > 0  # both read files; the survivor took over the rest
    placed = Counter(hashlib.sha256(p.read_bytes()).hexdigest() for folder in FOLDERS
                     for p in (share / folder).rglob("*") if p.is_file())
    assert set(placed) == shas and max(placed.values()) == 1  # every file in one place, once
    assert set(stored_files) == shas and max(stored_files.values()) == 1
    assert ready == truth  # each invoice imported once; its other download is a duplicate
    batches = [json.loads(p.read_text(encoding="utf-8")) for p in (share / "out" / "batches").glob("*/import.json")]
    assert Counter(r["invoice"]["number"] for b in batches for r in b["records"]) == truth
    assert not list((share / "out" / "batches").glob(".*"))  # no half-written batch folder


def _drop_kill_and_settle(share: Path, store: str, drops: list[Path], victim: subprocess.Popen,
                          survivor: subprocess.Popen, logs: list[Path]) -> tuple[int, Counter, Counter]:
    """Drop the files in rounds while both watchers run, SIGKILL the victim midway while it holds
    claims, wait until the survivor has emptied the inbox, stop it: (claims the victim held when
    killed, processed files in the store, ready invoice numbers in the store)."""
    killed_holding = 0
    pending = list(drops)
    with psycopg.connect(store, autocommit=True) as db:
        deadline = time.monotonic() + 600
        while victim.poll() is None and time.monotonic() < deadline:
            if pending and _files(share) < 10:  # keep the inbox fed, in rounds of 20
                for file in pending[:20]:
                    os.rename(file, share / "inbox" / file.name)
                pending = pending[20:]
            if _done(logs[0]) >= 2 and (held := _claims_of(db, victim.pid)) > 0:
                killed_holding = held  # caught in the middle of its work
                victim.send_signal(signal.SIGKILL)
                victim.wait(timeout=30)
            elif not pending and _files(share) == 0:
                break  # the inbox ran dry before the victim was caught holding a claim
            time.sleep(0.01)
        for file in pending:  # the rest, with the victim gone
            os.rename(file, share / "inbox" / file.name)
        deadline = time.monotonic() + 600
        while (_files(share) or not _settled(db)) and time.monotonic() < deadline and survivor.poll() is None:
            time.sleep(0.5)
        assert _files(share) == 0, logs[1].read_text(encoding="utf-8")[-3000:]
        survivor.send_signal(signal.SIGTERM)
        assert survivor.wait(timeout=120) == 0, logs[1].read_text(encoding="utf-8")[-3000:]
        stored_files = Counter(sha for (sha,) in db.execute("SELECT sha256 FROM processed_files"))
        ready = Counter(n for (n,) in db.execute("SELECT number FROM emitted WHERE status = 'ready'"))
    return killed_holding, stored_files, ready
