"""The `capture` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from capture.errors import UsageError
from capture.records import record_json_schema
from capture.register import Register

app = typer.Typer(
    help="Read invoices (发票) from files and folders into verified back-entry records.",
    no_args_is_help=True,
    add_completion=False,
)

EXIT_OK = 0
EXIT_FILES_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


@app.command()
def run(
    inputs: Annotated[list[Path], typer.Argument(help="Invoice files or folders (read recursively).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for records.jsonl, import.json, report.json.")] = Path("out"),
    ledger: Annotated[Path | None, typer.Option("--ledger", help="The existing register: a CSV export.")] = None,
    workers: Annotated[int, typer.Option("--workers", help="Parallel worker processes (0 = one per core).")] = 0,
) -> None:
    """Process a batch. Exit 0: every file read; 1: some files failed (see report.json);
    2: usage error; 3: internal error."""
    from capture.pipeline import run_batch, write_outputs

    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        _fail(f"no such file or folder: {', '.join(missing)}", EXIT_USAGE)
    try:
        register = Register.from_csv(ledger) if ledger else Register.empty()
    except UsageError as error:
        _fail(str(error), EXIT_USAGE)
    result = run_batch(inputs, register, workers=workers or None)
    report = write_outputs(result, out)
    counts = report["by_status"]
    typer.echo(
        f"{report['files']} files, {report['invoices']} invoices: "
        f"{counts['ready']} ready, {counts['review']} review, {counts['duplicate']} duplicate, "
        f"{counts['rejected']} rejected; {len(report['errors'])} files failed "
        f"({report['timings']['wall_seconds']:.1f} s)"
    )
    for error in report["errors"]:
        typer.echo(f"  failed: {error['file']}: {error['error']}", err=True)
    typer.echo(f"wrote {out / 'records.jsonl'}, {out / 'import.json'}, {out / 'report.json'}")
    raise typer.Exit(EXIT_FILES_FAILED if report["errors"] else EXIT_OK)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a record."""
    typer.echo(json.dumps(record_json_schema(), ensure_ascii=False, indent=2))


@app.command("eval")
def evaluate(
    truth_dir: Annotated[Path, typer.Argument(help="Folder of *.truth.json files (and their invoice files).")],
    records: Annotated[Path, typer.Option("--records", help="records.jsonl of a run over that folder.")],
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the scores as JSON here.")] = None,
) -> None:
    """Score records against truth files, field by field."""
    from capture.evaluate import evaluate_folder, format_scores

    scores = evaluate_folder(truth_dir, records)
    typer.echo(format_scores(scores))
    if json_out:
        json_out.write_text(json.dumps(scores, ensure_ascii=False, indent=2), encoding="utf-8")


def _fail(message: str, code: int) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def main() -> None:
    """Entry point that turns unexpected exceptions into exit code 3."""
    try:
        app()
    except SystemExit:
        raise
    except Exception as error:  # noqa: BLE001 - last line of defence, reported plainly
        print(f"internal error: {error!r}", file=sys.stderr)
        sys.exit(EXIT_INTERNAL)
