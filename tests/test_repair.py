"""Repairs happen only where two witnesses prove the value, and are recorded."""

import copy

from capture.contract.draft import Draft
from capture.contract.qr import parse_qr
from capture.decide import build_record
from tests.conftest import REAL, load_truth
from tests.test_checks import TODAY

ENTRY = load_truth(REAL / "iocr_041001900111_32321709.truth.json")["invoices"][0]
DIGITAL = load_truth(REAL / "ljf_25322000000337005189.truth.json")["invoices"][0]


def decide(entry, qr=None, **changes):
    invoice = copy.deepcopy(entry["invoice"])
    invoice.update(changes)
    payloads = [parse_qr(q) for q in (qr if qr is not None else entry["qr"])]
    return build_record(Draft(invoice=invoice, qr=payloads, pages=[1]), "x.pdf", "0" * 64, today=TODAY)


def test_a_misread_number_is_repaired_from_the_qr():
    record = decide(ENTRY, number="3232I709")
    assert record.status == "ready" and record.invoice.number == "32321709"
    repair = next(c for c in record.checks if c.rule == "repaired")
    assert repair.field == "number" and "read 3232I709" in repair.message


def test_no_repair_when_the_qr_is_another_invoices():
    other = "01,10,041001900111,32321719,55.00,20190101,66881990002947147011,0000,"
    record = decide(ENTRY, qr=[other])
    assert record.status == "review" and record.invoice.number == "32321709"
    assert not any(c.rule == "repaired" for c in record.checks)


def test_no_repair_of_a_number_unlike_the_qrs():
    record = decide(ENTRY, number="11112222")
    assert record.status == "review" and record.invoice.number == "11112222"


def test_total_repaired_when_words_and_arithmetic_agree():
    record = decide(DIGITAL, total="8819.00")
    assert record.status == "ready" and record.invoice.total == "8819.60"
    assert any(c.rule == "repaired" and c.field == "total" for c in record.checks)


def test_total_not_repaired_from_arithmetic_alone():
    record = decide(DIGITAL, qr=[], total="8819.00", total_in_words=None)
    assert record.status == "review" and record.invoice.total == "8819.00"


def test_amount_repaired_from_qr_and_items():
    record = decide(ENTRY, amount="91.69")
    assert record.status == "ready" and record.invoice.amount == "91.59"


def test_unreadable_value_is_named_and_repaired_when_proven():
    record = decide(ENTRY, date="2019-O9-19")
    assert record.invoice.date == "2019-09-19" and record.status == "ready"
    unproven = decide(ENTRY, qr=[], date="2019-O9-19")
    assert unproven.status == "review" and unproven.invoice.date is None
    assert any("issue date (开票日期) could not be read" in r for r in unproven.reasons)


def test_missing_tax_repaired_from_items_and_words_less_amount():
    record = decide(DIGITAL, tax=None)
    assert record.status == "ready" and record.invoice.tax == DIGITAL["invoice"]["tax"]
    repair = next(c for c in record.checks if c.rule == "repaired" and c.field == "tax")
    assert "read nothing" in repair.message


def test_tax_not_repaired_when_the_items_disagree():
    items = copy.deepcopy(DIGITAL["invoice"]["items"])
    items[0]["tax"] = "0.01"
    record = decide(DIGITAL, tax=None, items=items)
    assert record.status == "review" and record.invoice.tax is None


def test_a_page_whose_number_was_misread_joins_its_invoice_by_its_qr():
    # a photographed two-page invoice: page 1 has the items and a number OCR read two zeros
    # short (so none), page 2 the number and the totals; both pages carry the invoice's QR
    from capture.extract.join import group_pages

    def pages(qr: list[str]) -> list[Draft]:
        first = copy.deepcopy(DIGITAL["invoice"]) | {"number": None, "amount": None, "tax": None, "total": None, "total_in_words": None}
        second = copy.deepcopy(DIGITAL["invoice"]) | {"items": []}
        payloads = [parse_qr(q) for q in qr]
        return [Draft(invoice=first, qr=payloads, pages=[1]), Draft(invoice=second, qr=payloads, pages=[2])]

    (invoice,) = group_pages(pages(DIGITAL["qr"]))
    record = build_record(invoice, "x.pdf", "0" * 64, today=TODAY)
    assert record.invoice.number == DIGITAL["invoice"]["number"] and len(record.invoice.items) == len(DIGITAL["invoice"]["items"])
    assert any(c.rule == "repaired" and c.field == "number" for c in record.checks)
    assert len(group_pages(pages([]))) == 2  # without a QR nothing says the pages are one invoice


def test_what_only_the_qr_shows_fills_the_fields_and_the_record_waits_for_a_person():
    # a photo blurred over its number, date and 价税合计, its QR sharp (fresh photo_hard seed
    # 2026120703): the values are in place, said to come from the QR alone, and not ready
    record = decide(DIGITAL, number=None, date=None, total=None)
    assert (record.invoice.number, record.invoice.date, record.invoice.total) == ("25322000000337005189", "2025-07-22", "8819.60")
    assert record.status == "review"
    assert {c.field for c in record.checks if c.rule == "qr_only" and not c.ok} == {"number", "date", "total"}
    assert any(r.startswith("发票号码只从二维码读出") for r in record.reasons)
    assert not any(c.rule == "qr_agreement" and c.field in ("number", "date", "total") for c in record.checks)


