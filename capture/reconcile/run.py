"""One reconciliation over the store: read the period's rows, build the lists, write the files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from capture.errors import UsageError
from capture.reconcile.lists import Lists, reconcile
from capture.reconcile.sheets import write_all
from capture.register.platform import book_rows, captured_rows, platform_count, platform_rows
from capture.register.store import Ledger


def run_reconcile(
    ledger: Ledger, out: Path, since: str | None = None, until: str | None = None, grace: int = 3,
    today: dt.date | None = None,
) -> tuple[Lists, dict[str, Path]]:
    """Reconcile the store's platform list, register and captured records over [since, until];
    writes reconcile.json, reconcile.xlsx and verify-list.csv into `out`."""
    if platform_count(ledger) == 0:
        raise UsageError(
            "存储中还没有税务平台发票清单：先运行 capture platform import FILE "
            "(the store holds no platform invoice list yet)"
        )
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    today = today or dt.date.today()
    lists = reconcile(
        platform_rows(ledger, since, until), book_rows(ledger, since, until), captured_rows(ledger, since, until),
        today, grace,
    )
    meta = {"since": since, "until": until, "today": today.isoformat(), "grace": grace, "store": str(ledger.path)}
    return lists, write_all(out, lists, meta)
