"""The goods table's sums and the grand total: 合计 amount and tax, 价税合计 in words and in
figures, read from the lines below the table."""

from __future__ import annotations

import re
from dataclasses import replace

from capture.contract.draft import Draft
from capture.contract.money import WORDS_LOOK_ALIKES, money, parse_money
from capture.contract.tokens import Token
from capture.extract.items import Columns
from capture.extract.lines import Found, Line, spaced

TOTAL_LINE = re.compile(spaced("价税合计"))
TOTAL_WORDS = re.compile(r"((?:[(（]负数[)）]|负)?[零壹贰叁肆伍陆柒捌玖拾佰仟万亿圆元角分整正]{2,})")
SMALL_TOTAL = re.compile(r"小\s*写\s*[)）]?\s*[:：]?\s*[¥￥]?\s*(-?[\d,]+\.\d{2})")
SUM_LINE = re.compile(r"(?<!税)合\s*计")
SUM_WORD = re.compile(r"^[合计*]+$")
#: The most characters a line of sums above 价税合计 may hold besides its figures and 合计: a
#: spread-out label misread (台 计), never an item's name and amounts.
SUM_LABEL_CHARACTERS = 2
#: A figure whose ¥ was read as a letter that looks like it.
YUAN_MISREAD = re.compile(r"^[VYX]-?[\d,]+\.\d{2}$")
#: The figure that ends a 价税合计 line's token, behind the 小写 label's bracket or a ¥ (read V).
TRAILING_TOTAL = re.compile(r"[)）¥￥Vv]\s*(-?[\d,]+\.\d{2})$")
MONEY_TOKEN = re.compile(r"^[¥￥]?-?[¥￥]?[\d,]+\.\d{2}$")


def ends_table(line: Line) -> bool:
    """Whether a line ends the goods table: 合计, 价税合计, 小计/总计 or 备注, or ¥ figures alone."""
    text = line.text
    return bool(SUM_LINE.search(text) or TOTAL_LINE.search(text) or re.search(r"小\s*计|总\s*计|备\s*注", text)) or _sums_alone(line, marked=True)


def read_totals(lines: list[Line], start: int, columns: Columns | None, draft: Draft) -> None:
    """合计 amount and tax, 价税合计 in words and in figures."""
    total_index = None
    for index in range(start, len(lines)):
        line = lines[index]
        if TOTAL_LINE.search(line.text):
            total_index = index if total_index is None else total_index
            _read_grand_total(line, draft)
        elif SUM_LINE.search(line.text) or re.search(r"总\s*计", line.text):
            _read_sums(line, columns, draft)
    if draft.invoice["amount"] is None and draft.invoice["tax"] is None and total_index is not None:
        _read_unlabelled_sums(lines[max(start - 1, total_index - 3) : total_index], columns, draft)
    _yuan_read_as_seven(draft)


def _yuan_read_as_seven(draft: Draft) -> None:
    """A sum whose ¥ was read as a 7 (71297.50 for ¥1297.50 on a photo): where amount + tax
    misses the total read, and dropping the leading 7 of one sum read without its ¥ makes it
    hold, the 7 was the ¥. The arithmetic, not the glyph, decides."""
    amount, tax, total = (parse_money(draft.invoice[name]) for name in ("amount", "tax", "total"))
    if amount is None or tax is None or total is None or amount + tax == total:
        return
    for name, other in (("amount", tax), ("tax", amount)):
        tokens = draft.sources.get(name) or []
        text = tokens[-1].text.replace(" ", "") if len(tokens) == 1 else ""
        if text.startswith("7") and (value := parse_money(text[1:])) is not None and value + other == total:
            draft.put(name, money(value), tokens)
            return


def _read_unlabelled_sums(above_total: list[Line], columns: Columns | None, draft: Draft) -> None:
    """OCR may lose the 合计 label, misread it (台 计 on a photo) or set its spread-out
    characters on a line of their own: then the sums are the line just above 价税合计 of money
    amounts and, left of them, at most a spread-out label's few characters (SUM_LABEL_CHARACTERS)."""
    for line in reversed(above_total):
        if _sums_alone(line):
            _read_sums(line, columns, draft)
            return


