"""One watcher among several over one inbox (capture/register/claims.py keeps the claims): each
file is claimed before it is read, so it is read by one watcher; a claim whose watcher died is
taken over once its lease ran out, and that watcher's stored batch is finished first (outputs,
moves), so nothing it stored is lost and nothing is read twice."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from capture.console import log
from capture.register import claims
from capture.register.store import Ledger
from capture.watch.folders import Layout
from capture.watch.journal import finish_run


def watcher_id() -> str:
    """This watcher, as its claims name it: host, process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def watcher_is_gone(watcher: str) -> bool:
    """Whether a watcher is known dead: one of this machine whose process no longer runs (another
    machine's watcher is dead only when its lease runs out)."""
    host, pid, _random = [*watcher.split(":"), "", ""][:3]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class InboxClaims:
    """The claims of one watcher."""

    def __init__(self, ledger: Ledger, layout: Layout) -> None:
        self.ledger, self.layout = ledger, layout
        self.watcher, self.lease = watcher_id(), claims.lease_seconds()

    def take(self, files: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
        """The files this watcher now holds (and that are still in the inbox)."""
        claims.drop_finished(self.ledger, watcher_is_gone)
        names, orphaned = claims.claim_files(self.ledger, [name for _, name in files], self.watcher, self.lease,
                                              watcher_is_gone)
        for run_id in orphaned:
            log("taken_over", f"接管已停止的处理进程的批次 {run_id} (finishing batch {run_id} of a watcher that stopped)",
                run_id=run_id)
            finish_run(self.ledger, self.layout, run_id)
            claims.release_run(self.ledger, run_id)
        held = set(names)
        mine = [(path, name) for path, name in files if name in held]
        gone = [name for path, name in mine if not os.path.lexists(path)]
        if gone:
            claims.release_files(self.ledger, gone, self.watcher)
        return [(path, name) for path, name in mine if name not in gone]

    @contextmanager
    def held(self, files: list[tuple[Path, str]]) -> Iterator[None]:
        """Release the files' claims once the batch is finished (files moved)."""
        yield
        claims.release_files(self.ledger, [name for _, name in files], self.watcher)

    def note(self, files: list[tuple[Path, str]], run_id: str) -> None:
        claims.note_run(self.ledger, [name for _, name in files], self.watcher, run_id)

    def busy_runs(self) -> set[str]:
        return claims.live_runs(self.ledger, watcher_is_gone)
