"""For integrators: the Python API used as a library user would, `--version`, shell completion,
the config file, the JSON Schemas of import.json and report.json (checked against real files),
and JSON logs that are only JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.conftest import INBOX, REGISTER

READY = "02_legacy_e_normal.pdf"


def capture(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "capture.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def inbox(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(INBOX / name, folder / name)
    return folder


def test_read_returns_records_whose_json_says_schema():
    import capture

    records = capture.read(INBOX / READY)
    assert [type(r).__name__ for r in records] == ["Record"] and isinstance(records[0], capture.Record)
    assert records[0].status == "ready" and records[0].source.file == READY
    data = json.loads(records[0].to_json())
    assert data["schema"] == "capture.record/1" and "schema_" not in data
    assert json.loads(records[0].model_dump_json())["schema"] == "capture.record/1"
    assert capture.Record.model_validate(data) == records[0]


def test_read_of_a_broken_file_raises_input_error():
    import capture

    with pytest.raises(capture.InputError, match="truncated or damaged"):
        capture.read(INBOX / "14_truncated_download.pdf")
    with pytest.raises(capture.UsageError):
        capture.read(INBOX / "no such file.pdf")


def test_run_writes_a_batch_and_returns_it(tmp_path):
    import capture
    from capture.contract.outputs import ImportBatch, Report

    folder = inbox(tmp_path, READY, "01_digital_normal.pdf", "14_truncated_download.pdf")
    result = capture.run([folder], ledger=REGISTER, out=tmp_path / "out", store=tmp_path / "s.db", workers=1)
    assert isinstance(result, capture.BatchResult)
    assert {r.source.file: r.status for r in result.records} == {READY: "ready", "01_digital_normal.pdf": "duplicate"}
    batch = ImportBatch.model_validate_json((tmp_path / "out" / "import.json").read_text(encoding="utf-8"))
    assert batch.run_id == result.run_id and [r.source.file for r in batch.records] == [READY]
    report = Report.model_validate_json((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report.files == 3 and [e.file for e in report.errors] == ["14_truncated_download.pdf"]
    again = capture.run([folder], ledger=tmp_path / "s.db", workers=1)  # the store as the ledger: all processed
    assert again.records == [] and len(again.skipped) == 2
    fresh = capture.run([folder], ledger=tmp_path / "s.db", out=tmp_path / "again", workers=1, reprocess=True)
    assert {r.source.file: r.status for r in fresh.records}[READY] == "duplicate"  # it went out ready before


def test_version_is_the_package_version():
    import capture

    assert capture.__version__ == version("capture")
    done = subprocess.run([sys.executable, "-m", "capture.cli", "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == f"capture {version('capture')}"


def test_shell_completion_script_is_offered(monkeypatch):
    # the shell named, not the one running the tests (make's sh is one typer does not support)
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    done = capture("--show-completion", "bash")
    assert done.returncode == 0 and "_CAPTURE_COMPLETE=complete_bash" in done.stdout


def test_the_schemas_of_import_and_report_describe_real_files(tmp_path):
    from pydantic import TypeAdapter

    done = capture("run", inbox(tmp_path, READY), "--out", tmp_path / "out", "--store", tmp_path / "s.db", "--workers", 1)
    assert done.returncode == 0, done.stderr
    for what in ("import", "report"):
        printed = capture("schema", "--what", what)
        assert printed.returncode == 0
        schema = json.loads(printed.stdout)
        assert schema["$id"] == f"capture.{what}/1" and schema["additionalProperties"] is False
        data = json.loads((tmp_path / "out" / f"{what}.json").read_text(encoding="utf-8"))
        assert set(data) <= set(schema["properties"]) and set(schema["required"]) <= set(data)
    from capture.contract.outputs import ImportBatch, Report

    TypeAdapter(ImportBatch).validate_json((tmp_path / "out" / "import.json").read_bytes())
    TypeAdapter(Report).validate_json((tmp_path / "out" / "report.json").read_bytes())


def test_the_config_file_gives_option_values_and_the_command_line_wins(tmp_path):
    folder = inbox(tmp_path, READY)
    (tmp_path / "capture.toml").write_text(
        f'store = "books.db"\n\n[run]\nout = "from-config"\nworkers = 1\nledger = "{REGISTER.as_posix()}"\n', encoding="utf-8")
    done = capture("run", folder, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "from-config" / "import.json").is_file() and (tmp_path / "books.db").is_file()
    stats = capture("ledger", "stats", cwd=tmp_path)  # the top-level store serves every command
    assert stats.returncode == 0 and json.loads(stats.stdout)["register_rows"] == 24
    chosen = tmp_path / "elsewhere.toml"
    chosen.write_text('[ledger.stats]\nstore = "books.db"\n', encoding="utf-8")
    assert capture("--config", chosen, "ledger", "stats", "--store", tmp_path / "none.db", cwd=tmp_path).returncode == 2
    (tmp_path / "capture.toml").write_text('[run]\nworker = 1\n', encoding="utf-8")
    typo = capture("run", folder, cwd=tmp_path)
    assert typo.returncode == 2 and "run.worker" in typo.stderr


def test_json_logs_are_only_json_and_failures_are_errors(tmp_path):
    folder = inbox(tmp_path, READY, "14_truncated_download.pdf")
    done = capture("run", folder, "--ledger", REGISTER, "--out", tmp_path / "out", "--store", tmp_path / "s.db",
                   "--workers", 1, "--json-logs")
    assert done.returncode == 1
    lines = [json.loads(line) for line in done.stderr.splitlines()]  # every line is JSON
    failed = [line for line in lines if line["event"] == "failed"]
    assert [(f["level"], f["file"]) for f in failed] == [("error", "14_truncated_download.pdf")]
    assert {line["event"] for line in lines} >= {"register", "summary"}
    usage = capture("run", tmp_path / "missing", "--json-logs")
    assert usage.returncode == 2 and json.loads(usage.stderr)["level"] == "error"
