"""Notes a form prints after a value (代开机关, 完税凭证号) and a seal read onto the signature line."""

from capture.contract.draft import Draft, empty_invoice
from capture.contract.tokens import Token
from capture.extract.agency import drop_printed_notes


def _draft(**people) -> Draft:
    draft = Draft(invoice=empty_invoice(), source_kind="image")
    token = Token("x", 0, 0, 1, 1, 0.9)
    draft.put("seller.name", "国家税务总局深圳市福田区税务局代开一百二十七(代开机关", [token])
    draft.put("seller.tax_id", "44030400DK01291", [token])
    draft.put("seller.bank_account", "000000 （完税凭证号）", [token])
    draft.put("buyer.name", "深圳市某某科技有限公司", [token])
    for name, value in people.items():
        draft.put(name, value, [token])
    return draft


def test_the_notes_after_a_value_are_dropped_and_the_value_kept():
    draft = _draft()
    drop_printed_notes(draft)
    seller = draft.invoice["seller"]
    assert seller["name"] == "国家税务总局深圳市福田区税务局代开一百二十七"
    assert seller["bank_account"] == "000000" and seller["tax_id"] == "44030400DK01291"
    assert draft.invoice["buyer"]["name"] == "深圳市某某科技有限公司"


def test_a_seal_read_after_a_persons_name_is_dropped_but_never_the_name():
    draft = _draft(drawer="福田自助13 销代开发票专用章", payee="王五发票专用章", reviewer="李四")
    drop_printed_notes(draft)
    assert (draft.invoice["drawer"], draft.invoice["payee"], draft.invoice["reviewer"]) == ("福田自助13", "王五", "李四")


def test_a_person_field_holding_only_the_seal_is_empty():
    draft = _draft(drawer="(章)发票专用章")
    drop_printed_notes(draft)
    assert draft.invoice["drawer"] is None and "drawer" not in draft.sources
