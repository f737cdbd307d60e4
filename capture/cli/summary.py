"""What `capture run` says when it ends: the counts, each failed file, what it wrote, and the
next step for the person (import the batch, clear the review queue, look at the failures);
with --json-logs the same as JSON lines (failures at level error), nothing else on the stream."""

from __future__ import annotations

import logging
import shlex
from pathlib import Path

import typer

from capture.console import log
from capture.intake.files import shown_name


def next_steps(report: dict, out: Path, inputs: list[Path], store: Path | None) -> list[str]:
    """The next step for each kind of outcome, Chinese first."""
    shown = shown_name(str(out))
    counts, steps = report["by_status"], []
    if counts["ready"]:
        steps.append(f"{counts['ready']} 张可导入：{shown}/import.json（批次 {report['run_id']}，导入一次）"
                     f" ({counts['ready']} ready to import: {shown}/import.json, once)")
    if counts["review"]:
        command = ["capture", "review", "--out", shown, *(f"--inbox={shown_name(str(p))}" for p in inputs if p.is_dir())]
        if store is not None:
            command += ["--store", shown_name(str(store))]
        steps.append(f"{counts['review']} 张待复核：{shlex.join(command)} ({counts['review']} in review)")
    if report["errors"]:
        steps.append(f"{len(report['errors'])} 个文件无法读取，原因见 {shown}/report.json "
                     f"({len(report['errors'])} files could not be read: see report.json)")
    if not report["files_read"] and report["skipped_already_processed"]:
        steps.append("所有文件都已处理过；要重新读取请加 --reprocess (every file was processed before: add "
                     "--reprocess to read them again)")
    return steps


def tell(report: dict, out: Path, inputs: list[Path], store: Path | None, json_logs: bool, extra: list[str]) -> None:
    """Print (or log) the run's outcome and the next steps."""
    steps = next_steps(report, out, inputs, store)
    counts = report["by_status"]
    if json_logs:
        for error in report["errors"]:
            log("failed", f"failed {error['file']}: {error['error']}", logging.ERROR, file=error["file"], error=error["error"])
        log("summary", "run finished", **{k: report[k] for k in ("run_id", "files", "files_read", "invoices", "by_status")},
            failed=len(report["errors"]), skipped=report["skipped_already_processed"], out=shown_name(str(out)),
            next_steps=steps)
        return
    typer.echo(
        f"{report['files']} files ({report['skipped_already_processed']} skipped: already processed), "
        f"{report['invoices']} invoices: {counts['ready']} ready, {counts['review']} review, "
        f"{counts['duplicate']} duplicate, {counts['rejected']} rejected; {len(report['errors'])} files failed "
        f"({report['timings']['wall_seconds']:.1f} s)"
    )
    for error in report["errors"]:
        typer.echo(f"  failed: {error['file']}: {error['error']}", err=True)
    shown = shown_name(str(out))
    typer.echo(f"wrote {shown}/records.jsonl, {shown}/import.json, {shown}/report.json "
               f"(kept in {shown}/batches/{report['run_id']}/)")
    for line in extra:
        typer.echo(line)
    for step in steps:
        typer.echo(f"下一步 (next): {step}")
