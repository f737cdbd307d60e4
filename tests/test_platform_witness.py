"""The tax platform as a witness: `platform_match` on a record that agrees with the platform's row,
`review` for other values or a voided / red-flushed status; end to end on a real PDF."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from capture.contract.record import Check, Invoice, Party, Record, Source
from capture.decide import decide_batch
from capture.register.platform import import_platform
from capture.register.platform_export import PlatformReader
from capture.register.store import Ledger
from fixtures.platform import CASES, SELLERS, n
from tests.conftest import REAL, load_truth

SCENARIO = Path(__file__).resolve().parent.parent / "fixtures" / "platform"
PROVEN = ["number", "date", "seller.tax_id", "amount", "tax", "total"]


def record_of(number: str, **changes) -> Record:
    case = next(c for c in CASES if c.number == number)
    seller_id, seller_name = SELLERS[case.seller]
    data = {"kind": "digital_special", "number": case.number, "date": case.date, "amount": case.amount,
            "tax": case.tax, "total": case.total, "seller": Party(name=seller_name, tax_id=seller_id), **changes}
    return Record(id=f"{number}-p1", source=Source(file=f"{number}.pdf", sha256="0" * 64, page=1, kind="pdf_text"),
                  invoice=Invoice(**data), status="ready")


@pytest.fixture
def ledger(tmp_path):
    with Ledger(tmp_path / "capture.db") as store:
        reader = PlatformReader(SCENARIO / "platform-received.xlsx")
        import_platform(store, reader, "platform-received.xlsx", "0" * 64, "received", reader.errors)
        yield store


def test_a_record_that_agrees_with_the_platform_carries_platform_match(ledger):
    records = [record_of(n("0101"))]
    decide_batch(records, ledger)
    (record,) = records
    assert record.status == "ready" and record.reasons == []
    matches = [c for c in record.checks if c.rule == "platform_match"]
    assert [c.field for c in matches] == PROVEN and all(c.ok for c in matches)
    assert "税务平台" in matches[0].message and "platform-received.xlsx" in matches[0].message


def test_other_values_on_the_platform_send_the_record_to_review_naming_the_fields(ledger):
    records = [record_of(n("0101"), amount="1400.00", date="2025-07-02")]
    decide_batch(records, ledger)
    (record,) = records
    assert record.status == "review"
    assert not [c for c in record.checks if c.rule == "platform_match"]
    (reason,) = record.reasons
    assert "开票日期 平台 2025-07-01，本发票 2025-07-02" in reason and "金额 平台 1000.00，本发票 1400.00" in reason
    assert "税额" not in reason


@pytest.mark.parametrize(("number", "words"), [(n("0112"), "已作废"), (n("0110"), "已红冲"), (n("0111"), "部分红冲")])
def test_a_voided_or_red_flushed_invoice_goes_to_review(ledger, number, words):
    records = [record_of(number)]
    decide_batch(records, ledger)
    (record,) = records
    assert record.status == "review"
    assert record.reasons == [
        f"税务平台上发票 {number} 的状态为{words}，不可按原票入账 (the tax platform lists invoice {number} as "
        f"{ {'已作废': 'voided', '已红冲': 'red_flushed', '部分红冲': 'partly_red_flushed'}[words] }: do not book it as it stands)"
    ]


def test_an_invoice_the_platform_does_not_list_is_left_alone(ledger):
    records = [record_of(n("0301"))]
    decide_batch(records, ledger)
    assert records[0].status == "ready" and not [c for c in records[0].checks if c.rule == "platform_match"]


@pytest.mark.parametrize(("status", "expected"), [("正常", "ready"), ("已作废", "review")])
def test_end_to_end_on_a_real_pdf(tmp_path, status, expected):
    truth = load_truth(REAL / "ljf_25322000000337005189.truth.json")["invoices"][0]["invoice"]
    export = tmp_path / "全量发票查询_取得.csv"
    export.write_text(
        "发票代码,发票号码,数电发票号码,销方识别号,销方名称,开票日期,金额,税额,价税合计,发票状态\n"
        f",,{truth['number']},{truth['seller']['tax_id']},{truth['seller']['name']},{truth['date']} 09:30:00,"
        f"{truth['amount']},{truth['tax']},{truth['total']},{status}\n",
        encoding="utf-8",
    )
    store, inbox, out = tmp_path / "capture.db", tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "invoice.pdf").write_bytes((REAL / "ljf_25322000000337005189.pdf").read_bytes())
    run = lambda *args: subprocess.run([sys.executable, "-m", "capture.cli", *map(str, args)], capture_output=True, text=True)  # noqa: E731
    assert run("platform", "import", export, "--store", store).returncode == 0
    assert run("run", inbox, "--out", out, "--store", store).returncode == 0
    (record,) = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert record["status"] == expected
    matched = [c["field"] for c in record["checks"] if c["rule"] == "platform_match"]
    assert matched == (PROVEN if expected == "ready" else [])
    if expected == "review":
        assert record["reasons"] == [
            f"税务平台上发票 {truth['number']} 的状态为已作废，不可按原票入账 (the tax platform lists invoice "
            f"{truth['number']} as voided: do not book it as it stands)"
        ]


def scanned(number: str, doubtful: list[str], rule: str = "ocr_confidence") -> Record:
    """A scan's record whose `doubtful` fields were read with low OCR confidence."""
    record = record_of(number)
    doubts = [Check(rule=rule, field=f, ok=False, message=f"{f} was read with low confidence (0.61)") for f in doubtful]
    return record.model_copy(update={"checks": doubts, "reasons": [c.message for c in doubts], "status": "review",
                                     "source": record.source.model_copy(update={"kind": "image"})})


def test_the_platform_proves_fields_a_scan_read_with_low_confidence(ledger):
    records = [scanned(n("0101"), ["amount", "total"]), scanned(n("0103"), ["amount", "buyer.name"])]
    decide_batch(records, ledger)
    proven, partly = records
    assert proven.status == "ready" and proven.reasons == []
    settled = [c for c in proven.checks if c.rule == "ocr_confidence"]
    assert [c.field for c in settled] == ["amount", "total"] and all(c.ok and "税务平台清单已证实" in c.message for c in settled)
    assert partly.status == "review" and partly.reasons == ["buyer.name was read with low confidence (0.61)"]


def test_the_platform_proves_a_field_with_one_guessed_character(ledger):
    records = [scanned(n("0101"), ["amount"], rule="ocr_character")]
    decide_batch(records, ledger)
    assert records[0].status == "ready" and records[0].reasons == []
    assert [c.ok for c in records[0].checks if c.rule == "ocr_character"] == [True]
