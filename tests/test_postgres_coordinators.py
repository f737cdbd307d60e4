"""Two `capture run` coordinators at once on one PostgreSQL store: every invoice is imported
exactly once, and the run that comes second marks its copy `duplicate` (or skips a file the
other stored)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import psycopg

from fixtures.generate import generate
from tests.conftest import ROOT


def _start(inputs: list[Path], out: Path, store: str, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "capture.cli", "run", *map(str, inputs), "--out", str(out), "--store", store,
               "--workers", "1", "--json-logs"]
    with log.open("wb") as stream:
        return subprocess.Popen(command, cwd=ROOT, stdout=stream, stderr=stream)


def _both(tmp_path: Path, inputs: list[list[Path]], store: str) -> list[list[dict]]:
    """Start two coordinators at once; the records each wrote."""
    runs = [_start(inputs[n], tmp_path / f"out{n}", store, tmp_path / f"run{n}.log") for n in range(2)]
    for n, run in enumerate(runs):
        assert run.wait(timeout=300) == 0, (tmp_path / f"run{n}.log").read_text(encoding="utf-8")
    return [[json.loads(line) for line in (tmp_path / f"out{n}" / "records.jsonl").read_text(encoding="utf-8").splitlines()]
            for n in range(2)]


def _imported(tmp_path: Path) -> Counter:
    return Counter(r["invoice"]["number"] for n in range(2)
                   for r in json.loads((tmp_path / f"out{n}" / "import.json").read_text(encoding="utf-8"))["records"])


def _truth(files: list[Path]) -> Counter:
    return Counter(invoice["invoice"]["number"] for file in files
                   for invoice in json.loads(file.with_suffix(".truth.json").read_text(encoding="utf-8"))["invoices"])


def _stored_ready(store: str) -> Counter:
    with psycopg.connect(store) as db:
        return Counter(n for (n,) in db.execute("SELECT number FROM emitted WHERE status = 'ready'"))


def test_the_same_invoices_in_other_files_are_imported_once_and_the_other_run_marks_them_duplicate(tmp_path, postgres_store):
    files = generate(tmp_path / "a", 6, seed=2610)
    copies = tmp_path / "b"
    copies.mkdir()
    for file in files:  # the same invoice, other bytes (a second download): another sha256
        (copies / file.name).write_bytes(file.read_bytes() + b"\n% a second download\n")
    records = _both(tmp_path, [[tmp_path / "a"], [copies]], postgres_store)
    truth = _truth(files)
    assert _imported(tmp_path) == truth
    assert _stored_ready(postgres_store) == truth
    for number in truth:
        statuses = sorted(r["status"] for run in records for r in run if r["invoice"]["number"] == number)
        assert statuses == ["duplicate", "ready"], (number, statuses)


def test_two_runs_on_the_same_inputs_hand_out_each_invoice_once(tmp_path, postgres_store):
    files = generate(tmp_path / "inbox", 8, seed=2620)
    records = _both(tmp_path, [[tmp_path / "inbox"]] * 2, postgres_store)
    truth = _truth(files)
    assert _imported(tmp_path) == truth and max(_imported(tmp_path).values()) == 1
    assert _stored_ready(postgres_store) == truth
    assert sum(len(run) for run in records) >= len(truth)  # each file read by one run at least
