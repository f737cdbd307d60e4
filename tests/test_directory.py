"""The supplier directory from the register witnesses seller names."""

import copy

from capture.contract.record import Invoice, Record, Source
from capture.decide import apply_directory
from capture.register.imports import RegisterEntry
from capture.register.store import Ledger
from tests.conftest import REAL, load_truth

INVOICE = load_truth(REAL / "ljf_25322000000337005189.truth.json")["invoices"][0]["invoice"]


def run(tmp_path, register_name: str, invoice_name: str) -> Record:
    with Ledger(tmp_path / "c.db") as ledger:
        entry = RegisterEntry(2, None, "25322000000123456789", "2025-01-02", register_name,
                              "92320213MACRYAKN16", None, None, "1.00", "0.03", "1.03")
        ledger.import_register([entry], "register.csv", "e" * 64, [])
        data = copy.deepcopy(INVOICE)
        data["seller"]["name"] = invoice_name
        record = Record(id="x-p1", source=Source(file="x.pdf", sha256="0" * 64, page=1, kind="pdf_text"),
                        invoice=Invoice.model_validate(data), status="ready")
        apply_directory([record], ledger)
        return record


def test_a_known_name_is_proven(tmp_path):
    record = run(tmp_path, "梁溪苏翼智能产品中心", "梁溪苏翼智能产品中心")
    check = next(c for c in record.checks if c.rule == "supplier_directory")
    assert check.ok and record.status == "ready"


def test_full_width_brackets_and_spaces_match(tmp_path):
    record = run(tmp_path, "联想（北京）有限公司", "联想(北京) 有限公司")
    assert record.status == "ready"


def test_a_different_name_goes_to_review(tmp_path):
    record = run(tmp_path, "梁溪苏翼智能产品中心", "梁溪苏翼智能产 品")
    assert record.status == "review"
    assert "the register knows seller 92320213MACRYAKN16 as 梁溪苏翼智能产品中心" in record.reasons[-1]
