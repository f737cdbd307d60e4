"""The desk's words: every invoice kind has its Chinese name and official 发票种类 code (one table,
capture/contract/kinds.py), reasons are said in Chinese first, and English is one switch away."""

from __future__ import annotations

import typing

from starlette.testclient import TestClient

from capture.contract.kinds import BY_KIND, KINDS, kind_code, kind_name
from capture.contract.qr import QR_TYPE_KINDS
from capture.contract.record import Check, Invoice, InvoiceKind, Record, Source
from capture.review.app import create_app
from capture.review.words import Words
from tests.review_support import prepare


def test_every_kind_has_one_row_with_its_chinese_name_and_code():
    assert sorted(BY_KIND) == sorted(typing.get_args(InvoiceKind)) and len(KINDS) == len(BY_KIND)
    codes = [k.code for k in KINDS if k.code and k.kind != "digital_toll"]  # a 数电 toll invoice is listed as 82
    assert len(codes) == len(set(codes)) == len(KINDS) - 2
    assert kind_code("digital_toll") == kind_code("digital_normal")
    assert (kind_name("vat_special"), kind_code("vat_special")) == ("增值税专用发票", "01")
    assert (kind_name("digital_normal"), kind_code("digital_normal")) == ("数电票（普通发票）", "82")
    assert kind_name("digital_normal", "en") == "fully digital e-invoice (normal) (数电票（普通发票）)"
    assert kind_code("other") is None and kind_name(None) == "" and kind_name("unheard_of") == "unheard_of"
    assert {qr: BY_KIND[kind].qr_type for qr, kind in QR_TYPE_KINDS.items()} == {qr: qr for qr in QR_TYPE_KINDS}


def test_reasons_are_said_in_chinese_first_with_the_message_after():
    words = Words("zh")
    check = Check(rule="uscc_check_digit", field="seller.tax_id", ok=False,
                  message="seller tax ID (销售方纳税人识别号) 91450100MAORFWL2AH fails its check digit")
    record = Record(id="x-p1", source=Source(file="a.pdf", sha256="0" * 64, page=1, kind="pdf_text"), invoice=Invoice(), checks=[check],
                    status="review", reasons=[check.message])
    said = words.reason(check.message, record)
    assert said.main == "销售方纳税人识别号：校验位不符（有字符读错或录错）" and said.original == check.message
    conflict = "the register holds invoice 16420088 with different facts (register:r.csv:14): total 1 there, 2 on this invoice"
    assert words.reason(conflict, record).main == "冲突：登记簿已有发票 16420088，但内容不同"
    near = "possible duplicate: an earlier run holds invoice 123 from the same seller, date and total; the numbers are …"
    assert words.reason(near, record).main.startswith("疑似重复：以前的批次中有发票 123")
    assert words.reason("税务平台上发票 1 的状态为作废", record).main == "税务平台上发票 1 的状态为作废"
    assert words.label("items[1].unit_price") == "第 2 行 单价" and words.label("total") == "价税合计"
    assert (words.status("ready"), words.tag("near_match"), words.tag("uscc_check_digit")) == ("就绪（可导入）", "疑似重复", "校验位不符（有字符读错或录错）")
    english = Words("en")
    assert english.reason(conflict, record).main == conflict and english("accept") == "Accept"
    assert english.label("total") == "total with tax (价税合计)"


def test_the_desk_is_chinese_by_default_and_english_on_request(tmp_path):
    prepared = prepare(tmp_path)
    chinese = TestClient(create_app(prepared.store, [prepared.inbox], "lihua"), base_url="http://127.0.0.1")
    english = TestClient(create_app(prepared.store, [prepared.inbox], "lihua", lang="en"), base_url="http://127.0.0.1")
    page = chinese.get("/").text
    assert '<html lang="zh-CN">' in page and "张待复核" in page and "冲突" in page and "疑似重复" in page
    assert "in review" not in page
    page = english.get("/").text
    assert '<html lang="en">' in page and "in review" in page and "张待复核" not in page
    near = prepared.records()["03_digital_special.pdf"]
    page = chinese.get(f"/record/{near.id}").text
    assert "数电票（增值税专用发票） (81)" in page and 'id="accept"' in page and "接受 <kbd>a</kbd>" in page

