"""Layout rules that read every SPEC field from one page of tokens.

Both layout families are read by the same rules: labels are found by pattern (their characters
may be spread apart), values sit to the right of their label up to the next column break, and the
buyer/seller side of a label is decided by the 购/销 marker nearest to its left.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from capture.contract.draft import Draft, empty_invoice
from capture.contract.fields import chinese_label, field_value, label
from capture.contract.tokens import SCANNED_KINDS, Box, Page, Token
from capture.extract.covered import watermark_doubts
from capture.extract.finish import SEAL_WORDS, finish_draft
from capture.extract.glyphs import rare_glyph_doubts
from capture.extract.items import HEADER, Columns, find_columns, read_items
from capture.extract.lines import (
    Found,
    Line,
    build_lines,
    find_all,
    find_first,
    joined_text,
    one_garbled,
    spaced,
    value_after,
    value_below,
    without_shared_glyphs,
)
from capture.extract.overlaps import shared_glyph_doubts
from capture.extract.people import DIGITAL_KINDS, lost_drawer, people_printed, read_people
from capture.extract.scan_table import (
    figures_the_rows_prove,
    header_over_rows,
    scan_cells,
    scan_doubts,
    unread_doubts,
)
from capture.extract.totals import TOTAL_LINE, ends_table, read_totals

TITLE_KINDS = [
    (re.compile(r"电子发票[（(]增值税专用发票[)）]"), "digital_special"),
    (re.compile(r"电子发票[（(]普通发票[)）]"), "digital_normal"),
    (re.compile(r"增值税电子?专用发票"), "vat_electronic_special"),  # 电 read, 子 lost: no paper title prints 电
    (re.compile(r"增值税电子?普通发票"), "vat_electronic_normal"),
    (re.compile(r"增值税专用发票"), "vat_special"),
    (re.compile(r"增值税普通发票"), "vat_normal"),
]
#: Variant glyphs the recogniser reads in a title (稅 for 税, 値 for 值): the title's words.
TITLE_VARIANTS = str.maketrans("稅發專電増値", "税发专电增值")
#: A 销货清单's title, also read with a glyph or two garbled (销售务物或者提供版税劳务清单 on a
#: photo): its frame of words 销售…提供…劳务…清单 stays.
LIST_TITLE = re.compile(r"销售货物或者?提供应税劳务[、,，]?服?务?清单|销货清单|销售.{2,4}提供.{1,3}劳务.{0,4}清单")
_COLON = r"\s*[:：]?\s*"
CODE = re.compile(one_garbled("发票代码") + _COLON + r"(\d{10,12})\b")
NUMBER = re.compile(one_garbled("发票号码") + _COLON + r"(\d{20}|\d{8})\b")
DATE = re.compile(
    one_garbled("开票日期") + _COLON + r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
)
CHECK_CODE = re.compile(one_garbled("校验码") + _COLON + r"((?:\d[ \t]*){20})")
MACHINE = re.compile(one_garbled("机器编号") + _COLON + r"([0-9A-Z]{9,15})\b")
UNLABELLED_CODE = re.compile(r"^(?:\d{10}|\d{12})$")
UNLABELLED_CODE_LINES = 4
#: A paper invoice's pre-printed number: № (OCR: No, NO, N0, Nº) and its 8 digits, at the top.
PAPER_NUMBER = re.compile(r"(?:^|\s)(?:№|N[oO0º°])\s*[.:：]?\s*(\d{8})\b")
PAGE_OF = re.compile(r"共\s*(\d+)\s*页\s*第\s*(\d+)\s*页")

#: A 名称 label a photo's blur left one character of (名：昆明市…): that character where it starts
#: a token's text (项目名称： with 名 lost is no party's label), its colon after it.
NAME_LABEL_HALF = r"|(?<![\u4e00-\u9fff])[名称]"
PARTY_LABELS = {
    "name": re.compile(r"(?:(购买方|销售方)\s*)?(?:" + spaced("名称") + NAME_LABEL_HALF + r")\s*[:：]"),
    "tax_id": re.compile(
        r"(?:(购买方|销售方)\s*)?(?:统一社会信用代码\s*/\s*)?" + one_garbled("纳税人识别号") + r"\s*[:：]"
    ),
    "address_phone": re.compile(r"(?:(购买方|销售方)\s*)?" + spaced("地址") + r"\s*[、,，。.·]?\s*" + spaced("电话") + r"\s*[:：]"),
    "bank_account": re.compile(r"(?:(购买方|销售方)\s*)?" + one_garbled("开户行及账号") + r"\s*[:：]"),
}
ANY_LABEL = re.compile(
    "|".join(
        [p.pattern for p in PARTY_LABELS.values()]
        + [spaced(w) + r"\s*[:：]" for w in ("收款人", "复核", "开票人", "销售方", "发票代码", "发票号码", "开票日期", "校验码", "机器编号")]
        + [spaced("复核人") + r"\s*[:：]", r"(?<=\s)[购销](?=\s|$)"]
    )
)
TAX_ID = re.compile(r"^[0-9A-Z]{15,20}(?![0-9A-Z])")
REMARKS_MARK = re.compile(r"^备\s*注?\s*[:：]?")
#: The clauses the tax system prints in 备注 (购方开户银行：…; 银行账号：…;), each ended by its
#: semicolon: a remarks line of a scan starting one after a line ending without it lost that glyph.
REMARK_CLAUSE = re.compile(r"^(?:[购销]方)?(?:开户银行|银行账号|地址|电话)[:：]")
CLAUSE_ENDS = ";；,，。、"
_PARTY_MARKERS = {"购": "buyer", "销": "seller"}
#: A party marker claims the labels within this many line heights of its own span, up or down
#: (a single 购 of a vertical 购买方 stands by the first of its block's four lines).
MARKER_REACH = 4
#: Kinds whose form prints all four party lines (名称, 纳税人识别号, 地址、电话, 开户行及账号) for
#: both parties, a value or not: a label the scan does not show is a line OCR lost, not a blank.
FOUR_LINE_PARTIES = ("vat_special", "vat_normal", "vat_electronic_special", "vat_electronic_normal")
#: The 密码区 (cipher area) of legacy invoices: its 密/码/区 labels and runs of cipher characters.
CIPHER_TAIL = re.compile(r"(?:^|\s)[密码区]{1,3}(?:\s.*)?$|(?:\s[密码区]{1,3})?\s*[0-9<>+\-*/]*[<>*/+][0-9<>+\-*/]{10,}.*$")
#: What OCR may read twice between a label and its value (纳税人识别号：:9123…).
LABEL_PUNCTUATION = ":：;；,，.。 "
#: The vertical 备注 label of the remarks box beside the seller block, read onto a party line's end.
REMARKS_LABEL_TAIL = re.compile(r"(?<=\d)\s*[备注]$")


def extract_page(page: Page) -> Draft:
    """Read the fields of one page into a draft."""
    lines = build_lines(page.tokens)
    draft = Draft(invoice=empty_invoice(), qr=list(page.qr), pages=[page.number], source_kind=page.source_kind)
    read_title(lines, draft)
    read_header(lines, draft)
    read_parties(lines, page.tokens, draft)
    table_end, columns = read_table(lines, draft, page.unread, page.rules)
    read_totals(lines, table_end, columns, draft)
    people = read_people(lines, draft, ANY_LABEL)
    read_remarks(lines, page.tokens, draft)
    finish_draft(lines, draft)
    if draft.source_kind in SCANNED_KINDS:
        draft.doubts += shared_glyph_doubts(draft) + watermark_doubts(page) + rare_glyph_doubts(draft) + lost_drawer(draft, people)
    return draft


def read_title(lines: list[Line], draft: Draft) -> None:
    for line in map(without_shared_glyphs, lines):
        compact = re.sub(r"\s+", "", line.text).translate(TITLE_VARIANTS)
        if LIST_TITLE.search(compact):
            draft.is_list_page = True
            draft.title = compact
            return
        for pattern, kind in TITLE_KINDS:
            if pattern.search(compact):
                draft.title = compact
                draft.put("kind", kind, line.tokens)
                return


def read_header(lines: list[Line], draft: Draft) -> None:
    """发票代码, 发票号码, 开票日期, 校验码, 机器编号, 共N页 第M页."""
    for name, pattern in (("code", CODE), ("number", NUMBER), ("machine_number", MACHINE)):
        found = find_first(lines, pattern)
        if found:
            draft.put(name, found.match.group(1), found.group_tokens(1))
    found = find_first(lines, DATE)
    if found:
        year, month, day = (int(found.match.group(i)) for i in (1, 2, 3))
        draft.put("date", f"{year:04d}-{month:02d}-{day:02d}", found.group_tokens(0))
    found = find_first(lines, CHECK_CODE)
    if found:
        draft.put("check_code", re.sub(r"\s", "", found.match.group(1)), found.group_tokens(1))
    if draft.invoice["code"] is None and draft.invoice["kind"] not in DIGITAL_KINDS:
        _read_unlabelled_code(lines, draft)
    if draft.invoice["number"] is None and draft.invoice["kind"] not in DIGITAL_KINDS:
        found = find_first(lines[:UNLABELLED_CODE_LINES], PAPER_NUMBER)
        if found:
            draft.put("number", found.match.group(1), found.group_tokens(1))
    found = find_first(lines, PAGE_OF)
    if found:
        draft.page_of = (int(found.match.group(2)), int(found.match.group(1)))


def _read_unlabelled_code(lines: list[Line], draft: Draft) -> None:
    """A paper invoice prints its 发票代码 at the top left without a label (the label is on the
    pre-printed form, where OCR may not read it): a lone 10/12-digit word in the first lines."""
    for line in lines[:UNLABELLED_CODE_LINES]:
        for token in line.tokens:
            if UNLABELLED_CODE.match(token.text):
                draft.put("code", token.text, [token])
                return


def _party_markers(tokens: list[Token]) -> list[tuple[Token, str]]:
    markers = []
    for token in tokens:
        text = token.text.replace(" ", "")
        if text in _PARTY_MARKERS:
            markers.append((token, _PARTY_MARKERS[text]))
        elif (text.startswith(("购买方", "购方")) or text == "购买") and "名称" not in text:  # OCR: 购买|方
            markers.append((token, "buyer"))
        elif (text.startswith(("销售方", "销方")) or text == "销售") and "章" not in text and "名称" not in text:
            markers.append((token, "seller"))
    return markers


def _side_of(found: Found, markers: list[tuple[Token, str]], order: int, founds: list[Found]) -> str:
    """buyer or seller for a label: its own prefix, else the marker (购买方/销售方) of its
    block: the nearest to its left (its middle left of the label: a photo's 购买方 column can
    reach past the start of the 地址、电话 label beside it) within MARKER_REACH line heights of
    it up or down, with no other label of the field between them on its line (a 数电 seller's
    名称 has the buyer's between it and the buyer's 信息 column). A label no marker claims
    belongs to the other side where the markers read are of one side (a photo's 购买方 read
    陶买方), else to the buyer if it comes first."""
    prefix = found.match.group(1) if found.match.re.groups else None
    if prefix:
        return "buyer" if prefix.startswith("购") else "seller"
    x, y = found.x0, found.line.cy
    # the label's own height: a line can hold the tall vertical marker of its block
    height = min((t.height for t in found.group_tokens(0)), default=found.line.y1 - found.line.y0)
    claims = []
    for token, side in markers:
        reach = max(token.y0 - y, y - token.y1, 0.0)
        if token.cx > x or reach > MARKER_REACH * height:
            continue
        if any(token.x1 <= other.x0 < x and abs(other.line.cy - y) <= height for other in founds):
            continue
        claims.append(((x - token.x1) + 3 * reach, side))
    if claims:
        return min(claims)[1]
    sides = {side for _, side in markers}
    if len(sides) == 1:
        return "seller" if sides == {"buyer"} else "buyer"
    return "buyer" if order == 0 else "seller"


def read_parties(lines: list[Line], tokens: list[Token], draft: Draft) -> None:
    """名称, 纳税人识别号, 地址电话, 开户行及账号 for buyer and seller."""
    markers = _party_markers(tokens)
    remarks = find_remarks_box(lines, tokens, draft)
    labelled: set[str] = set()
    for field, pattern in PARTY_LABELS.items():
        # a tax ID has its check digit to prove a glyph read twice was one glyph; a name has none
        searched = list(map(without_shared_glyphs, lines)) if field == "tax_id" else lines
        founds = find_all(searched, pattern)
        for order, found in enumerate(founds):
            side = _side_of(found, markers, order, founds)
            key = f"{side}.{field}"
            labelled.add(key)
            if draft.invoice[side][field] is not None or (remarks is not None and remarks.inside(found)):
                continue  # read, or a label of the remarks' own text (项目名称：… of a 建筑服务 invoice)
            # the seller block of a paper-style invoice has the 备注 box on its right: a value
            # there ends at the box's label (its 备 may share the line, a remarks line may too)
            beside = remarks is not None and remarks.holds(found.line) and found.x1 < remarks.marker.x0
            value, value_tokens = value_after(found, ANY_LABEL, remarks.marker.x0 if beside else None)
            if not value and draft.source_kind in SCANNED_KINDS:
                value, value_tokens = value_below(searched, found, ANY_LABEL)
            value = REMARKS_LABEL_TAIL.sub("", CIPHER_TAIL.sub("", value)).strip().lstrip(LABEL_PUNCTUATION)
            if field == "tax_id":
                raw, value = value, _tax_id_in(value)
                if value is None:
                    if raw and any(t.confidence < 1.0 for t in value_tokens):  # OCR read something unreadable
                        draft.confidence.setdefault(key, 0.0)
                    continue
            draft.put(key, value or None, value_tokens)
    if draft.source_kind in SCANNED_KINDS and draft.invoice["kind"] in FOUR_LINE_PARTIES:
        draft.doubts += [(key, _unlabelled(key)) for key in _lost_party_lines(labelled) if field_value(draft.invoice, key) is None]


def _lost_party_lines(labelled: set[str]) -> list[str]:
    """The party fields of a block read in part whose label was not found: a line OCR lost. A
    block with no label found at all is not read, and its 名称, a required field, says so."""
    sides = [side for side in ("buyer", "seller") if any(key.startswith(f"{side}.") for key in labelled)]
    return [key for side in sides for field in PARTY_LABELS if (key := f"{side}.{field}") not in labelled]


def _unlabelled(key: str) -> str:
    """Why a party field is in doubt whose printed label the scan did not show."""
    return (
        f"{chinese_label(key)}的标签没有读出，这一行可能漏读：请对照原件 "
        f"({label(key)}: its printed label was not found on the scan, so its line may have been missed: compare it with the paper)"
    )


def _tax_id_in(value: str) -> str | None:
    """The tax ID at the start of a value (it may be split by spaces, or followed by a marker)."""
    for candidate in (value.replace(" ", ""), value.split(" ")[0] if value else ""):
        match = TAX_ID.match(candidate)
        if match:
            return match.group(0)
    return None


def read_table(
    lines: list[Line], draft: Draft, unread: list[Box] | None = None, rules: list[Box] | None = None
) -> tuple[int, Columns | None]:
    """Items between the table header and 合计; returns the first line after them and the columns.
    On a scan, `unread` marks inside the table are doubts; the vertical `rules` crossing the
    header are the cells' edges (drawn paths of a PDF, printed lines found on a scan)."""
    for index, line in enumerate(lines):
        if not HEADER.search(line.text):
            continue
        columns = find_columns(line)
        if columns is None:
            continue
        scanned = draft.source_kind in SCANNED_KINDS
        columns.rules = tuple(sorted(x0 for x0, y0, x1, y1 in rules or [] if x0 == x1 and y0 <= line.cy <= y1))
        end = index + 1
        while end < len(lines) and not ends_table(lines[end]):
            end += 1
        table = lines[index + 1 : end]
        cells = None
        if scanned:
            table, cells = scan_cells(table, columns)
        items, used, rows = read_items(table, columns, scanned, cells)
        if scanned:
            draft.doubts += [("items", doubt) for doubt in scan_doubts(items, rows, columns) + header_over_rows(line, table)]
            bottom = lines[end].y0 if end < len(lines) else float("inf")
            marks = _inside_table(unread or [], [line, *table], bottom)
            draft.doubts += [("items", doubt) for doubt in unread_doubts(items, rows, marks)]
        draft.invoice["items"] = items
        draft.sources["items"] = used
        # a cell of asterisks alone (the *** of a 免税 line's tax, the * of a name's prefix read
        # apart) gives no value to be sure of: the sums and the prefix check hold those cells;
        # nor does a 数量 or 单价 its row's 金额 proves
        proven = {id(token) for token in figures_the_rows_prove(items, rows)} if scanned else set()
        draft.confidence["items"] = min((t.confidence for t in used if t.text.strip(" *") and id(t) not in proven), default=1.0)
        return end, columns
    return 0, None


