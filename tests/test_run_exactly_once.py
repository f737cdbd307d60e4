"""Acceptance: `capture run` hands out every invoice exactly once. Killed with SIGKILL at random
moments and run again, or run twice at once on one store and inbox, the union of the import.json
files holds each invoice once; a crash between the store's commit and the outputs is finished by
the next run; a store another process holds ends in exit 2 with one line."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from capture.emit import write_batch, writing_into
from capture.pipeline import run_batch, settle_batch, write_outputs, write_unwritten_outputs
from capture.register import journal
from capture.register.store import Ledger
from fixtures.generate import generate
from tests.conftest import ROOT

KILLS = int(os.environ.get("RUN_KILLS", 50))


def _capture(*args: str) -> list[str]:
    return [sys.executable, "-m", "capture.cli", *args]


def _start(inbox: Path, out: Path, store: Path, log: Path) -> subprocess.Popen:
    command = _capture("run", str(inbox), "--out", str(out), "--store", str(store), "--workers", "1", "--json-logs")
    with log.open("wb") as stream:
        return subprocess.Popen(command, cwd=ROOT, stdout=stream, stderr=stream)


def _truth_numbers(files: list[Path]) -> Counter:
    numbers: Counter = Counter()
    for file in files:
        truth = json.loads(file.with_suffix(".truth.json").read_text(encoding="utf-8"))
        numbers.update(invoice["invoice"]["number"] for invoice in truth["invoices"])
    return numbers


def _imported_numbers(tmp_path: Path) -> Counter:
    """Invoice numbers over every import.json written, counted once per batch (run id)."""
    batches = {}
    for path in tmp_path.glob("out*/import.json"):
        batch = json.loads(path.read_text(encoding="utf-8"))
        assert batch["count"] == len(batch["records"])
        batches[batch["run_id"]] = batch
    return Counter(r["invoice"]["number"] for batch in batches.values() for r in batch["records"])


def _stored_ready(store: Path) -> Counter:
    with sqlite3.connect(store) as db:
        return Counter(n for (n,) in db.execute("SELECT number FROM emitted WHERE status = 'ready'"))


def _stored_runs(store: Path) -> int:
    """How many batches the store has committed (0 while it is being created)."""
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    except sqlite3.Error:
        return 0


def _wait_for_commit(store: Path, before: int, process: subprocess.Popen) -> None:
    """Until the run's batch is committed to the store (or the run ended)."""
    while process.poll() is None and _stored_runs(store) <= before:
        time.sleep(0.001)


