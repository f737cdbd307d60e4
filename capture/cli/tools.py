"""Looking inside: the OCR models, a page as read, the record schema, scoring against truth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from capture.cli.app import app
from capture.cli.options import (
    EXIT_FILES_FAILED,
    EXIT_USAGE,
    EngineOption,
    ModelsOption,
    fail,
    use_engine,
)
from capture.contract.record import record_json_schema


@app.command()
def models(models: ModelsOption = None) -> None:
    """List the OCR engines, the model files each uses with their sha256, and what is missing."""
    from capture.read.ocr import ENGINE_NAMES, configure, engine_models

    configure(models=models)
    for name in ENGINE_NAMES:
        files, problem = engine_models(name)
        typer.echo(f"{name}: {'MISSING: ' + problem if problem else 'ready'}")
        for file in files:
            typer.echo(f"  {file.role:4} {file.sha256() or 'missing':64}  {file.path}")


@app.command()
def show(
    file: Annotated[Path, typer.Argument(help="A PDF or image invoice file.")],
    out: Annotated[Path, typer.Option("--out", help="The PNG to write.")],
    page: Annotated[int, typer.Option("--page", min=1, help="Which page (1-based).")] = 1,
    engine: EngineOption = "rapid",
    models: ModelsOption = None,
) -> None:
    """Draw what was read where: the page (a scan upright and level), its ruled grid (blue),
    every word (grey), the words of each field, labelled (green), and doubts (red)."""
    from capture.emit import write_atomic
    from capture.errors import InputError
    from capture.review.overlay import overlay_png, read_page

    use_engine(engine, models)
    if not file.is_file():
        fail(f"no such file: {file}", EXIT_USAGE)
    try:
        reading = read_page(file, page)
    except InputError as error:
        fail(f"{file}: {error}", EXIT_FILES_FAILED)
    write_atomic(out, overlay_png(reading))
    fields = sorted(name for name, tokens in reading.draft.sources.items() if tokens)
    typer.echo(
        f"wrote {out}: {len(reading.page.tokens)} words, {len(fields)} fields, "
        f"{len(reading.page.rules)} ruled lines, {reading.table_cells()} goods-table cells"
    )
    for name, why in reading.draft.doubts:
        typer.echo(f"  doubt ({name}): {why}")


@app.command()
def schema(
    what: Annotated[str, typer.Option("--what", help="record (default), import (import.json) or report (report.json).")] = "record",
) -> None:
    """Print the JSON Schema of a record, of import.json or of report.json."""
    from capture.contract.outputs import output_json_schema

    if what not in ("record", "import", "report"):
        fail(f"--what 只能是 record、import 或 report (--what must be record, import or report, not {what!r})", EXIT_USAGE)
    schema = record_json_schema() if what == "record" else output_json_schema(what)  # type: ignore[arg-type]
    typer.echo(json.dumps(schema, ensure_ascii=False, indent=2))


@app.command("eval")
def evaluate(
    truth_dir: Annotated[Path, typer.Argument(help="Folder of *.truth.json files (and their invoice files).")],
    records: Annotated[Path, typer.Option("--records", help="records.jsonl of a run over that folder.")],
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the scores as JSON here.")] = None,
) -> None:
    """Score records against truth files, field by field."""
    from capture.evaluate import evaluate_folder, format_scores

    for path in (truth_dir, records):
        if not path.exists():
            fail(f"no such file or folder: {path}", EXIT_USAGE)
    scores = evaluate_folder(truth_dir, records)
    typer.echo(format_scores(scores))
    if json_out:
        json_out.write_text(json.dumps(scores, ensure_ascii=False, indent=2), encoding="utf-8")
