"""Reading files again on purpose (`capture run --reprocess`, `capture ledger forget`).

Forgetting a file drops its sha256 from `processed_files`, so the next run reads it again, and
moves the records it gave out of `emitted` into `superseded` (migration 7), each with whether it
already went out in an import batch (a `ready` record of a run's import.json, or one the review
desk's export carried). Nothing is deleted: the old records stay there with the time and why.
A re-read invoice whose superseded record went out is held back as a duplicate of it
(`register/dedupe.py` asks `exported_superseded`), so it is never imported twice.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from capture.register.store import EXACT_KINDS, Ledger, LedgerRow, utc_now

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Forgotten:
    """What forgetting some files did: how many files and records, and how many of those records
    had gone out in an import batch already."""

    files: int
    records: int
    exported: int


def is_sha256(text: str) -> bool:
    return bool(_SHA256.match(text.lower()))


def processed_sha256s(ledger: Ledger, name_or_sha: str) -> list[str]:
    """The processed files a `ledger forget` argument names: a sha256, or a file name as the
    store recorded it (the name relative to the input folder)."""
    if is_sha256(name_or_sha):
        found = ledger.db.execute("SELECT sha256 FROM processed_files WHERE sha256 = ?", (name_or_sha.lower(),))
    else:
        found = ledger.db.execute("SELECT sha256 FROM processed_files WHERE file = ?", (name_or_sha,))
    return [sha for (sha,) in found]


def forget_files(ledger: Ledger, sha256s: list[str], reason: str) -> Forgotten:
    """Forget processed files in one transaction: their sha256s leave `processed_files` and their
    records move to `superseded` (with `reason`); an accepted record the desk had not exported yet
    leaves the export queue (its file is read again, and decided again)."""
    wanted = sorted(set(sha256s))
    if not wanted:
        return Forgotten(0, 0, 0)
    now, files, moved, exported = utc_now(), 0, 0, 0
    with ledger.write_transaction():
        for sha in wanted:
            files += ledger.db.execute("DELETE FROM processed_files WHERE sha256 = ?", (sha,)).rowcount
            rows = ledger.db.execute(
                "SELECT e.record_id, e.run_id, e.key, e.status, e.record, e.emitted_at, x.exported_at IS NOT NULL, "
                "x.record_id IS NOT NULL FROM emitted e LEFT JOIN review_exports x ON x.record_id = e.record_id "
                "WHERE json_extract(e.record, '$.source.sha256') = ?",
                (sha,),
            ).fetchall()
            for record_id, run_id, key, status, record, emitted_at, desk_exported, desk_accepted in rows:
                went_out = status == "ready" and (desk_exported or not desk_accepted)
                ledger.db.execute(
                    "INSERT INTO superseded (record_id, run_id, key, status, exported, accepted_at_desk, record, "
                    "emitted_at, superseded_at, reason) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (record_id, run_id, key, status, int(went_out), int(desk_accepted), record, emitted_at, now, reason),
                )
                ledger.db.execute("DELETE FROM emitted WHERE record_id = ?", (record_id,))
                ledger.db.execute("DELETE FROM review_exports WHERE record_id = ?", (record_id,))
                moved += 1
                exported += went_out
    return Forgotten(files, moved, exported)


def exported_superseded(ledger: Ledger, key: str) -> LedgerRow | None:
    """The superseded record of this invoice that already went out in an import batch, or None.
    Its ref is `superseded:<run_id>:<record_id>`."""
    row = ledger.db.execute(
        "SELECT run_id, record_id, record FROM superseded WHERE key = ? AND exported = 1 ORDER BY superseded_at LIMIT 1",
        (key,),
    ).fetchone()
    if row is None:
        return None
    run_id, record_id, text = row
    record = json.loads(text)
    invoice = record["invoice"]
    return LedgerRow(
        f"superseded:{run_id}:{record_id}", key, invoice["number"] or "", invoice["date"], invoice["seller"]["tax_id"],
        invoice["seller"]["name"], invoice["total"], invoice["amount"], record["source"]["kind"] in EXACT_KINDS,
    )


def superseded_count(ledger: Ledger) -> int:
    return ledger.db.execute("SELECT COUNT(*) FROM superseded").fetchone()[0]