def test_sigkill_at_random_moments_of_run_hands_out_each_invoice_once(tmp_path):
    seed = int(os.environ.get("KILL_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    inbox, store = tmp_path / "inbox", tmp_path / "capture.db"
    files = generate(inbox, 4, seed=2100)
    started = time.monotonic()
    first = _start(inbox, tmp_path / "out-first", store, tmp_path / "first.log")  # how long one run takes here
    assert first.wait(timeout=120) == 0, (tmp_path / "first.log").read_text(encoding="utf-8")
    span = time.monotonic() - started
    kills = attempts = recovered = 0
    stored = _stored_runs(store)
    while kills < KILLS:
        attempts += 1  # two fresh invoices each time, so kills land while files are read
        for file in generate(tmp_path / f"new{attempts}", 2, seed=2100 + attempts):
            for path in (file, file.with_suffix(".truth.json")):
                os.rename(path, inbox / path.name)
            files.append(inbox / file.name)
        log = tmp_path / f"run{attempts:03d}.log"
        process = _start(inbox, tmp_path / f"out{attempts:03d}", store, log)
        if rng.random() < 0.5:  # anywhere in the run
            time.sleep(rng.uniform(0.3, 1.1) * span)
        else:  # aimed: just after the store's commit, while the outputs are written
            _wait_for_commit(store, stored, process)
            time.sleep(rng.uniform(0, 0.02))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        code = process.wait(timeout=120)
        assert code in (0, -signal.SIGKILL), f"seed {seed}: exit {code}: {log.read_text(encoding='utf-8')}"
        recovered += log.read_text(encoding="utf-8").count('"event": "recovered"')
        stored = _stored_runs(store)
    last = _start(inbox, tmp_path / "out-last", store, tmp_path / "last.log")
    assert last.wait(timeout=120) == 0, (tmp_path / "last.log").read_text(encoding="utf-8")
    imported, expected = _imported_numbers(tmp_path), _truth_numbers(files)
    assert not [n for n, count in imported.items() if count > 1], f"seed {seed}: handed out twice"
    assert imported == expected, f"seed {seed}: lost {expected - imported}"
    assert _stored_ready(store) == expected
    print(f"seed {seed}: {kills} kills in {attempts} runs, {recovered} stored batches written by the next run, "
          f"{time.monotonic() - started:.0f} s")


def test_two_runs_at_once_on_one_store_and_inbox_hand_out_each_invoice_once(tmp_path):
    inbox, store = tmp_path / "inbox", tmp_path / "capture.db"
    files = generate(inbox, 8, seed=2200)
    runs = [_start(inbox, tmp_path / f"out{n}", store, tmp_path / f"run{n}.log") for n in range(2)]
    for n, run in enumerate(runs):
        assert run.wait(timeout=300) == 0, (tmp_path / f"run{n}.log").read_text(encoding="utf-8")
    imported = _imported_numbers(tmp_path)
    assert imported == _truth_numbers(files)
    assert max(imported.values()) == 1


def test_a_crash_between_commit_and_outputs_is_written_by_the_next_run(tmp_path, monkeypatch):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    files = generate(inbox, 2, seed=2300)
    with Ledger(tmp_path / "capture.db") as ledger:
        result = run_batch([inbox], ledger, workers=1, decide=False)

        def crash(*_args: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr("capture.pipeline.write_batch", crash)
        with pytest.raises(OSError):
            write_outputs(result, out, ledger)
        assert not (out / "import.json").exists()
        monkeypatch.undo()
        assert run_batch([inbox], ledger, workers=1).records == []  # stored: never read again
        assert write_unwritten_outputs(ledger) == [(result.run_id, out.absolute())]
        assert write_unwritten_outputs(ledger) == []
    batch = json.loads((out / "import.json").read_text(encoding="utf-8"))
    assert batch["run_id"] == result.run_id
    assert Counter(r["invoice"]["number"] for r in batch["records"]) == _truth_numbers(files)


def test_run_after_a_crash_writes_the_stored_batch_first_and_stops_when_it_is_the_same_out(tmp_path, monkeypatch):
    inbox, out, store = tmp_path / "inbox", tmp_path / "out", tmp_path / "capture.db"
    files = generate(inbox, 2, seed=2400)
    with Ledger(store) as ledger:
        result = run_batch([inbox], ledger, workers=1, decide=False)
        monkeypatch.setattr("capture.pipeline.write_batch", lambda *_: (_ for _ in ()).throw(OSError(5, "I/O error")))
        with pytest.raises(OSError):
            write_outputs(result, out, ledger)
    done = subprocess.run(_capture("run", str(inbox), "--out", str(out), "--store", str(store), "--workers", "1"),
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "import" in done.stdout and str(out) in done.stdout
    batch = json.loads((out / "import.json").read_text(encoding="utf-8"))
    assert batch["run_id"] == result.run_id and batch["count"] == sum(_truth_numbers(files).values())
    again = subprocess.run(_capture("run", str(inbox), "--out", str(out), "--store", str(store), "--workers", "1"),
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert json.loads((out / "import.json").read_text(encoding="utf-8"))["count"] == 0


def test_a_store_held_by_another_process_ends_in_exit_2_with_one_line(tmp_path):
    inbox, out, store = tmp_path / "inbox", tmp_path / "out", tmp_path / "capture.db"
    generate(inbox, 1, seed=2500)
    Ledger(store).close()
    holder = sqlite3.connect(store)
    holder.execute("BEGIN IMMEDIATE")
    try:
        done = subprocess.run(_capture("run", str(inbox), "--out", str(out), "--store", str(store), "--workers", "1"),
                              cwd=ROOT, capture_output=True, text=True, timeout=120,
                              env=os.environ | {"CAPTURE_STORE_WAIT": "1"})
    finally:
        holder.rollback()
        holder.close()
    assert done.returncode == 2, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "the store is busy: another capture is using it" in errors[0]
    assert "存储正忙" in errors[0]
    assert not out.exists()
    with Ledger(store) as ledger:
        assert ledger.stats()["processed_files"] == 0


CRASH_HOOK = """
import os
from capture import pipeline

_read = pipeline.process_file


def _crashing(path, name, *args, **kwargs):
    if name == os.environ["CAPTURE_TEST_CRASH_ON"]:
        os._exit(9)  # as a segfault or the out-of-memory killer would
    return _read(path, name, *args, **kwargs)


pipeline.process_file = _crashing
"""


def test_a_file_that_kills_its_worker_fails_and_the_run_goes_on(tmp_path):
    # in a `capture run` process of its own (a sitecustomize makes one file kill its worker): a
    # pool forked from the test runner, with the threads earlier tests leave, can deadlock
    inbox = tmp_path / "inbox"
    files = generate(inbox, 5, seed=2600)
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(CRASH_HOOK, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hook), str(ROOT)]), "CAPTURE_TEST_CRASH_ON": files[2].name}
    out = tmp_path / "out"
    done = subprocess.run(
        _capture("run", str(inbox), "--out", str(out), "--store", str(tmp_path / "s.db"), "--workers", "2", "--json-logs"),
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 1, done.stderr
    from capture import pipeline

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {e["file"]: e["error"] for e in report["errors"]} == {files[2].name: pipeline.CRASHED}
    records = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["source"]["file"] for r in records} == {f.name for n, f in enumerate(files) if n != 2}


def test_disk_full_on_out_is_exit_2_and_the_next_run_writes_the_batch(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from capture.cli import app

    inbox, out, store = tmp_path / "inbox", tmp_path / "out", tmp_path / "capture.db"
    files = generate(inbox, 2, seed=2700)

    def full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("capture.pipeline.write_batch", full)
    args = ["run", str(inbox), "--out", str(out), "--store", str(store), "--workers", "1"]
    failed = CliRunner().invoke(app, args)
    assert failed.exit_code == 2 and "No space left on device" in failed.output
    monkeypatch.undo()
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0, again.output
    batch = json.loads((out / "import.json").read_text(encoding="utf-8"))
    assert Counter(r["invoice"]["number"] for r in batch["records"]) == _truth_numbers(files)


def test_store_failures_are_said_as_a_person_reads_them(tmp_path):
    from capture.errors import StoreBusy, StoreError
    from capture.register.faults import raise_store_error

    for text, kind, phrase in (("database is locked", StoreBusy, "the store is busy"),
                               ("database or disk is full", StoreError, "the disk is full"),
                               ("file is not a database", StoreError, "damaged")):
        with pytest.raises(kind, match=phrase):
            raise_store_error(sqlite3.OperationalError(text), tmp_path / "c.db")
    with pytest.raises(sqlite3.IntegrityError):  # a bug stays a bug
        raise_store_error(sqlite3.IntegrityError("UNIQUE constraint failed"), tmp_path / "c.db")
    (tmp_path / "not a store.db").write_bytes(b"this is no SQLite file" * 100)
    done = subprocess.run(_capture("ledger", "stats", "--store", str(tmp_path / "not a store.db")), cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.startswith("error:"), done.stderr


def test_files_another_process_stored_meanwhile_are_left_out_when_the_batch_is_settled(tmp_path):
    # a slow reader (a watcher whose claim expired and was taken over) settles its batch after
    # another process stored the same files: nothing of them is stored or imported a second time
    inbox = tmp_path / "inbox"
    generate(inbox, 2, seed=2310)
    with Ledger(tmp_path / "capture.db") as ledger:
        slow = run_batch([inbox], ledger, workers=1, decide=False)
        fast = run_batch([inbox], ledger, workers=1, decide=False)
        write_outputs(fast, tmp_path / "out-fast", ledger)
        assert fast.records and {r.status for r in fast.records} == {"ready"}
        with ledger.write_transaction():
            settle_batch(slow, ledger, skip_stored=False)  # as a watcher does: the other one moves them
        assert slow.files == [] and slow.records == [] and slow.skipped == [] and slow.decided
        late = run_batch([inbox], ledger, workers=1, decide=False)
        with ledger.write_transaction():
            settle_batch(late, ledger)  # as `run` does: they count as skipped
        assert late.records == [] and len(late.skipped) == 2


def test_a_batch_another_live_run_is_writing_is_not_taken_for_an_interrupted_one(tmp_path, monkeypatch):
    """Two runs on one store: the one starting while the other has stored its batch but not yet
    written its outputs leaves that batch to it (its output folder's lock is held); once the
    holder is gone, the batch is an interrupted one and is written."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    files = generate(inbox, 2, seed=2310)
    with Ledger(tmp_path / "capture.db") as ledger:
        result = run_batch([inbox], ledger, workers=1, decide=False)
        stored = []

        def commit_then_look(*args: object, **kwargs: object) -> None:  # the other run starts right now
            stored.append(write_unwritten_outputs(ledger))
            real_write(*args, **kwargs)

        real_write = write_batch
        monkeypatch.setattr("capture.pipeline.write_batch", commit_then_look)
        write_outputs(result, out, ledger)
        assert stored[0] == [] and stored[1] == []  # the live run's batch was left to it, twice
        assert write_unwritten_outputs(ledger) == []  # and it finished it itself
        with writing_into(out):  # a live run holds the folder: its stored batch is not touched
            journal.commit_run(ledger, "20990101T000000000000Z", [], [], {}, out=out.absolute())
            assert write_unwritten_outputs(ledger) == []
        assert write_unwritten_outputs(ledger) == [("20990101T000000000000Z", out.absolute())]
        journal.commit_run(ledger, "20990101T000000000001Z", [], [], {}, out=out.absolute())
        with ledger.write_transaction():  # stored by a run on another machine of a shared store
            ledger.db.execute("UPDATE runs SET host = 'another-machine' WHERE run_id = '20990101T000000000001Z'")
        assert write_unwritten_outputs(ledger) == []  # its folder is on that machine's disk
    batch = json.loads((out / "batches" / result.run_id / "import.json").read_text(encoding="utf-8"))
    assert Counter(r["invoice"]["number"] for r in batch["records"]) == _truth_numbers(files)
