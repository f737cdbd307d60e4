"""The review desk (`review`); what it accepted goes out with `capture export` (cli/export.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from capture.cli.app import app
from capture.cli.options import EXIT_USAGE, StoreOption, fail
from capture.register.store import DEFAULT_STORE


@app.command()
def review(
    out: Annotated[Path | None, typer.Option("--out", help="A run's or watcher's output folder; its capture.db is the store unless --store is given.")] = None,
    inbox: Annotated[list[Path] | None, typer.Option("--inbox", metavar="DIR", help="A folder the desk may show invoice files from (repeatable): the run's input folder, the watcher's processed/ and review/.")] = None,
    store: StoreOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on: a loopback address (the desk has no login).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8765,
    user: Annotated[str | None, typer.Option("--user", help="Who decides, for the audit trail (default: the OS user).")] = None,
) -> None:
    """Open the review desk: a local web page to clear the review queue (accept, fix, mark
    duplicate, reject). Every decision goes into the audit trail; accepted records wait for
    `capture export`."""
    from capture.review.serve import default_user, is_loopback, serve

    if not is_loopback(host):
        fail(f"拒绝在 {host} 上开放审核台：没有登录，局域网里任何人都能看到每张发票 (refusing --host {host}: the desk "
             "has no login, so every invoice would be served to the network; it listens on 127.0.0.1 only, reach it "
             "from another machine through an SSH tunnel)", EXIT_USAGE)
    if store is None and out is not None and (out / DEFAULT_STORE.name).exists():
        store = out / DEFAULT_STORE.name
    store = store or DEFAULT_STORE
    if not store.exists():
        fail(f"no such ledger store: {store} (give --store, or --out with a capture.db)", EXIT_USAGE)
    missing = [str(p) for p in inbox or [] if not p.is_dir()]
    if missing:
        fail(f"no such folder: {', '.join(missing)}", EXIT_USAGE)
    if not inbox:
        typer.echo("no --inbox given: the desk shows the fields but no page images", err=True)
    typer.echo(f"review desk on http://{host}:{port}/ over {store} (Ctrl-C to stop)", err=True)
    serve(store, list(inbox or []), user or default_user(), host, port)

