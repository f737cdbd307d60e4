"""Which lines the fast recogniser's reading settles, so the full model need not read them.

Every detected line is read first by a small, fast model (PP-OCRv6 tiny: a quarter of the full
model's time). Its reading is kept only where something proves it, and every other line is read
again by the full model:

- a printed label or the form's fixed words (开票日期, 规格型号, 价税合计（大写）…), matched
  whole against the forms' vocabulary with high confidence: a label read as another label is
  no label of this vocabulary, and a value that reads as a label carries nothing;
- the form's title (电子发票（增值税专用发票）, 广东增值税专用发票…), and a 单位 word (台, 千瓦时…)
  read whole and surely: a closed vocabulary whose look-alikes are no members (干瓦时);
- a 密码区 cipher line (only its alphabet, and long): the record never uses it;
- a value that equals what the invoice's QR code says (code, number, date, amount, check code),
  when the QR's CRC holds: the QR proves the reading, character for character;
- a unified social credit code whose GB 32100 check character holds (one wrong character never
  passes it), after its label;
- a total the fast readings prove among themselves (capture/read/ocr/totals.py): the 价税合计
  in 大写 words and in figures read alike, and what follows from it with the QR's amount.

Names, addresses, item text and unproven numbers always go to the full model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from capture.contract.money import amount_to_words, money, strip_words_marks, words_to_amount
from capture.contract.qr import QrPayload
from capture.contract.taxid import is_valid_uscc
from capture.contract.units import KNOWN_UNITS
from capture.contract.values import NO_TAX_RATES, code

#: Lowest confidence of a fast reading kept as a label (a proven value needs no confidence).
LABEL_CONFIDENCE = 0.9
#: Lowest confidence of a fast reading kept as a proven value or a cipher line.
VALUE_CONFIDENCE = 0.5
#: Lowest confidence of a fast reading that enters the page's arithmetic (totals.py, rows.py) or
#: stands by it: the reading's confidence goes into the record, where a field without a proof
#: of its own (the line items) goes to review below 0.85 (capture/verify/confidence.py).
ARITHMETIC_CONFIDENCE = 0.9
#: The fixed words of the invoice forms (legacy and 数电), as NFKC-folded text without spaces
#: or a trailing colon. Single characters only where no value could be one (no units: 方, 码).
LABELS = frozenset(
    """
    发票代码 发票号码 开票日期 校验码 机器编号 密码区 购买方 销售方 购买方信息 销售方信息 名称
    纳税人识别号 统一社会信用代码/纳税人识别号 地址、电话 地址 电话 开户行及账号 开户银行 银行账号
    货物或应税劳务、服务名称 货物或应税劳务名称 项目名称 规格型号 单位 数量 单价 金额 税率 税额
    税率/征收率 合计 价税合计(大写) 价税合计 (小写) 备注 收款人 复核 开票人 销售方(章) 销售方:(章)
    国家税务总局 下载次数 共1页第1页 名 称 合 计 密 区 备 注 购 买 销 售 信 息
    """.split()  # noqa: SIM905 - a list of words reads best as words
)
#: The titles the forms print (NFKC-folded): a 数电票's, and a legacy invoice's after its province.
TITLE = re.compile(r"^(?:电子发票\((?:普通发票|增值税专用发票)\)|[\u4e00-\u9fff]{0,3}增值税(?:电子)?(?:普通|专用)发票)$")
#: Lowest confidence of a fast reading kept as a unit word (or a rate column's 免税 or 不征税,
#: words of as closed a list): a line item's field, which goes to
#: review below 0.95 unless it is a unit word (capture/extract/scan_table.py). Measured on 60
#: fresh pages (seed 2026120803): the fast and full models read the same 320 of 320 short words
#: the fast one read at 0.95 or more.
UNIT_SETTLE_CONFIDENCE = 0.95
#: A 密码区 line: only its alphabet (digits and + - * / < >), long, with a few signs among the
#: digits (a 20-digit number alone is no cipher line), or longer still with one sign no number
#: prints (+ * / < >: a bank account or a phone number may hold dashes).
CIPHER_LINE = re.compile(r"^(?:(?=(?:[0-9]*[+\-*/<>]){3})[0-9+\-*/<>]{20,}|(?=[0-9\-]*[+*/<>])[0-9+\-*/<>]{24,})$")
#: The first line of an item name: its 税收分类 prefix (*运输服务*…).
ITEM_NAME_START = re.compile(r"^\*[^*\s]{1,16}\*")
#: The same line read without the * that opens it (the glyph against the table's rule a photo
#: loses first): a category of Chinese characters, then the prefix's closing * (the line may end
#: there: a long prefix wraps the name right after it, *预付卡销售和充值* / 预付卡充值).
LOST_PREFIX_STAR = re.compile(r"^[\u4e00-\u9fff]{2,16}\*(?:[^*\s]|$)")
#: A label, a colon, and the value after it.
_LABELLED = re.compile(r"^(?P<label>[^:]{2,16}):(?P<value>.+)$")
_MONEY_SIGNS = "¥￥"
#: The label the 价税合计 figure is printed after (NFKC-folded).
SMALL_LETTERS = "(小写)"


def fold(text: str) -> str:
    """NFKC-folded text without whitespace: full-width colons and brackets made plain."""
    return code(text) or ""


@dataclass(frozen=True, slots=True)
class ProvenValues:
    """The values a page's QR codes prove, written as an invoice prints them, and the QR's
    amount: 合计金额 (`net`, before tax) or 价税合计 (`gross`, a 数电票's)."""

    values: frozenset[str] = frozenset()
    net: Decimal | None = None
    gross: Decimal | None = None
    #: Amounts the page's arithmetic proves (totals.py), with two decimals.
    derived: frozenset[str] = frozenset()

    @classmethod
    def of(cls, payloads: list[QrPayload]) -> ProvenValues:
        """What the QR codes with a holding CRC say, in every way the form prints it."""
        values: set[str] = set()
        net = gross = None
        for qr in payloads:
            if qr.crc_ok() is not True:
                continue
            values.update(v for v in (qr.code, qr.number, qr.check_code) if v)
            if qr.date:
                year, month, day = qr.date.split("-")
                values.update({qr.date, f"{year}年{month}月{day}日", f"{year}{month}{day}"})
            if qr.amount is not None:
                values.add(f"{qr.amount:.2f}")
                if qr.amount_is_total:
                    gross = gross or qr.amount
                else:
                    net = net or qr.amount
        return cls(frozenset(values), net, gross)

    def proves(self, value: str, confidence: float = 1.0) -> bool:
        """Whether a value read with `confidence` is proven: by the QR, or by the arithmetic
        when read with ARITHMETIC_CONFIDENCE."""
        plain = value.removeprefix(SMALL_LETTERS).lstrip(_MONEY_SIGNS)
        return plain in self.values or (confidence >= ARITHMETIC_CONFIDENCE and plain in self.derived)

    def adding(self, amounts: set[Decimal]) -> ProvenValues:
        """These values with more amounts the arithmetic proves."""
        return replace(self, derived=self.derived | {money(amount) for amount in amounts})


def opens_item_name(text: str) -> bool:
    """Whether a line reads as an item name's first line: its *税收分类* prefix, or the prefix
    without its opening * (a second read then shows whether the * is printed:
    capture/extract/scan_table.restore_prefix_star)."""
    return bool(ITEM_NAME_START.match(text) or LOST_PREFIX_STAR.match(text))


def words_value(text: str) -> Decimal | None:
    """The amount a line of 大写 words says, when the line is nothing but the words (a ⊗ mark
    before them aside) spelt exactly as invoices spell that amount; else None."""
    spelt = strip_words_marks(fold(text))
    if not spelt:
        return None
    try:
        value = words_to_amount(spelt)
    except ValueError:
        return None
    return value if value > 0 and amount_to_words(value) == spelt else None


def settled(text: str, confidence: float, proven: ProvenValues) -> bool:
    """Whether the fast reading of a line stands as it is (see the module's docstring)."""
    folded = fold(text)
    if not folded:
        return False
    if confidence >= LABEL_CONFIDENCE and (folded.rstrip(":") in LABELS or TITLE.match(folded)):
        return True
    if confidence >= UNIT_SETTLE_CONFIDENCE and (folded in KNOWN_UNITS or folded in NO_TAX_RATES):
        return True
    if confidence < VALUE_CONFIDENCE:
        return False
    if CIPHER_LINE.match(folded):
        return True
    if (spelt := words_value(text)) is not None:
        return proven.proves(money(spelt), confidence)
    labelled = _LABELLED.match(folded)
    value = folded
    if labelled:
        if labelled["label"] not in LABELS:
            return False
        value = labelled["value"]
    return proven.proves(value, confidence) or (labelled is not None and is_valid_uscc(value))
