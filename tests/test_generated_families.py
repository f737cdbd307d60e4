"""The generator's own-layout families read exactly and go out `ready`: legacy 通行费 e-invoices
(fixtures/toll_legacy.py) with their plates, dates, 不征税 and *** lines, and the 数电 travel
e-invoices (fixtures/travel.py) with their passenger, trips and fares. The committed examples in
fixtures/families/ are read as they are; fresh ones are generated; the travel checks catch a
total or a tax that does not add up."""

import json
from pathlib import Path

import pytest

from capture.contract.record import Invoice
from capture.evaluate import score_invoice
from capture.pipeline import run_batch
from capture.register.store import Ledger
from capture.verify.checks import Witnesses, run_checks
from fixtures.generate import generate
from tests.conftest import load_truth

FAMILIES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "families"


def _wrong_records(inbox: Path) -> tuple[list, dict]:
    """(file, status, wrong fields, reasons) of every invoice not read exactly or not ready."""
    with Ledger() as ledger:
        records = {r.source.file: r for r in run_batch([inbox], ledger, workers=1).records}
    wrong, kinds = [], {}
    for truth_path in sorted(inbox.glob("*.truth.json")):
        truth = load_truth(truth_path)
        record = records[truth["file"]]
        expected = truth["invoices"][0]["invoice"]
        got = record.to_json_dict()["invoice"]
        bad = [name for name, ok in score_invoice(got, expected, set()).items() if not ok]
        if bad or record.status != "ready":
            wrong.append((truth["file"], record.status, bad, record.reasons))
        kinds[truth["file"]] = (expected, got)
    return wrong, kinds


def test_committed_family_examples_read_exactly_and_ready():
    wrong, kinds = _wrong_records(FAMILIES_DIR)
    assert wrong == []
    assert {expected["kind"] for expected, _ in kinds.values()} == {"vat_electronic_toll", "digital_railway", "digital_air"}
    tolls = [got for expected, got in kinds.values() if expected["kind"] == "vat_electronic_toll"]
    assert all(item["plate"] and item["period_start"] and item["period_end"] for got in tolls for item in got["items"])
    assert any(got["tax"] is None for got in tolls)  # every line ***: no 合计税额 printed
    assert any(item["tax_rate"] == "不征税" and item["tax"] is None for got in tolls for item in got["items"])
    flights = [got for expected, got in kinds.values() if expected["kind"] == "digital_air"]
    assert any(len(got["travel"]["trips"]) == 2 for got in flights)
    assert all(got["amount"] is None and got["tax"] and got["seller"]["name"] for got in flights)
    trains = [got for expected, got in kinds.values() if expected["kind"] == "digital_railway"]
    assert all(got["tax"] is None and got["total"] == got["travel"]["fare"] for got in trains)


@pytest.mark.parametrize(("family", "seed"), [("toll_legacy", 20261811), ("railway", 20261812), ("air", 20261813)])
def test_generated_families_read_exactly_and_ready(tmp_path, family, seed):
    inbox = tmp_path / family
    generate(inbox, 12, seed, [family])
    wrong, _ = _wrong_records(inbox)
    assert wrong == []


def test_the_eval_scores_a_travel_invoice_s_passenger_fare_and_trips():
    flight = _flight()
    assert score_invoice(flight, flight, set())["travel"] is True
    moved = json.loads(json.dumps(flight))
    moved["travel"]["trips"][0]["arrival"] = "深圳宝安T2"
    assert score_invoice(moved, flight, set())["travel"] is False
    assert score_invoice(moved, flight, {"travel.trips[0].arrival"})["travel"] is True
    assert score_invoice({**flight, "travel": None}, flight, set())["travel"] is False
    assert "travel" not in score_invoice({"items": []}, {"items": []}, set())


def _flight() -> dict:
    return json.loads((FAMILIES_DIR / "air_18_0003.truth.json").read_text(encoding="utf-8"))["invoices"][0]["invoice"]


def _failed(invoice: dict) -> set[tuple[str, str]]:
    checks = run_checks(Invoice.model_validate(invoice), Witnesses())
    return {(c.rule, c.field) for c in checks if not c.ok and c.severity == "error"}


def test_travel_checks_pass_on_a_flight_and_catch_a_wrong_total_or_tax():
    flight = _flight()
    assert _failed(flight) == set()
    flight["total"] = f"{float(flight['total']) + 10:.2f}"
    assert ("travel_sum", "total") in _failed(flight)
    flight = _flight()
    flight["tax"] = f"{float(flight['tax']) + 1:.2f}"
    assert ("travel_tax", "tax") in _failed(flight)
    flight = _flight()
    flight["travel"]["passenger"] = None
    flight["travel"]["trips"] = []
    assert {("field_present", "travel.passenger"), ("field_present", "travel.trips")} <= _failed(flight)


def test_a_train_ticket_total_is_its_fare_and_it_prints_no_tax():
    train = json.loads((FAMILIES_DIR / "railway_18_0001.truth.json").read_text(encoding="utf-8"))["invoices"][0]["invoice"]
    assert _failed(train) == set()
    train["total"] = "1.00"
    assert ("travel_sum", "total") in _failed(train)
    record_json = Invoice.model_validate(train).model_dump(mode="json")
    assert "travel" in record_json and "travel" not in Invoice().model_dump(mode="json")
