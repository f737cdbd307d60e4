"""Claims on inbox files (register/claims.py), on both backends: a live claim keeps a file from
another watcher; an expired one is taken over, with the dead watcher's unfinished batch."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

from capture.register import claims
from capture.register.store import Ledger
from capture.watch.claims import watcher_id, watcher_is_gone


def test_a_live_claim_holds_and_an_expired_one_is_taken_over_with_its_batch(store_target):
    with Ledger(store_target) as ledger:
        taken, orphaned = claims.claim_files(ledger, ["a.pdf", "b.pdf"], "host:1:dead", lease=2.0)
        assert (taken, orphaned) == (["a.pdf", "b.pdf"], [])
        with ledger.write_transaction():  # the dead watcher stored its batch, then died before the moves
            ledger.record_run("run-1", [], [("1" * 64, "a.pdf")])
            ledger.db.execute("INSERT INTO runs (run_id, report, finished, created_at) VALUES ('run-1', '{}', 0, 'now')")
            claims.note_run(ledger, ["a.pdf", "b.pdf"], "host:1:dead", "run-1")
        assert claims.claim_files(ledger, ["a.pdf", "c.pdf"], "host:2:live", lease=60) == (["c.pdf"], [])
        assert claims.live_runs(ledger) == {"run-1"}
        time.sleep(2.1)  # the dead watcher's lease runs out
        assert claims.live_runs(ledger) == set()
        assert claims.claim_files(ledger, ["a.pdf"], "host:2:live", lease=60) == (["a.pdf"], ["run-1"])
        claims.release_run(ledger, "run-1")
        claims.release_files(ledger, ["a.pdf", "c.pdf"], "host:2:live")
        assert claims.claim_files(ledger, ["b.pdf", "c.pdf"], "host:3:next", lease=60) == (["b.pdf", "c.pdf"], [])


def test_a_name_that_is_not_utf8_is_claimed_by_its_bytes():
    odd = b"\xb7\xa2\xc6\xb1.pdf".decode("utf-8", "surrogateescape")  # GBK 发票, as a Linux name
    assert claims.claim_key(odd) == "hex:" + b"\xb7\xa2\xc6\xb1.pdf".hex()
    assert claims.claim_key("发票.pdf") == "发票.pdf"


def test_a_dead_watcher_of_this_machine_is_known_dead_at_once(store_target):
    """A watcher restarted after SIGKILL waits for no lease: its old process is gone."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with Ledger(store_target) as ledger:
        assert claims.claim_files(ledger, ["a.pdf"], f"{socket.gethostname()}:{dead.pid}:x", lease=600) == (["a.pdf"], [])
        assert claims.claim_files(ledger, ["a.pdf"], "other:1:y", lease=600, gone=watcher_is_gone) == (["a.pdf"], [])
        assert claims.claim_files(ledger, ["a.pdf"], watcher_id(), lease=600, gone=watcher_is_gone) == ([], [])
    assert not watcher_is_gone(watcher_id()) and not watcher_is_gone("another-machine:1:z")


def test_claims_a_stopped_watcher_left_on_a_finished_batch_are_dropped(store_target):
    """Killed after finishing its batch (files stored and moved) but before releasing its claims,
    or between claiming files and finding them gone: the claims name files no longer in the inbox,
    so no take-over would ever clear them."""
    with Ledger(store_target) as ledger:
        claims.claim_files(ledger, ["a.pdf", "b.pdf", "d.pdf"], "host:1:dead", lease=600)
        claims.claim_files(ledger, ["c.pdf", "e.pdf"], "host:2:live", lease=600)
        with ledger.write_transaction():
            ledger.db.execute("INSERT INTO runs (run_id, report, finished, created_at) VALUES ('run-1', '{}', 1, 'now')")
            ledger.db.execute("INSERT INTO runs (run_id, report, finished, created_at) VALUES ('run-2', '{}', 0, 'now')")
            claims.note_run(ledger, ["a.pdf"], "host:1:dead", "run-1")
            claims.note_run(ledger, ["b.pdf"], "host:1:dead", "run-2")
            claims.note_run(ledger, ["c.pdf"], "host:2:live", "run-1")
        dead = lambda watcher: watcher == "host:1:dead"  # noqa: E731
        assert claims.drop_finished(ledger) == 0  # leases hold, nobody known dead
        # a.pdf: finished batch, dead watcher; d.pdf: claimed, then killed before any batch noted it
        # (claimed from a stale listing, the file was gone: no take-over would ever clear it)
        assert claims.drop_finished(ledger, dead) == 2
        left = sorted(row[0] for row in ledger.db.execute("SELECT name FROM claims"))
        assert left == ["b.pdf", "c.pdf", "e.pdf"]  # b: its batch is unfinished (taken over with it); c, e: live