def test_nothing_is_filled_from_a_qr_that_something_read_contradicts_or_whose_crc_fails():
    record = decide(DIGITAL, number=None, date="2025-07-23")
    assert record.invoice.number is None and not any(c.rule == "qr_only" for c in record.checks)
    broken = "01,31,,25322000000337005189,8819.60,20250722,,0000"
    record = decide(DIGITAL, qr=[broken], number=None, date=None)
    assert record.invoice.number is None and record.invoice.date is None
    assert not any(c.rule == "qr_only" for c in record.checks)


def test_words_read_cut_short_or_garbled_are_repaired_where_the_qr_and_the_sums_prove_the_total():
    # fresh photo_real seed 2026120704: 大写 words read 伍佰玖拾伍圆 (角分 lost), 贰佰 (cut at a
    # garbled glyph) or 贰佰致拾… kept records whose every figure was proven in review
    words = DIGITAL["invoice"]["total_in_words"]  # 捌仟捌佰壹拾玖圆陆角整
    for read in (words[:6], words[2:], words.replace("壹", "致")):
        record = decide(DIGITAL, total_in_words=read)
        assert record.invoice.total_in_words == words and record.status == "ready", read
        repair = next(c for c in record.checks if c.rule == "repaired" and c.field == "total_in_words")
        assert f"read {read}" in repair.message
    # no QR to prove the total: the words stay as read, and the record waits
    assert decide(DIGITAL, qr=[], total_in_words=words[:6]).status == "review"
    # words that spell another amount whole contradict the figures: not repaired
    other = words.replace("陆角", "伍角")
    record = decide(DIGITAL, total_in_words=other)
    assert record.invoice.total_in_words == other and record.status == "review"


def test_words_that_lost_only_their_closing_zheng_are_repaired_where_the_qr_and_the_sums_prove_the_total():
    # a photo (fresh seed 2026120820) read 肆万陆仟玖佰陆拾捌圆 for 肆万陆仟玖佰陆拾捌圆整: the words
    # spell the total, so no check saw it, and the record went out `ready` with them
    whole = load_truth(REAL / "corpus/bdui-sx-receipt.truth.json")["invoices"][0]
    words = whole["invoice"]["total_in_words"]
    assert words == "柒拾伍圆整"
    record = decide(whole, total_in_words="柒拾伍圆")
    assert record.invoice.total_in_words == words and record.status == "ready"
    repair = next(c for c in record.checks if c.rule == "repaired" and c.field == "total_in_words")
    assert "read 柒拾伍圆," in repair.message
    assert decide(whole, qr=[], total_in_words="柒拾伍圆").invoice.total_in_words == "柒拾伍圆"  # no witness: as read
    assert decide(whole, total_in_words="柒拾伍元").invoice.total_in_words == "柒拾伍元"  # 元 as printed: no 整 lost
    # after 角 the 整 is the writer's choice: a real e-invoice prints 壹佰零叁圆伍角 (fixtures/real)
    jiao = decide(whole, total="75.50", total_in_words="柒拾伍圆伍角")
    assert jiao.invoice.total_in_words == "柒拾伍圆伍角" and not any(c.rule == "repaired" for c in jiao.checks)


def test_words_an_ocr_read_ending_at_yuan_are_a_doubt_unless_the_total_was_proven_and_they_repaired():
    whole = load_truth(REAL / "corpus/bdui-sx-receipt.truth.json")["invoices"][0]

    def scanned(qr, words):
        invoice = copy.deepcopy(whole["invoice"]) | {"total_in_words": words}
        draft = Draft(invoice=invoice, qr=[parse_qr(q) for q in qr], pages=[1], source_kind="image")
        return build_record(draft, "x.jpg", "0" * 64, today=TODAY)

    unproven = scanned([], "柒拾伍圆")
    assert unproven.status == "review" and unproven.invoice.total_in_words == "柒拾伍圆"
    assert any(r.startswith("价税合计（大写）以“圆”结尾，没有读出“整”字") for r in unproven.reasons)
    proven = scanned(whole["qr"], "柒拾伍圆")
    assert proven.invoice.total_in_words == "柒拾伍圆整" and not any("没有读出“整”字" in r for r in proven.reasons)
    assert not any("没有读出“整”字" in r for r in scanned([], "柒拾伍圆整").reasons)
    assert not any("没有读出“整”字" in r for r in decide(whole, qr=[], total_in_words="柒拾伍圆").reasons)  # a text layer: as printed


def test_words_that_lost_their_leading_yi_are_repaired_where_the_qr_and_the_sums_prove_the_total():
    # fresh photo_real seed 2026120829 (0004): 佰叁拾壹圆伍角伍分 for 壹佰叁拾壹圆伍角伍分 went out
    # `ready`: 大写 words are read with an unwritten 壹 before a unit, so they spelt the total
    whole = load_truth(REAL / "corpus/bdui-sx-receipt4.truth.json")["invoices"][0]
    words = whole["invoice"]["total_in_words"]
    assert words.startswith("壹")
    record = decide(whole, total_in_words=words[1:])
    assert record.invoice.total_in_words == words and record.status == "ready"
    assert any(c.rule == "repaired" and f"read {words[1:]}," in c.message for c in record.checks)
    assert decide(whole, qr=[], total_in_words=words[1:]).invoice.total_in_words == words[1:]  # no witness: as read
    # read by OCR with no QR to prove the total: a doubt (a text layer prints what it prints)
    invoice = copy.deepcopy(whole["invoice"]) | {"total_in_words": words[1:]}
    unproven = build_record(Draft(invoice=invoice, qr=[], pages=[1], source_kind="image"), "x.jpg", "0" * 64, today=TODAY)
    assert unproven.status == "review" and any("前面的“壹”没有读出" in r for r in unproven.reasons)
    assert not any("前面的“壹”没有读出" in r for r in decide(whole, qr=[], total_in_words=words[1:]).reasons)
