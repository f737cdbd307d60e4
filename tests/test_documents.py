"""What a page is: documents that are not VAT invoices are named, and a page with an invoice's
signs is never rejected. The pages are the lines OCR read from real photos in
shared/real-corpus (SOURCES.md: a taxi 发票, a railway ticket, a 机打发票, medical 财政票据, a
monitor photo of an e-invoice whose title lost a glyph), set one line per row."""

import datetime as dt

import pytest

from capture.contract.tokens import Page, Token
from capture.decide import build_record
from capture.extract.page import extract_page

READ = {
    "taxi": ["5部市租汽车专用", "BEIJING TAXI SPECIAL INVOIC", "发票联", "111001981004", "24698650",
             "单价 3.45", "机打发票手写无效Price per km", "里程 17.2km", "金额 ¥53.80"],
    "railway": ["Y024990", "北京站 D33 大连北站", "2021年04月05日15:26开 11车17D号", "￥261.0元 惠 二等座",
                "仅供报销使用", "买票请到12306 发货请到95306", "中国铁路祝您旅途愉快"],
    "bus": ["张鹏陕西各运机发票", "发票代码：161001919200", "发票号码：21621139 21621139",
            "耀州区 西安 发车2020-10-08", "车型 座号 站务0.5 发票联（机打发票手写无效）", "售票车站 合计"],
    "shop": ["广东省广州市国家税务局通用机打发票", "发 国家票局监制 联", "京东商城发票代码144011620721",
             "发票号码07050923", "折扣 发票联（顾客报销凭证", "合计(小写)： 发票专用章"],
    "medical": ["辽宁省医疗门诊收费票据", "0018916357 财政 监制", "票据代码： 票据号018914357",
                "金额合计（大写） 蛋佰常试元现月 (小写)102.9"],
    "air": ["分 航空运输电子客票行程单", "ITINERERARY/RECEIPT OF E-TICKET 印刷序号： 5122399535 1 分",
            "票价 FARE 合计 TOTAL", "AGENT CODE 08332741 ISSUED BY 发票专用宏睿国际旅行社有限公司北DATE OF ISSUE"],
    "monitor photo": ["山东增值电普通发票 发车场：037001700112", "成票于动：00270007", "开常日秋：2018年01月01日",
                      "项n名你 车牌号 选行价期风", "合 (小第)￥100.00", "份税合计（大写） 意佰光整",
                      "销售方 地址、电话： 发票专用章"],
    "vehicle sale": ["打号码", "机器编号", "价税合计", "销货单位名称", "纳税人识别号", "增值税税率 178 增位税 主管税务"],
    "letter": ["Dear customer,", "thank you for your order of 3 May.", "Total 53.80"],
}


def record_of(lines: list[str]):
    tokens = [Token(text, 10, 30 * row, 10 + 12 * len(text), 30 * row + 14, 0.9) for row, text in enumerate(lines, 1)]
    draft = extract_page(Page(1, 800, 40 * len(lines) + 40, tokens, "image"))
    return build_record(draft, "photo.jpg", "0" * 64, dt.date(2026, 11, 30))


@pytest.mark.parametrize(
    ("page", "named"),
    [("taxi", "出租车发票，不是增值税发票"), ("railway", "火车票，不是增值税发票"), ("bus", "机打发票，不是增值税发票"),
     ("shop", "机打发票，不是增值税发票"), ("medical", "医疗收费票据（财政票据），不是增值税发票"),
     ("air", "纸质航空运输电子客票行程单，不是增值税发票")],
)
def test_a_document_that_is_no_vat_invoice_is_rejected_naming_what_it_is(page, named):
    record = record_of(READ[page])
    assert record.status == "rejected" and record.reasons[0].startswith(named)


@pytest.mark.parametrize("page", ["monitor photo", "vehicle sale"])
def test_a_page_with_an_invoices_signs_is_never_rejected(page):
    record = record_of(READ[page])
    assert record.status == "review" and record.reasons[0].startswith("看起来是发票")


def test_a_page_without_any_sign_is_still_not_an_invoice():
    record = record_of(READ["letter"])
    assert record.status == "rejected" and record.reasons[0].startswith("not an invoice")


def test_the_travel_e_invoice_titles_give_their_kinds():
    railway = record_of(["电子发票（铁路电子客票）", "发票号码：25119110001000123456", "开票日期：2025年06月01日"])
    air = record_of(["电子发票（航空运输电子客票行程单）", "发票号码：25119110001000123457"])
    assert (railway.invoice.kind, air.invoice.kind) == ("digital_railway", "digital_air")
    assert railway.status == air.status == "review"


def test_the_seals_tax_id_read_in_remarks_is_no_remark():
    """shot-sz-dzpp-37620761.png: the seller's 发票专用章 over the empty 备注 box prints its tax ID."""
    from capture.contract.draft import Draft, empty_invoice
    from capture.extract.finish import drop_seal_text

    def remarks_after(remarks: str, kind: str = "image") -> str | None:
        draft = Draft(invoice=empty_invoice(), source_kind=kind)
        draft.invoice["seller"]["tax_id"] = "91440300192478382J"
        draft.invoice["remarks"] = remarks
        drop_seal_text(draft)
        return draft.invoice["remarks"]

    assert remarks_after("91440300192478382J") is None
    assert remarks_after("91440300192478382J 发票专用章") is None
    assert remarks_after("订单号:133827598162 91440300192478382J") == "订单号:133827598162 91440300192478382J"
    assert remarks_after("91440300192478382J", "pdf_text") == "91440300192478382J"  # a text layer prints no seal
