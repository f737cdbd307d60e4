"""Claims on inbox files, for several watchers over one inbox and one store: a watcher claims a
file in the store before it reads it, for a lease; it renews nothing, so a lease is longer than
a batch may take. A claim whose lease ran out (its watcher died) is taken over by the next
watcher that claims the file, which first finishes the dead watcher's stored batch; a watcher
on the same machine whose process is gone is known dead at once (a restart waits for no lease). Every claim
is made inside the store's write transaction (the write lock first), so two watchers never both
hold a file. Claims are released once the batch's files are moved out of the inbox.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable

from capture.intake.budget import bound_from_env
from capture.register.store import Ledger

#: Seconds a claim holds (CAPTURE_CLAIM_LEASE overrides it): longer than a batch may take.
CLAIM_LEASE_SECONDS = 900.0


def lease_seconds() -> float:
    """How long a claim holds: CAPTURE_CLAIM_LEASE seconds, or CLAIM_LEASE_SECONDS."""
    return bound_from_env("CAPTURE_CLAIM_LEASE", CLAIM_LEASE_SECONDS, 0.1)


def claim_key(name: str) -> str:
    """A file's name as the claims table keys it: the text, or its bytes in hex where it is not
    UTF-8 (any backend's TEXT takes it)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "hex:" + os.fsencode(name).hex()
    return name


def claim_files(
    ledger: Ledger, names: Iterable[str], watcher: str, lease: float, gone: Callable[[str], bool] = lambda _: False,
) -> tuple[list[str], list[str]]:
    """Claim the files not claimed by a live watcher (one whose lease holds and that `gone` does
    not know to be dead): (names claimed, runs of dead watchers whose claims were taken over and
    whose batches are not finished)."""
    now = time.time()
    claimed, orphaned = [], set()
    with ledger.write_transaction():
        for name in names:
            key = claim_key(name)
            row = ledger.db.execute("SELECT watcher, expires_at, run_id FROM claims WHERE name = ?", (key,)).fetchone()
            if row is not None and row[0] != watcher and row[1] > now and not gone(row[0]):
                continue
            if row is not None and row[2]:
                orphaned.add(row[2])
            ledger.db.execute("DELETE FROM claims WHERE name = ?", (key,))
            ledger.db.execute("INSERT INTO claims (name, watcher, expires_at, run_id) VALUES (?, ?, ?, NULL)",
                              (key, watcher, now + lease))
            claimed.append(name)
        unfinished = [run for run in sorted(orphaned)
                      if ledger.db.execute("SELECT 1 FROM runs WHERE run_id = ? AND finished = 0", (run,)).fetchone()]
    return claimed, unfinished


def note_run(ledger: Ledger, names: Iterable[str], watcher: str, run_id: str) -> None:
    """Note the batch that stored the claimed files (inside the batch's own transaction)."""
    with ledger.write_transaction():
        ledger.db.executemany("UPDATE claims SET run_id = ? WHERE name = ? AND watcher = ?",
                              [(run_id, claim_key(name), watcher) for name in names])


def release_files(ledger: Ledger, names: Iterable[str], watcher: str) -> None:
    with ledger.write_transaction():
        ledger.db.executemany("DELETE FROM claims WHERE name = ? AND watcher = ?",
                              [(claim_key(name), watcher) for name in names])


def live_runs(ledger: Ledger, gone: Callable[[str], bool] = lambda _: False) -> set[str]:
    """Batches that a live watcher (lease holding, not known dead) is finishing."""
    rows = ledger.db.execute(
        "SELECT DISTINCT run_id, watcher FROM claims WHERE run_id IS NOT NULL AND expires_at > ?", (time.time(),))
    return {run_id for run_id, holder in rows if not gone(holder)}


def drop_finished(ledger: Ledger, gone: Callable[[str], bool] = lambda _: False) -> int:
    """Drop the claims a stopped watcher (lease ended, or known dead) left on a batch that is
    finished: its files are stored and moved, so nothing is left to take over (a watcher killed
    between finishing its batch and releasing its claims left them for ever); and those no batch
    noted: the watcher stored nothing of them, and a file it claimed from a stale listing may be
    gone already (another watcher moved it), which no take-over would ever clear. A file of such
    a claim still in the inbox is claimed afresh, as a take-over would. How many."""
    now = time.time()
    rows = ledger.db.execute(
        "SELECT c.name, c.watcher, c.expires_at FROM claims c JOIN runs r ON r.run_id = c.run_id WHERE r.finished = 1"
    ).fetchall()
    rows += ledger.db.execute("SELECT name, watcher, expires_at FROM claims WHERE run_id IS NULL").fetchall()
    stale = [(name, holder) for name, holder, expires in rows if expires <= now or gone(holder)]
    if stale:
        with ledger.write_transaction():
            ledger.db.executemany("DELETE FROM claims WHERE name = ? AND watcher = ?", stale)
    return len(stale)


def release_run(ledger: Ledger, run_id: str) -> None:
    """Drop the claims of a dead watcher's batch, once that batch is finished."""
    with ledger.write_transaction():
        ledger.db.execute("DELETE FROM claims WHERE run_id = ?", (run_id,))
