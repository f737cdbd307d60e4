"""A conflict at the review desk, end to end over real HTTP (uvicorn on a loopback port): the
register holds the same invoice number with other facts. Accepting it as it is would export the
invoice a second time, so it is refused; "the register row is wrong" corrects the row in the store
(audited) and exports nothing; "a separate invoice" needs a differing number and says so."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from capture.contract.record import Record
from capture.register.dedupe import BatchIndex, find_duplicate
from capture.register.desk import ReviewStore
from capture.register.store import Ledger, invoice_key
from capture.review.app import create_app
from capture.review.export import export_pending
from tests.review_support import Prepared, prepare, running

CONFLICT_FILE = "10_legacy_normal.pdf"  # the register's line 14 holds its number with total 4196.61
INVOICE_TOTAL, REGISTER_TOTAL = "4096.61", "4196.61"
INVOICE_AMOUNT, REGISTER_AMOUNT = "3760.79", "3860.79"
MISREAD_FILE = "11_digital_discount.pdf"
REGISTER_NUMBER = "22372000000346425131"  # register.csv line 11 (another seller's invoice)


@pytest.fixture
def desk(tmp_path):
    prepared = prepare(tmp_path)
    with running(create_app(prepared.store, [prepared.inbox], "zhangwei")) as base, httpx.Client(base_url=base) as client:
        yield prepared, client


def collide(prepared: Prepared, file: str, number: str) -> Record:
    """Make the record of `file` what a misread number gives when the misreading is the number
    of a register row: a conflict, in review, as the duplicate rules word it."""
    record = prepared.records()[file]
    record.invoice.number = number
    with Ledger(prepared.store) as book:
        found = find_duplicate(record, book, BatchIndex.empty())
        assert found is not None and found.same_key and found.status == "review"
        record = record.model_copy(update={"status": "review", "reasons": [found.reason], "duplicate_of": found.of})
        with book.db:
            book.db.execute(
                "UPDATE emitted SET status = 'review', key = ?, number = ?, record = ? WHERE record_id = ?",
                (invoice_key(None, number), number, json.dumps(record.to_json_dict(), ensure_ascii=False), record.id),
            )
    return record


def decide(client: httpx.Client, record_id: str, action: str, **fields: str) -> httpx.Response:
    page = client.get(f"/record/{record_id}")
    token = re.search(r'name="token" value="([^"]+)"', page.text)[1]
    data = {"token": token, "action": action, **{f"f:{k}": v for k, v in fields.items()}}
    return client.post(f"/record/{record_id}/decide", data=data, headers={"HX-Request": "true"})


def export_ids(prepared: Prepared, path) -> list[str]:
    with ReviewStore(prepared.store) as book:
        export_pending(book, path)
    return [r["id"] for r in json.loads(path.read_text(encoding="utf-8"))["records"]]


def test_a_conflict_is_never_accepted_as_it_is(desk, tmp_path):
    prepared, client = desk
    conflict = prepared.records()[CONFLICT_FILE]
    page = client.get(f"/record/{conflict.id}").text
    assert 'id="register-wrong"' in page and "接受（登记簿那一行有误）" in page and "作为另一张发票接受" in page
    assert 'id="accept"' not in page and "冲突的发票不能原样接受" in page

    refused = decide(client, conflict.id, "accept")  # as a forged form would post it
    assert refused.status_code == 200 and 'id="refused"' in refused.text and "冲突的发票不能原样接受" in refused.text
    with ReviewStore(prepared.store) as book:
        saved = book.record(conflict.id)[0]
        trail = book.decisions(conflict.id)
    assert saved.status == "review" and saved.duplicate_of == conflict.duplicate_of
    assert [(d.action, d.result) for d in trail] == [("accept", "refused")] and "different facts" in trail[0].note
    assert export_ids(prepared, tmp_path / "batch.json") == []


def test_the_register_row_is_wrong_corrects_the_row_and_exports_nothing(desk, tmp_path):
    prepared, client = desk
    conflict = prepared.records()[CONFLICT_FILE]
    done = decide(client, conflict.id, "register_wrong")
    assert done.status_code == 200 and "result=duplicate" in done.headers["HX-Redirect"]

    with ReviewStore(prepared.store) as book:
        saved = book.record(conflict.id)[0]
        trail = book.decisions(conflict.id)
        corrections = book.register_corrections()
        row = book.counterpart(conflict.duplicate_of)["fields"]
    assert saved.status == "duplicate" and saved.duplicate_of == "register:register.csv:14"
    assert "登记簿那一行有误" in saved.reasons[-1] and any(c.rule == "register_corrected" for c in saved.checks)
    assert (row["amount"], row["total"]) == (INVOICE_AMOUNT, INVOICE_TOTAL)  # the register row now says what the invoice says
    assert [(c["field"], c["old"], c["new"], c["user"], c["line"]) for c in corrections] == [
        ("amount", REGISTER_AMOUNT, INVOICE_AMOUNT, "zhangwei", 14), ("total", REGISTER_TOTAL, INVOICE_TOTAL, "zhangwei", 14)
    ]
    assert [(d.action, d.result, d.user) for d in trail] == [("register_wrong", "duplicate", "zhangwei")]
    assert trail[0].changes == [
        {"field": "amount", "old": REGISTER_AMOUNT, "new": INVOICE_AMOUNT}, {"field": "total", "old": REGISTER_TOTAL, "new": INVOICE_TOTAL}
    ]
    audit = client.get("/audit").text
    assert "登记簿那一行有误" in audit and f"价税合计: {REGISTER_TOTAL} → {INVOICE_TOTAL}" in audit

    assert export_ids(prepared, tmp_path / "first.json") == []  # nothing new goes out, now or later
    again = decide(client, conflict.id, "accept")
    assert again.status_code == 409
    assert export_ids(prepared, tmp_path / "second.json") == []


def test_the_register_row_is_wrong_needs_a_register_conflict(desk):
    prepared, client = desk
    near = prepared.records()["03_digital_special.pdf"]  # a near match, not a conflict
    refused = decide(client, near.id, "register_wrong")
    assert 'id="refused"' in refused.text and "此记录没有与登记簿的某一行冲突" in refused.text
    with ReviewStore(prepared.store) as book:
        assert book.record(near.id)[0].status == "review" and book.register_corrections() == []


def test_a_separate_invoice_needs_a_differing_number_and_then_goes_out_once(desk, tmp_path):
    prepared, client = desk
    true_number = prepared.records()[MISREAD_FILE].invoice.number
    record = collide(prepared, MISREAD_FILE, REGISTER_NUMBER)

    same = decide(client, record.id, "separate")
    assert 'id="refused"' in same.text and "需要与冲突的那一张不同的发票代码或号码" in same.text
    assert REGISTER_NUMBER in same.text
    wrong = decide(client, record.id, "separate", number=REGISTER_NUMBER[:-1] + "9")  # the QR code says otherwise
    assert 'id="refused"' in wrong.text and "发票号码：与二维码不一致" in wrong.text and "QR" in wrong.text

    done = decide(client, record.id, "separate", number=true_number)
    assert done.status_code == 200 and "result=ready" in done.headers["HX-Redirect"]
    with ReviewStore(prepared.store) as book:
        saved = book.record(record.id)[0]
        trail = book.decisions(record.id)
    assert saved.status == "ready" and saved.duplicate_of is None and saved.invoice.number == true_number
    assert "as a separate invoice" in next(c for c in saved.checks if c.rule == "reviewed").message
    assert [(d.action, d.result) for d in trail] == [("separate", "refused"), ("separate", "refused"), ("separate", "ready")]

    assert export_ids(prepared, tmp_path / "first.json") == [record.id]
    assert export_ids(prepared, tmp_path / "second.json") == []
