"""The review desk (`review`); what it accepted goes out with `capture export` (cli/export.py)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from capture.cli.app import app
from capture.cli.options import EXIT_USAGE, StoreOption, fail
from capture.register.store import DEFAULT_STORE

PASSWORD_ENV = "CAPTURE_REVIEW_PASSWORD"


@app.command()
def review(
    out: Annotated[Path | None, typer.Option("--out", help="A run's or watcher's output folder; its capture.db is the store unless --store is given.")] = None,
    inbox: Annotated[list[Path] | None, typer.Option("--inbox", metavar="DIR", help="A folder the desk may show invoice files from (repeatable): the run's input folder, the watcher's processed/ and review/.")] = None,
    store: StoreOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on: loopback (no login), or e.g. 0.0.0.0 for the office network, which needs a shared password.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8765,
    user: Annotated[str | None, typer.Option("--user", help="Who decides, for the audit trail (default: the OS user).")] = None,
    lang: Annotated[str, typer.Option("--lang", help="The desk's language: zh (中文, default) or en.")] = "zh",
    password_file: Annotated[Path | None, typer.Option("--password-file", help="A file whose first line is the shared password a non-loopback --host needs (or set CAPTURE_REVIEW_PASSWORD).")] = None,
) -> None:
    """Open the review desk: a web page to clear the review queue (accept, fix, mark duplicate,
    reject; a conflict with the register: the register row is wrong, or another invoice). Every
    decision goes into the audit trail; accepted records wait for `capture export`."""
    from capture.errors import UsageError
    from capture.review.login import read_password
    from capture.review.serve import bind, default_user, is_loopback, serve
    from capture.review.words import LANGS

    if lang not in LANGS:
        fail(f"unknown --lang {lang}: zh or en", EXIT_USAGE)
    try:
        password = read_password(password_file, os.environ.get(PASSWORD_ENV))
    except UsageError as error:
        fail(str(error), EXIT_USAGE)
    if not is_loopback(host) and password is None:
        fail(f"拒绝在 {host} 上开放审核台：需要共享口令（--password-file 或环境变量 {PASSWORD_ENV}） (refusing --host {host} "
             f"with no login: give a shared password with --password-file or {PASSWORD_ENV}, or every invoice would be "
             "served to the network)", EXIT_USAGE)
    if store is None and out is not None and (out / DEFAULT_STORE.name).exists():
        store = out / DEFAULT_STORE.name
    store = store or DEFAULT_STORE
    if not store.exists():
        fail(f"no such ledger store: {store} (give --store, or --out with a capture.db)", EXIT_USAGE)
    missing = [str(p) for p in inbox or [] if not p.is_dir()]
    if missing:
        fail(f"no such folder: {', '.join(missing)}", EXIT_USAGE)
    try:
        sock = bind(host, port)
    except UsageError as error:
        fail(str(error), EXIT_USAGE)
    if not inbox:
        typer.echo("no --inbox given: the desk shows the fields but no page images", err=True)
    login = "" if password is None else ", login with the shared password"
    typer.echo(f"review desk on http://{host}:{port}/ over {store}{login} (Ctrl-C to stop)", err=True)
    serve(sock, store, list(inbox or []), user or default_user(), lang, password if not is_loopback(host) else None)

