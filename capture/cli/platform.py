"""`capture platform import` (the tax platform's invoice list into the store) and `capture
reconcile` (the five lists: what is missing, and where)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from capture.cli.app import app
from capture.cli.options import EXIT_USAGE, StoreOption, fail
from capture.contract.values import date as normal_date
from capture.errors import UsageError
from capture.intake.files import file_sha256
from capture.reconcile.run import run_reconcile
from capture.register.imports import parse_map_option
from capture.register.platform import import_platform
from capture.register.platform_export import PlatformReader, direction_of
from capture.register.store import DEFAULT_STORE, Ledger

platform_app = typer.Typer(help="The tax platform's invoice list (全量发票查询 export).", no_args_is_help=True)
app.add_typer(platform_app, name="platform")


@platform_app.command("import")
def platform_import(
    file: Annotated[Path, typer.Argument(help="Platform export: XLSX or CSV, per invoice or per item (明细).")],
    store: StoreOption = None,
    column_map: Annotated[
        str | None, typer.Option("--map", help="Name columns the importer does not know: 'HEADER=number,HEADER=status'.")
    ] = None,
    direction: Annotated[
        str | None, typer.Option("--direction", help="received (取得) or issued (开具); default: from the file name.")
    ] = None,
) -> None:
    """Import the platform's invoice list; a newer export updates rows (statuses), never duplicates them."""
    if not file.is_file():
        fail(f"no such file: {file}", EXIT_USAGE)
    try:
        way = direction_of(file, direction)
        reader = PlatformReader(file, parse_map_option(column_map))
        with Ledger(store or DEFAULT_STORE) as book:
            result = import_platform(book, reader, file.name, file_sha256(file, follow_links=True), way, reader.errors)
    except UsageError as error:
        fail(str(error), EXIT_USAGE)
        return
    typer.echo(
        f"税务平台清单 {file.name} ({way}): 新增 {result.added}，更新 {result.updated}，未变 {result.unchanged}，"
        f"错误行 {len(result.bad_rows)} (added, updated, unchanged, bad rows)",
        err=True,
    )
    for key, old, new in result.status_changes[:50]:
        typer.echo(f"  {key}: 状态 {old} → {new}", err=True)
    for line, problem in result.bad_rows[:50]:
        typer.echo(f"  第 {line} 行: {problem}", err=True)
    if len(result.bad_rows) > 50:
        typer.echo(f"  … 另有 {len(result.bad_rows) - 50} 个错误行", err=True)


def _date_option(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    parsed = normal_date(value)
    if parsed is None:
        fail(f"{name} {value!r} is not a date (YYYY-MM-DD)", EXIT_USAGE)
    return parsed


@app.command("reconcile")
def reconcile_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for reconcile.json, reconcile.xlsx and verify-list.csv.")],
    since: Annotated[str | None, typer.Option("--since", help="First invoice date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last invoice date (YYYY-MM-DD).")] = None,
    grace: Annotated[int, typer.Option("--grace", min=0, help="Days a booked invoice may wait for the platform to sync.")] = 3,
    today: Annotated[str | None, typer.Option("--today", help="Reconcile as of this date (default: today).")] = None,
    store: StoreOption = None,
) -> None:
    """Which invoices are missing, and where: the platform's list, the books and the captured records."""
    as_of = _date_option(today, "--today")
    try:
        with Ledger(store or DEFAULT_STORE) as book:
            lists, paths = run_reconcile(
                book, out, _date_option(since, "--since"), _date_option(until, "--until"), grace,
                dt.date.fromisoformat(as_of) if as_of else None,
            )
    except UsageError as error:
        fail(str(error), EXIT_USAGE)
        return
    c = lists.counts
    typer.echo(
        f"待补录 {c['to_back_enter']}，账上有平台无 {c['not_on_platform']}，信息不一致 {c['differences']}，"
        f"作废红冲异常 {c['not_bookable']}，重复录入 {c['keyed_twice']}，待查验 {c['to_verify']}: {paths['xlsx']}",
        err=True,
    )