def _sums_alone(line: Line, marked: bool = False) -> bool:
    """Whether a line holds money amounts and, left of them, at most SUM_LABEL_CHARACTERS
    characters besides 合计 (no figure); `marked`: one amount printed with its ¥, as the 合计
    line prints them and no item row does. A figure's ¥ read as a letter (V139091.51) is read as
    `_read_sums` reads it."""
    texts = [_yuan_read(t).text.replace(" ", "") for t in line.tokens]
    monies = [index for index, text in enumerate(texts) if MONEY_TOKEN.match(text)]
    if not monies or (marked and not any(texts[index][:1] in "¥￥" for index in monies)):
        return False
    label = "".join(text for text in texts[: monies[0]] if not SUM_WORD.match(text))
    rest = [text for text in texts[monies[0] :] if not MONEY_TOKEN.match(text)]
    return not rest and len(label) <= SUM_LABEL_CHARACTERS and not any(c.isdigit() for c in label)


def _read_sums(line: Line, columns: Columns | None, draft: Draft) -> None:
    monies = [_yuan_read(t) for t in line.tokens if _is_sum_figure(t)]
    if not monies:
        return
    amount, tax = (monies[-2], monies[-1]) if len(monies) > 1 else (monies[0], None)
    if len(monies) == 1 and columns is not None and {"amount", "tax"} <= columns.spans.keys():
        to_amount = abs(columns.spans["amount"][1] - monies[0].x1)
        if abs(columns.spans["tax"][1] - monies[0].x1) < to_amount:
            amount, tax = None, monies[0]
    if amount is not None:
        draft.put("amount", _money_text(amount.text), [amount])
    if tax is not None:  # a 合计税额 printed as *** (every line ***) is no number: tax stays null
        draft.put("tax", _money_text(tax.text), [tax])
    draft.has_totals = True
    _unread_sum(line, amount, tax, draft)


def _unread_sum(line: Line, amount: Token | None, tax: Token | None, draft: Draft) -> None:
    """A ¥ on the 合计 line whose figure OCR could not read (¥ao on a blurred photo edge) where
    a sum stays unread: the sum is printed, so a null there is no *** but a doubt."""
    field, read = ("tax", amount) if tax is None else ("amount", tax) if amount is None else (None, None)
    if field is None or read is None:
        return
    # where the unread sum stands: right of the amount read, or left of the tax read
    unread = [
        t for t in line.tokens
        if t.text.strip()[:1] in "¥￥" and t.text.strip()[1:].strip(" *") and not _is_sum_figure(t)
        and (t.x0 >= read.x1 if field == "tax" else t.x1 <= read.x0)
    ]
    if unread:
        shown = unread[-1].text.strip()
        draft.doubts.append((field, f"合计{'税额' if field == 'tax' else '金额'}印有“{shown}”，没有读出：请对照原件 (the 合计 line shows “{shown}”, a sum OCR could not read: compare it with the paper)"))


def _is_sum_figure(token: Token) -> bool:
    """Whether a 合计 line's token reads as a money figure, its ¥ read as a letter or not."""
    return bool(MONEY_TOKEN.match(_yuan_read(token).text.replace(" ", "")))


def _yuan_read(token: Token) -> Token:
    """A 合计 line's figure with its ¥ read as a letter (V528.67 on a photo) as printed: the
    line prints each sum behind a ¥, and amount + tax = total still holds them."""
    if YUAN_MISREAD.match(token.text.replace(" ", "")):
        return replace(token, text="¥" + token.text.strip()[1:])
    return token


def _money_text(text: str) -> str | None:
    value = parse_money(text.replace("¥", "").replace("￥", ""))
    return money(value) if value is not None else None


def _read_grand_total(line: Line, draft: Draft) -> None:
    text = line.text.translate(WORDS_LOOK_ALIKES)  # one character for one: the tokens' places hold
    words = TOTAL_WORDS.search(text, TOTAL_LINE.search(text).end())
    if words:
        draft.put("total_in_words", words.group(1), Found(line, words).group_tokens(1))
    small = SMALL_TOTAL.search(text)
    if small:
        draft.put("total", _money_text(small.group(1)), Found(line, small).group_tokens(1))
    else:  # the 小写 label garbled ((小≈)v44547.50): the figure after its bracket or ¥
        figures = [(t, found) for t in line.tokens if (found := MONEY_TOKEN.match(t.text) or TRAILING_TOTAL.search(t.text))]
        if figures:
            token, found = figures[-1]
            draft.put("total", _money_text(found.group(1) if found.re is TRAILING_TOTAL else token.text), [token])
    draft.has_totals = True
