"""The typer apps the command modules attach their commands to."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Read invoices (发票) from files and folders into verified back-entry records.",
    no_args_is_help=True,
    add_completion=True,
)
ledger_app = typer.Typer(help="The ledger store: the imported register and what capture emitted.", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")
