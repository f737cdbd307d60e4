"""Special VAT cases on real invoices: 差额征税, taxes not printed (***, 免税), toll kinds, items
without 金额."""

from capture.verify.checks import Witnesses
from tests.checks_support import TODAY, failures, sample


def difference_taxed(remarks: str | None) -> dict:
    """A 6% service invoice of 10600.00 taxed on the difference after a 5000.00 deduction:
    tax (10600 − 5000) × 6 / 106 = 316.98, amount 10283.02 (as the issuing software prints it)."""
    data, _ = sample("ljf_25322000000337005189.truth.json")
    data["items"] = [{**data["items"][0], "quantity": None, "unit_price": None, "amount": "10283.02", "tax_rate": "0.06", "tax": "316.98"}]
    data.update(amount="10283.02", tax="316.98", total="10600.00", total_in_words="壹万零陆佰圆整", remarks=remarks)
    return data


def test_difference_taxed_invoice_passes_on_amount_less_deduction():
    assert failures(difference_taxed("差额征税：5000.00。"), Witnesses(today=TODAY)) == {}


def test_the_same_invoice_without_its_remark_fails_the_line_tax():
    assert "items[0].tax" in failures(difference_taxed(None), Witnesses(today=TODAY))


def test_a_misread_deduction_or_none_is_caught():
    assert failures(difference_taxed("差额征税：6000.00。"), Witnesses(today=TODAY))["tax"][0].startswith("difference_tax")
    assert "扣除额未能读出" in failures(difference_taxed("差额征税"), Witnesses(today=TODAY))["tax"][0]


def test_a_tax_printed_as_asterisks_is_null_and_the_total_is_the_amount():
    data, witnesses = sample("toll/mh-sd-toll-26377000000217799582.truth.json")
    assert data["tax"] is None and failures(data, witnesses) == {}
    data["total"] = "16.00"
    assert any(m.startswith("amount_plus_tax") for m in failures(data, witnesses)["total"])


def test_an_exempt_invoice_printing_no_tax_needs_none():
    data, witnesses = sample("toll/mh-sd-toll-26377000000217799582.truth.json")
    data["items"][0]["tax_rate"] = "免税"
    assert failures(data, witnesses) == {}
    data["items"][0]["tax_rate"] = "0.03"  # a taxed line: its tax must have been read
    assert "tax" in failures(data, witnesses)


def test_an_item_without_its_amount_is_never_ready():
    data, witnesses = sample("ljf_25322000000337005189.truth.json")
    data["items"][1]["amount"] = None
    assert any("第2行金额未能读出" in m for m in failures(data, witnesses)["items[1].amount"])


def test_toll_code_type_digits_and_qr_type():
    data, witnesses = sample("toll_legacy/wok-sc-toll-67cdb985.truth.json")
    assert data["code"].endswith("12") and failures(data, witnesses) == {}
    data["kind"] = "vat_electronic_normal"
    assert any(m.startswith("code_matches_kind") for m in failures(data, witnesses)["code"])