def _inside_table(marks: list[Box], header_and_rows: list[Line], bottom: float) -> list[Box]:
    """The marks whose middle lies below the header and above the line that ends the table,
    within half a text height of the table's text on the left and right (not the page's edge or
    the frame). The middle, not the top: on a photo the first row's figures can reach up into
    the header line's box (a 数量 2 the detector missed, its top 2 units above the header's
    bottom, was no doubt and its row went out with 单价 × 2 read as 数量 and 单价)."""
    tokens = [t for line in header_and_rows for t in line.tokens]
    margin = sorted(t.height for t in tokens)[len(tokens) // 2] / 2
    left, right = min(t.x0 for t in tokens) - margin, max(t.x1 for t in tokens) + margin
    top = header_and_rows[0].y1
    return [m for m in marks if top < (m[1] + m[3]) / 2 < bottom and m[0] >= left and m[2] <= right]


@dataclass
class RemarksBox:
    """The 备注 box: its marker (the 备 of a vertical label, or 备注: with text after it) and the
    band of lines between the 价税合计 line and the signature line."""

    marker: Token
    top: float
    bottom: float

    def holds(self, line: Line) -> bool:
        return self.top < line.cy < self.bottom

    def inside(self, found: Found) -> bool:
        """Whether a match lies in the box: on its band, right of its label (a paper invoice
        prints the seller block left of 备注, a 数电 invoice prints no party below 价税合计)."""
        return self.holds(found.line) and found.x0 >= self.marker.x0


def find_remarks_box(lines: list[Line], tokens: list[Token], draft: Draft) -> RemarksBox | None:
    marker = next((t for t in tokens if REMARKS_MARK.match(t.text) and len(t.text) <= 4 or t.text.startswith("备注")), None)
    marker = marker or next((t for t in tokens if t.text == "注"), None)  # the upright 备注 label, its 备 lost
    band = _below_totals(lines, draft) if marker is not None else None
    return RemarksBox(marker, *band) if band is not None else None


def _below_totals(lines: list[Line], draft: Draft) -> tuple[float, float] | None:
    """The band (top, bottom) between the 价税合计 line and the signature line, where a form
    prints its 备注 (beside the seller block on a paper invoice); None without the 价税合计 line."""
    total_line = find_first(lines, TOTAL_LINE)
    if total_line is None:
        return None
    bottom = min(
        (f.line.y0 for p in people_printed(draft).values() for f in find_all(lines, p) if f.line.y0 > total_line.line.y1),
        default=float("inf"),
    )
    return total_line.line.y1, bottom


#: Text this long (seal words and the seller's tax ID aside) below 价税合计 that no field took
#: is remarks whose 备注 label the scan lost.
UNLABELLED_REMARKS_CHARS = 4


def _unlabelled_remarks(lines: list[Line], draft: Draft) -> list[tuple[str, str]]:
    """A doubt where a scan shows text below 价税合计 that no field took and no 备注 label was
    read beside it: a photo's sheet cut a little short at its side took the label with it, and
    the clauses of 备注 (购方开户银行：…; 银行账号：…;) were left out of the record, which went
    out `ready` (nothing checks 备注)."""
    band = _below_totals(lines, draft)
    if band is None:
        return []
    taken = {id(t) for tokens in draft.sources.values() for t in tokens}
    left = "".join(t.text for line in lines if band[0] < line.cy < band[1] for t in line.tokens if id(t) not in taken)
    tax_id = draft.invoice["seller"]["tax_id"]
    left = SEAL_WORDS.sub("", left.replace(tax_id, "") if tax_id else left)
    if len(re.sub(r"[\s:：;；,，.。()（）]", "", left)) < UNLABELLED_REMARKS_CHARS:
        return []
    return [(
        "remarks",
        "价税合计下方有文字，但没有读出“备注”标签：可能是备注，没有录入，请对照原件 "
        "(text lies below 价税合计 where 备注 is printed, but no 备注 label was read beside it: it may be remarks "
        "left out of the record: compare it with the paper)",
    )]


def read_remarks(lines: list[Line], tokens: list[Token], draft: Draft) -> None:
    """备注: the text right of the 备注 marker, between 价税合计 and the signature line."""
    box = find_remarks_box(lines, tokens, draft)
    if box is None:
        if draft.source_kind in SCANNED_KINDS:
            draft.doubts += _unlabelled_remarks(lines, draft)
        return
    marker = box.marker
    inline = REMARKS_MARK.sub("", marker.text) if marker.text != "注" else ""
    # a lone 备注 label: its box's right half may overlap the OCR box of a remarks line beside it
    box_left = marker.x1 - 1 if inline else (marker.x0 + marker.x1) / 2
    picked_lines = []
    for line in lines:
        if not box.holds(line):
            continue
        in_box = [t for t in line.tokens if t.x0 > box_left and t is not marker]
        if in_box:
            picked_lines.append(in_box)
    parts = [inline] if inline else []
    parts += [joined_text(group) for group in picked_lines]
    used = [token for group in picked_lines for token in group]
    remarks = "".join(parts).strip()
    if remarks:
        draft.put("remarks", remarks, used or [marker])
    if draft.source_kind in SCANNED_KINDS:
        draft.doubts += _lost_clause_ends([joined_text(group) for group in picked_lines])


def _lost_clause_ends(texts: list[str]) -> list[tuple[str, str]]:
    """A 备注 line of a scan that starts a printed clause (银行账号：) after a line ending
    without the clause's semicolon: the scan shows it there (it wraps to either line), and OCR
    left it out of both."""
    for before, after in itertools.pairwise(texts):
        clause = REMARK_CLAUSE.match(after.strip())
        if clause and before.strip() and before.strip()[-1] not in CLAUSE_ENDS:
            return [("remarks", (
                f"备注的一行以“{clause.group(0)}”起头，上一行末尾却没有分号：分号可能没有读出，请对照原件 "
                f"(remarks (备注): a line starts “{clause.group(0)}” after a line that ends without its semicolon, "
                "which the scan may show unread: compare it with the paper)"
            ))]
    return []
