"""The review desk over HTTP (no browser): the queue, one record, decisions re-verified by the
checks, the audit trail, and the export that carries each accepted record exactly once."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from starlette.testclient import TestClient

from capture import decide
from capture.register.desk import ReviewStore
from capture.register.exports import find_batch
from capture.review.app import create_app
from capture.review.export import export_pending
from tests.review_support import MISREAD_TAX_ID, TRUE_TAX_ID, misread, prepare


@pytest.fixture
def desk(tmp_path):
    prepared = prepare(tmp_path)
    record = misread(prepared)
    client = TestClient(create_app(prepared.store, [prepared.inbox], "lihua", lang="en"), base_url="http://127.0.0.1")
    return prepared, record, client


def token(client: TestClient, record_id: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', client.get(f"/record/{record_id}").text)[1]


def post(client: TestClient, record_id: str, action: str, **fields: str):
    data = {"token": token(client, record_id), "action": action, **{f"f:{k}": v for k, v in fields.items()}}
    return client.post(f"/record/{record_id}/decide", data=data, headers={"HX-Request": "true"})


def stored(prepared, record_id: str):
    with ReviewStore(prepared.store) as book:
        return book.record(record_id)[0], book.decisions(record_id)


def test_queue_lists_review_records_oldest_first_with_counts_and_filters(desk):
    prepared, record, client = desk
    page = client.get("/")
    assert page.status_code == 200
    assert re.findall(r'<tr data-record="([^"]+)"', page.text) == sorted(re.findall(r'<tr data-record="([^"]+)"', page.text))
    assert '<strong id="total">3</strong> in review' in page.text
    assert "中国电信股份有限公司南宁分公司" in page.text
    by_reason = {tag: client.get("/", params={"reason": tag}).text.count("<tr data-record=") for tag in ("conflict", "near_match", "uscc_check_digit")}
    assert by_reason == {"conflict": 1, "near_match": 1, "uscc_check_digit": 1}
    assert client.get("/", params={"seller": "南宁"}).text.count("<tr data-record=") == 1
    assert client.get("/", params={"seller": "nobody"}).text.count('id="empty"') == 1
    with ReviewStore(prepared.store) as book:
        run = book.record(record.id)[1]
    assert client.get("/", params={"run": run}).text.count("<tr data-record=") == 3


def test_record_page_shows_boxes_confidence_failed_checks_and_the_register_row(desk):
    prepared, record, client = desk
    page = client.get(f"/record/{record.id}").text
    assert "fails its check digit" in page and f'value="{MISREAD_TAX_ID}"' in page
    assert 'data-field="seller.tax_id"' in page and 'data-box="seller.tax_id"' in page
    assert re.search(r'title="confidence">100%', page)
    image = client.get(f"/record/{record.id}/page.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    conflict = prepared.records()["10_legacy_normal.pdf"]
    side = client.get(f"/record/{conflict.id}").text
    assert 'id="counterpart"' in side and "register register.csv, line" in side
    assert re.search(r'<tr class="differs"><td>total with tax', side)


def test_a_fix_is_accepted_once_and_exported_exactly_once(desk, tmp_path):
    prepared, record, client = desk
    response = post(client, record.id, "accept", **{"seller.tax_id": TRUE_TAX_ID})
    assert response.status_code == 200 and "decided=" in response.headers["HX-Redirect"]
    saved, trail = stored(prepared, record.id)
    assert saved.status == "ready" and saved.reasons == [] and saved.invoice.seller.tax_id == TRUE_TAX_ID
    assert any(c.rule == "uscc_check_digit" and c.field == "seller.tax_id" and c.ok for c in saved.checks)
    assert any(c.rule == "manual_correction" and MISREAD_TAX_ID in c.message for c in saved.checks)
    assert [(d.user, d.action, d.result, d.changes) for d in trail] == [
        ("lihua", "fix", "ready", [{"field": "seller.tax_id", "old": MISREAD_TAX_ID, "new": TRUE_TAX_ID}])
    ]
    assert post(client, record.id, "accept").status_code == 409  # decided already: nothing twice
    with ReviewStore(prepared.store) as book:
        assert export_pending(book, tmp_path / "first.json") == 1
        assert export_pending(book, tmp_path / "second.json") == 0
    first = json.loads((tmp_path / "first.json").read_text(encoding="utf-8"))
    assert first["schema"] == "capture.import/1" and first["count"] == 1
    assert [r["id"] for r in first["records"]] == [record.id]
    assert first["records"][0]["invoice"]["seller"]["tax_id"] == TRUE_TAX_ID
    assert json.loads((tmp_path / "second.json").read_text(encoding="utf-8"))["records"] == []
    with ReviewStore(prepared.store) as book:  # the desk's batch can be written again by its id
        again = find_batch(book.ledger, first["run_id"])
    assert again is not None and [r["id"] for r in again.ready] == [record.id]


def test_a_fix_that_breaks_a_check_is_refused_with_the_reason(desk):
    prepared, record, client = desk
    response = post(client, record.id, "accept", **{"seller.tax_id": TRUE_TAX_ID, "total": "30.84"})
    assert 'id="refused"' in response.text and "but the total reads 30.84" in response.text
    bad_format = post(client, record.id, "accept", **{"seller.tax_id": TRUE_TAX_ID, "date": "2017-13-45"})
    assert "issue date" in bad_format.text
    saved, trail = stored(prepared, record.id)
    assert saved.status == "review" and saved.invoice.seller.tax_id == MISREAD_TAX_ID
    assert [(d.action, d.result) for d in trail] == [("fix", "refused"), ("fix", "refused")]
    assert "but the total reads 30.84" in trail[0].note
    plain = post(client, record.id, "accept")  # accepting the misread as it is: the check digit still fails
    assert "fails its check digit" in plain.text and stored(prepared, record.id)[0].status == "review"


def test_a_fix_the_qr_code_or_the_register_contradicts_is_refused(desk):
    prepared, _, client = desk
    near = prepared.records()["03_digital_special.pdf"]
    register_number = re.search(r"holds invoice (\d+)", near.reasons[0])[1]
    response = post(client, near.id, "accept", number=register_number)
    assert "QR code says invoice number" in response.text
    with ReviewStore(prepared.store) as book:  # without the QR witness, the duplicate rules still hold
        changes = [{"field": "number", "old": near.invoice.number, "new": register_number}]
        outcome = decide.accept(near, changes, "lihua", "now", book.ledger, qr=[])
    assert outcome.record is None and "after the fix" in outcome.refused[0] and "already in the register" in outcome.refused[0]


def test_duplicate_and_reject_are_stored_with_who_and_why_and_not_exported(desk, tmp_path):
    prepared, record, client = desk
    near = prepared.records()["03_digital_special.pdf"]
    client.post(f"/record/{near.id}/decide", data={"token": token(client, near.id), "action": "duplicate", "note": "same as the register row"})
    post(client, record.id, "reject")
    saved_near, near_trail = stored(prepared, near.id)
    assert saved_near.status == "duplicate" and saved_near.duplicate_of == near.duplicate_of
    assert near_trail[0].note == "same as the register row" and near_trail[0].user == "lihua"
    assert stored(prepared, record.id)[0].status == "rejected"
    with ReviewStore(prepared.store) as book:
        assert export_pending(book, tmp_path / "batch.json") == 0
    audit = client.get("/audit").text
    assert audit.count("<tr><td>") == 2 and "same as the register row" in audit


def test_forms_need_the_desk_token_and_a_loopback_host(desk):
    _, record, client = desk
    assert client.post(f"/record/{record.id}/decide", data={"action": "accept"}).status_code == 403
    evil = TestClient(client.app, base_url="http://evil.example")
    assert evil.get("/").status_code == 400


def test_export_command_writes_each_accepted_record_once(desk, tmp_path):
    prepared, record, client = desk
    post(client, record.id, "accept", **{"seller.tax_id": TRUE_TAX_ID})

    def export(name: str) -> dict:
        out = tmp_path / name
        result = subprocess.run([sys.executable, "-m", "capture.cli", "export", "--store", prepared.store, "--out", out],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return json.loads(out.read_text(encoding="utf-8"))

    assert [r["id"] for r in export("a.json")["records"]] == [record.id]
    assert export("b.json")["count"] == 0


def test_review_command_refuses_a_missing_store(tmp_path):
    result = subprocess.run([sys.executable, "-m", "capture.cli", "review", "--store", tmp_path / "none.db"],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "no such ledger store" in result.stderr


def test_full_width_input_is_folded(desk):
    prepared, record, client = desk
    full_width = TRUE_TAX_ID.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    assert post(client, record.id, "accept", **{"seller.tax_id": full_width}).status_code == 200
    assert stored(prepared, record.id)[0].invoice.seller.tax_id == TRUE_TAX_ID
