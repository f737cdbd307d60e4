"""What a page is when it is not a VAT invoice this reads, and the signs that it is an invoice.

A VAT invoice is never rejected: a page without a title, number or QR this could read, that
still shows an invoice's signs (发票 in a title, a 发票代码/发票号码 label, an invoice seal, a
20-digit 数电 number), goes to review. Documents that are not VAT invoices, though often kept
with them (paper railway tickets, paper air itineraries, taxi receipts, 机打发票, medical 财政
票据), are named so the accountant knows what was dropped. The 数电 travel e-invoices
(电子发票（铁路电子客票）/（航空运输电子客票行程单）) are VAT invoices with kinds of their own.
"""

from __future__ import annotations

import re

from capture.contract.draft import Draft
from capture.extract.lines import Line

#: 数电 travel e-invoices: VAT invoices since 2024/2025, told by their title.
TRAVEL_TITLES = [
    (re.compile(r"电子发票[（(]铁路电子客票[)）]"), "digital_railway"),
    (re.compile(r"电子发票[（(]航空运输电子客票行程单[)）]"), "digital_air"),
]
#: A VAT invoice's own words: a page that prints them is not one of the documents below.
VAT_WORDS = re.compile(r"增值税|电子发票[（(]")
#: Documents that are not VAT invoices: what they print, and what the accountant reads; the
#: first that matches names the page (a taxi receipt says 机打发票 too, a 机打发票 报销凭证).
NOT_VAT = [
    (re.compile(r"医疗.{0,8}收费票据|财政.{0,6}票据|门诊收费|住院收费|非税收入|票据代码|票据号码|医保(?:类型|统筹|编号)"),
     "医疗收费票据（财政票据），不是增值税发票 (a medical receipt (财政票据), not a VAT invoice)"),
    (re.compile(r"航空运输电子客票行程单|ITINERARY|E-TICKET|电子客票号码"),
     "纸质航空运输电子客票行程单，不是增值税发票 (a paper air itinerary, not a VAT invoice)"),
    (re.compile(r"出租汽车|出租车|TAXI", re.IGNORECASE),
     "出租车发票，不是增值税发票 (a taxi receipt, not a VAT invoice)"),
    (re.compile(r"机打发票|通用机打|客运.{0,6}发票|汽车客票|定额发票|手工发票"),
     "机打发票，不是增值税发票 (a machine-printed 机打发票, not a VAT invoice)"),
    (re.compile(r"中国铁路|12306|限乘当日当次车|[一二]等座|硬[座卧]|软卧|报销凭证|检票[:：]"),
     "火车票，不是增值税发票 (a railway ticket, not a VAT invoice)"),
]
#: Invoices of kinds this does not read, told by their title or by two of their own labels: the
#: record's kind is `other`, and it waits for a person with what it is.
OTHER_INVOICES = [
    (re.compile(r"机动车销售统一发票|厂牌型号|合格证号|进口证明书号|车辆识别代号|发动机号码|商检单号"), "机动车销售统一发票"),
    (re.compile(r"二手车销售统一发票"), "二手车销售统一发票"),
]
OTHER_TITLE_OR_LABELS = 2
#: Signs of an invoice on a page whose title, number and QR could not be read.
INVOICE_SIGNS = [
    (re.compile(r"发\s*票\s*代\s*码|发\s*票\s*号\s*码"), "发票代码/号码"),
    (re.compile(r"发票专用章|监制"), "发票专用章"),
    (re.compile(r"(?<!\d)\d{20}(?!\d)"), "20位发票号码"),
    (re.compile(r"发\s*票|统一发票"), "“发票”字样"),
    (re.compile(r"价\s*税\s*合\s*计"), "价税合计栏"),
]


def read_document(lines: list[Line], draft: Draft) -> None:
    """The travel e-invoice kinds; what a page is when it is no VAT invoice; an invoice's signs."""
    text = "\n".join(re.sub(r"\s+", "", line.text) for line in lines)
    for pattern, kind in TRAVEL_TITLES:
        if draft.invoice["kind"] is None and pattern.search(text):
            draft.put("kind", kind, [t for line in lines for t in line.tokens if pattern.search(line.text.replace(" ", ""))])
    if draft.invoice["kind"] is None and not VAT_WORDS.search(text):
        draft.not_vat = next((what for pattern, what in NOT_VAT if pattern.search(text)), None)
    draft.invoice_signs = [sign for pattern, sign in INVOICE_SIGNS if pattern.search(text)]
    if draft.invoice["kind"] is None and draft.not_vat is None:
        read_other_invoice(lines, draft)


def read_other_invoice(lines: list[Line], draft: Draft) -> None:
    """An invoice of a kind this does not read (机动车销售统一发票): kind `other`, and a doubt that
    names it, so a person enters it from the paper."""
    compact = [(line, re.sub(r"\s+", "", line.text)) for line in lines]
    for pattern, what in OTHER_INVOICES:
        found = [(line, pattern.findall(text)) for line, text in compact]
        found = [(line, matched) for line, matched in found if matched]
        words = {word for _, matched in found for word in matched}
        if len(words) >= OTHER_TITLE_OR_LABELS or any(w.endswith("统一发票") for w in words):
            draft.put("kind", "other", [t for line, _ in found for t in line.tokens])
            draft.doubts.append((
                "kind",
                f"这是{what}，capture 不按其栏目读取：请对照原件录入 "
                f"(a {what}: capture does not read this kind's fields; enter it from the paper)",
            ))
            return
