"""Duplicates of every kind against a real store: SQLite, and PostgreSQL."""

import copy

import pytest

from capture.contract.record import Invoice, Record, Source
from capture.decide import apply_duplicates
from capture.register.dedupe import near_miss
from capture.register.imports import RegisterEntry
from capture.register.store import Ledger
from tests.conftest import REAL, load_truth

DIGITAL = load_truth(REAL / "ljf_25322000000337005189.truth.json")["invoices"][0]["invoice"]
LEGACY = load_truth(REAL / "iocr_041001900111_32321709.truth.json")["invoices"][0]["invoice"]


def record(invoice: dict, name: str = "a.pdf", **changes) -> Record:
    data = copy.deepcopy(invoice)
    data.update(changes)
    return Record(id=f"{name}-p1", source=Source(file=name, sha256="0" * 64, page=1, kind="pdf_text"),
                  invoice=Invoice.model_validate(data), status="ready")


def entry(invoice: dict, line: int = 2, **changes) -> RegisterEntry:
    data = {
        "code": invoice["code"], "number": invoice["number"], "date": invoice["date"],
        "seller_name": invoice["seller"]["name"], "seller_tax_id": invoice["seller"]["tax_id"],
        "buyer_name": None, "buyer_tax_id": None, "amount": invoice["amount"], "tax": invoice["tax"],
        "total": invoice["total"],
    }
    data.update(changes)
    return RegisterEntry(line=line, **data)


@pytest.fixture
def ledger(store_target):
    with Ledger(store_target) as store:
        yield store


def load(ledger, *entries):
    ledger.import_register(list(entries), "register.csv", "f" * 64, [])


@pytest.mark.parametrize("invoice", [DIGITAL, LEGACY], ids=["20-digit number", "code + number"])
def test_exact_register_match_is_a_duplicate(ledger, invoice):
    load(ledger, entry(invoice, line=7))
    records = [record(invoice)]
    apply_duplicates(records, ledger)
    assert records[0].status == "duplicate"
    assert records[0].duplicate_of == "register:register.csv:7"


def test_same_number_for_a_legacy_invoice_with_another_code_is_not_a_duplicate(ledger):
    load(ledger, entry(LEGACY, code="041001900222"))
    records = [record(LEGACY)]
    apply_duplicates(records, ledger)
    assert records[0].status == "ready"


@pytest.mark.parametrize(
    ("changes", "words"),
    [({"total": "8819.06"}, "total 8819.06 there"), ({"date": "2025-07-23"}, "date 2025-07-23 there"),
     ({"seller_tax_id": "91320200796148368W"}, "seller 91320200796148368W there")],
)
def test_same_number_with_different_facts_is_a_conflict(ledger, changes, words):
    load(ledger, entry(DIGITAL, **changes))
    records = [record(DIGITAL)]
    apply_duplicates(records, ledger)
    assert records[0].status == "review"
    assert "different facts" in records[0].reasons[0] and words in records[0].reasons[0]


@pytest.mark.parametrize(
    ("number", "how"),
    [("25322000000337005789", "one character apart"),  # 1 read as 7
     ("25322000000337001589", "swapped")],
)
def test_near_match_goes_to_review(ledger, number, how):
    load(ledger, entry(DIGITAL, number=number))
    records = [record(DIGITAL)]
    apply_duplicates(records, ledger)
    assert records[0].status == "review"
    assert how in records[0].reasons[0] and records[0].duplicate_of.startswith("register:")


def test_a_different_seller_is_not_a_near_match(ledger):
    load(ledger, entry(DIGITAL, number="25322000000337005789", seller_tax_id="91320200796148368W"))
    records = [record(DIGITAL)]
    apply_duplicates(records, ledger)
    assert records[0].status == "ready"


def test_twice_in_one_batch(ledger):
    records = [record(DIGITAL, "mail/invoice.pdf"), record(DIGITAL, "scans/printout.pdf")]
    apply_duplicates(records, ledger)
    assert [r.status for r in records] == ["ready", "duplicate"]
    assert records[1].duplicate_of == "record:mail/invoice.pdf-p1"


def test_emitted_by_an_earlier_run(ledger):
    first = [record(LEGACY, "monday.pdf")]
    apply_duplicates(first, ledger)
    ledger.record_run("run-1", [r.to_json_dict() for r in first], [("1" * 64, "monday.pdf")])
    again = [record(LEGACY, "tuesday.pdf")]
    apply_duplicates(again, ledger)
    assert again[0].status == "duplicate" and again[0].duplicate_of == "record:monday.pdf-p1"
    assert ledger.is_processed("1" * 64)


def test_near_miss_rules():
    assert near_miss("32321709", "32321109") is not None  # 7/1
    assert near_miss("32321709", "32321609") is None  # 7/6 is not a usual misreading
    assert near_miss("32321709", "23321709") is not None  # swapped neighbours
    assert near_miss("32321709", "3232170") is None
