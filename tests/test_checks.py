"""Each verification rule on a real invoice: clean passes, a realistic misread is caught."""

import pytest

from capture.contract.qr import parse_qr
from capture.contract.record import Invoice
from capture.verify.checks import Witnesses, run_checks
from tests.checks_support import TODAY, failures, sample


@pytest.mark.parametrize(
    "name",
    ["ljf_25322000000337005189.truth.json", "iocr_041001900111_32321709.truth.json",
     "easyofd_052002100113_00008006.truth.json", "erma0_24322000000489101796.truth.json"],
)
def test_clean_real_invoices_pass_every_rule(name):
    data, witnesses = sample(name)
    assert failures(data, witnesses) == {}


def test_misread_tax_id_is_caught():
    data, witnesses = sample("ljf_25322000000337005189.truth.json")
    data["seller"]["tax_id"] = "92320213MACRYAKNI6"  # 1 read as I
    found = failures(data, witnesses)
    assert "seller.tax_id" in found and "check digit" in found["seller.tax_id"][0]


def test_number_misread_disagrees_with_qr():
    data, witnesses = sample("ljf_25322000000337005189.truth.json")
    data["number"] = "25322000000337005180"
    assert "QR code says invoice number" in failures(data, witnesses)["number"][0]


def test_items_that_do_not_add_up():
    data, witnesses = sample("ljf_25322000000337005189.truth.json")
    data["items"][1]["amount"] = "1261.76"
    found = failures(data, witnesses)
    assert any("items_sum_amount" in m for m in found["amount"])


def test_amount_plus_tax_and_words():
    data, witnesses = sample("iocr_041001900111_32321709.truth.json")
    data["total"] = "108.50"
    found = failures(data, witnesses)
    assert any("amount_plus_tax" in m for m in found["total"])
    assert any("spells 103.50" in m for m in found["total_in_words"])


def test_line_tax_tolerance():
    data, witnesses = sample("ljf_25322000000337005189.truth.json")
    data["items"][0]["tax"] = "200.20"  # off by 0.10 from 6669.90 × 3%
    data["tax"] = "256.98"
    data["total"] = "8819.70"
    found = failures(data, witnesses)
    assert any("line_tax" in m for m in found["items[0].tax"])


def test_quantity_times_price():
    data, witnesses = sample("ljf_25322000000337005189.truth.json")
    data["items"][2]["quantity"] = "20"
    assert any("quantity_price" in m for m in failures(data, witnesses)["items[2].amount"])


def test_missing_fields_are_named():
    data, witnesses = sample("iocr_041001900111_32321709.truth.json")
    data["check_code"] = None
    data["seller"]["name"] = None
    found = failures(data, witnesses)
    assert "seller name (销售方名称) could not be read" in found["seller.name"][0]
    assert "check_code" in found


def test_digital_invoice_with_a_code_and_short_number():
    data, witnesses = sample("ljf_25322000000337005189.truth.json")
    data["code"] = "044031800104"
    data["number"] = "2532200000033700518"
    found = failures(data, witnesses)
    assert "code" in found and any("20 digits" in m for m in found["number"])


def test_kind_must_agree_with_the_qr():
    data, witnesses = sample("ljf_25322000000337005189.truth.json")
    data["kind"] = "digital_normal"
    assert "kind_consistent" in failures(data, witnesses)["kind"][0]


def test_crc_mismatch_is_only_a_warning():
    data, _ = sample("ljf_25322000000337005189.truth.json")
    witnesses = Witnesses(qr=[parse_qr("01,31,,25322000000337005189,8819.60,20250722,,0000")], today=TODAY)
    checks = run_checks(Invoice.model_validate(data), witnesses)
    crc = next(c for c in checks if c.rule == "qr_crc")
    assert not crc.ok and crc.severity == "warning"
    assert failures(data, witnesses) == {}


def test_tax_exempt_line():
    data, witnesses = sample("ljf_25322000000337005189.truth.json")
    data["items"] = [{"name": "*蔬菜*白菜", "spec": None, "unit": "斤", "quantity": "10", "unit_price": "3",
                      "amount": "30.00", "tax_rate": "免税", "tax": None}]
    data.update(amount="30.00", tax="0.00", total="30.00", total_in_words="叁拾圆整")
    witnesses = Witnesses(qr=[], today=TODAY)
    assert failures(data, witnesses) == {}


def test_resident_id_and_legacy_ids_are_accepted_with_their_own_check_digits():
    data, witnesses = sample("iocr_041001900111_32321709.truth.json")
    data["buyer"]["tax_id"] = "11010519491231002X"  # a resident ID card number (individual business)
    assert failures(data, witnesses) == {}
    data["buyer"]["tax_id"] = "440300708436854"  # region code + organisation code 70843685-4
    assert failures(data, witnesses) == {}
    data["buyer"]["tax_id"] = "440300708436855"
    assert "buyer.tax_id" in failures(data, witnesses)
    data["buyer"]["tax_id"] = "9132020079614836W"  # a unified code with one character lost
    assert "buyer.tax_id" in failures(data, witnesses)


def test_code_must_fit_the_type():
    data, witnesses = sample("iocr_041001900111_32321709.truth.json")
    data["kind"] = "vat_electronic_special"  # the code ends in 11: an 电子普票
    found = failures(data, witnesses)
    assert any("code_matches_kind" in m for m in found["code"])


def test_rate_must_be_in_force_on_the_date():
    data, witnesses = sample("iocr_041001900111_32321709.truth.json")
    data["date"] = "2019-03-01"  # 13% came in on 2019-04-01
    witnesses.qr = []
    found = failures(data, witnesses)
    assert any("rate_in_period" in m for m in found["items[0].tax_rate"])


def test_issuing_software_rounding_is_tolerated():
    data, witnesses = sample("ljf_25322000000337005189.truth.json")
    witnesses.qr = []
    data["items"] = [{"name": "*食品*月饼", "spec": None, "unit": "盒", "quantity": "1", "unit_price": "46.62",
                      "amount": "46.62", "tax_rate": "0.13", "tax": "6.08"}]  # printed on a real invoice
    data.update(amount="46.62", tax="6.08", total="52.70", total_in_words="伍拾贰圆柒角整")
    assert failures(data, witnesses) == {}


def test_invoice_level_tax_tolerance():
    data, witnesses = sample("ljf_25322000000337005189.truth.json")
    witnesses.qr = []
    line = {"name": "*服务*服务费", "spec": None, "unit": None, "quantity": None, "unit_price": None,
            "amount": "10.00", "tax_rate": "0.13", "tax": "1.35"}  # each line 0.05 over
    data["items"] = [dict(line) for _ in range(30)]
    data.update(amount="300.00", tax="40.50", total="340.50", total_in_words="叁佰肆拾圆伍角整")
    found = failures(data, witnesses)
    assert list(found) == ["tax"] and "by more than 1.27" in found["tax"][0]


def test_a_rate_that_is_no_vat_rate():
    data, witnesses = sample("ljf_25322000000337005189.truth.json")
    data["items"][0]["tax_rate"] = "0.15"
    assert any("tax_rate_allowed" in m for m in failures(data, witnesses)["items[0].tax_rate"])


def test_a_missing_qr_is_a_warning_only():
    data, witnesses = sample("ljf_25322000000337005189.truth.json")
    witnesses.qr = []
    checks = run_checks(Invoice.model_validate(data), witnesses)
    assert any(c.rule == "qr_present" and not c.ok and c.severity == "warning" for c in checks)
    assert failures(data, witnesses) == {}
