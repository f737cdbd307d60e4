"""OFD invoices (GB/T 33190): a ZIP of XML parts, read directly, without OCR.

Sources, from least to most reliable; each later one overrides the fields it has:
- "text": the page's text objects (template labels included) as tokens, read by the same layout
  rules as PDF pages (`extract_page`); always present, so it is the base.
- "meta": `OFD.xml` CustomDatas (发票号码, 开票日期, 合计金额 = tax-exclusive amount, ...).
- "tags": `Tags/CustomTag.xml`, keys (InvoiceNo, BuyerName, TaxInclusiveTotalAmount, ...)
  pointing at text objects of the page.
- "xml": embedded invoice data (`Attachs/original_invoice.xml` on 2020-22 电子专票, with the
  QR string as GraphCode), or an embedded 数电票 XML.
QR images of the page (PNG, JPEG, ...) are decoded and witness number, date and amount.

The package is untrusted: members are read in memory within bounds (`SafeZip`) and every XML
part is parsed without DTDs (`safe_xml`).
"""

from __future__ import annotations

import io
import posixpath
import unicodedata
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from capture.contract import structured as norm
from capture.contract.draft import Draft, empty_invoice
from capture.contract.qr import QrPayload, decode_qr_payloads
from capture.contract.structured import InvoiceData
from capture.contract.tokens import Page, Token, clean_text
from capture.errors import InputError
from capture.extract.join import group_pages
from capture.extract.page import extract_page
from capture.intake.safe_xml import parse_xml_lenient, text_of
from capture.intake.safe_zip import SafeZip
from capture.read.einvoice_xml import invoice_from_xml

DIGITAL_KINDS = ("digital_special", "digital_normal")
SOURCES = frozenset({"text", "meta", "tags", "xml"})
MM_TO_PT = 72 / 25.4
MAX_PAGES = 200
MAX_GLYPHS = 20_000  # per text code
MAX_IMAGE_PIXELS = 4_000_000  # a QR image never needs more
MAX_QR_IMAGES = 8  # per page
MAX_TAG_DEPTH = 32
DEFAULT_BOX = (0.0, 0.0, 210.0, 297.0)
ASCENT, DESCENT = 0.85, 0.15  # of the font size, above and below the baseline

Normaliser = Callable[[str | None], str | None]

META_FIELDS: dict[str, tuple[str, Normaliser]] = {
    "发票代码": ("code", norm.code),
    "发票号码": ("number", norm.code),
    "开票日期": ("date", norm.date),
    "校验码": ("check_code", norm.code),
    "购买方纳税人识别号": ("buyer.tax_id", norm.code),
    "销售方纳税人识别号": ("seller.tax_id", norm.code),
    "合计金额": ("amount", norm.amount),  # tax exclusive
    "合计税额": ("tax", norm.amount),
    "价税合计": ("total", norm.amount),
}
TAG_FIELDS: dict[str, tuple[str, Normaliser]] = {
    "InvoiceCode": ("code", norm.code),
    "InvoiceNo": ("number", norm.code),
    "IssueDate": ("date", norm.date),
    "InvoiceCheckCode": ("check_code", norm.code),
    "MachineNo": ("machine_number", norm.code),
    "BuyerName": ("buyer.name", norm.text),
    "BuyerTaxID": ("buyer.tax_id", norm.code),
    "BuyerAddrTel": ("buyer.address_phone", norm.text),
    "BuyerFinancialAccount": ("buyer.bank_account", norm.text),
    "SellerName": ("seller.name", norm.text),
    "SellerTaxID": ("seller.tax_id", norm.code),
    "SellerAddrTel": ("seller.address_phone", norm.text),
    "SellerFinancialAccount": ("seller.bank_account", norm.text),
    "TaxExclusiveTotalAmount": ("amount", norm.amount),
    "TaxTotalAmount": ("tax", norm.amount),
    "TaxInclusiveTotalAmount": ("total", norm.amount),
    "InvoiceClerk": ("drawer", norm.text),
    "Payee": ("payee", norm.text),
    "Checker": ("reviewer", norm.text),
    "Note": ("remarks", norm.text),
}
TAG_ITEM_FIELDS = {
    "Item": "name",
    "Specification": "spec",
    "MeasurementDimension": "unit",
    "Quantity": "quantity",
    "Price": "unit_price",
    "Amount": "amount_",
    "TaxScheme": "tax_rate",
    "TaxAmount": "tax",
}
#: Printed once per invoice; tags may point at several copies (one off the page).
SINGLE_COPY = {"drawer", "payee", "reviewer"}


# --- the package -----------------------------------------------------------------------------


def resolve(base_dir: str, location: str | None) -> str | None:
    """A path inside the package: absolute (/Doc_0/Res) or relative to `base_dir`."""
    if not location or not location.strip():
        return None
    location = location.strip().replace("\\", "/")
    joined = (
        location.lstrip("/") if location.startswith("/") else posixpath.join(base_dir, location)
    )
    clean = posixpath.normpath(joined)
    return None if clean.startswith("..") or clean == "." else clean


class Package:
    """The OFD's members, read in memory; XML parts parsed safely, once."""

    def __init__(self, archive: SafeZip) -> None:
        self.archive = archive
        self.notes: list[str] = []
        self._parsed: dict[str, Element | None] = {}

    def data(self, path: str | None) -> bytes | None:
        member = self.archive.find(path) if path else None
        return self.archive.read(member) if member else None

    def xml(self, path: str | None, *, required: bool = False) -> Element | None:
        """A parsed XML part; None when absent or (for an optional part) malformed. Unsafe XML
        is refused wherever it is."""
        if path in self._parsed:
            return self._parsed[path]
        data = self.data(path)
        if data is None:
            if required:
                raise InputError(
                    f"the OFD lacks a part it needs ({path or 'unnamed'}); it is damaged or not an OFD"
                )
            return None
        try:
            root = parse_xml_lenient(data, f"OFD part {path}")
        except InputError as error:
            if required or not isinstance(error.__cause__, ParseError):
                raise
            self.notes.append(str(error))
            root = None
        self._parsed[path] = root
        return root


# --- page content ------------------------------------------------------------------------------


@dataclass
class Glyph:
    """One character placed on the page: baseline origin, advance and size in mm."""

    char: str
    x: float
    y: float
    width: float
    size: float


@dataclass
class TextObject:
    """A TextObject: its ID, glyphs and Boundary (x, y, w, h) on the page, in mm."""

    id: str | None
    glyphs: list[Glyph]
    box: tuple[float, float, float, float]

    @property
    def text(self) -> str:
        return "".join(g.char for g in self.glyphs)

    def lines(self) -> list[list[Glyph]]:
        """Glyphs grouped by baseline (a TextCode may wrap with DeltaY)."""
        lines: list[list[Glyph]] = []
        for glyph in self.glyphs:
            if lines and abs(glyph.y - lines[-1][0].y) <= 0.5 * max(glyph.size, 0.1):
                lines[-1].append(glyph)
            else:
                lines.append([glyph])
        return lines


@dataclass
class OfdPage:
    """A page: number (1-based, across documents), its ID, size in mm, text objects (template
    objects first) and its own text objects by ID, and the QR payloads of its images."""

    number: int
    id: str | None
    width: float
    height: float
    texts: list[TextObject]
    objects: dict[str, TextObject]
    qr: list[QrPayload] = field(default_factory=list)

    def holds(self, obj: TextObject) -> bool:
        """Whether the object starts on the page (issuers park copies off the page)."""
        x, y = obj.box[:2]
        return x >= -1 and y >= -1 and x <= self.width and y <= self.height


def _floats(text: str | None, count: int) -> tuple[float, ...] | None:
    try:
        values = tuple(float(v) for v in (text or "").split())
    except ValueError:
        return None
    if len(values) != count or any(v != v or abs(v) > 1e6 for v in values):
        return None
    return values


def _deltas(spec: str | None, needed: int) -> list[float]:
    """Expand a DeltaX/DeltaY list ("g 3 1.5 2" = 1.5 1.5 1.5 2), at most `needed` values."""
    values: list[float] = []
    words = (spec or "").split()
    index = 0
    try:
        while index < len(words) and len(values) < needed:
            if words[index] == "g" and index + 2 < len(words):
                values += [float(words[index + 2])] * min(
                    int(words[index + 1]), needed - len(values)
                )
                index += 3
            else:
                values.append(float(words[index]))
                index += 1
    except ValueError:
        pass
    return values


def _advance(char: str) -> float:
    """The default advance of a character, in font sizes (wide CJK 1, others 0.5)."""
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.5


def parse_text_object(element: Element) -> TextObject | None:
    """A TextObject's glyphs in page coordinates; None when it has no box or is rotated."""
    box = _floats(element.get("Boundary"), 4)
    ctm = _floats(element.get("CTM"), 6) if element.get("CTM") else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    if box is None or ctm is None or abs(ctm[1]) > 1e-6 or abs(ctm[2]) > 1e-6:
        return None
    scale_x, scale_y, shift_x, shift_y = ctm[0], ctm[3], ctm[4], ctm[5]
    size = (_floats(element.get("Size"), 1) or (3.5,))[0]
    glyphs: list[Glyph] = []
    x = y = 0.0
    for code in element.iter("TextCode"):
        chars = (code.text or "")[:MAX_GLYPHS]
        start = _floats(code.get("X"), 1), _floats(code.get("Y"), 1)
        x = start[0][0] if start[0] else x
        y = start[1][0] if start[1] else y
        dx, dy = _deltas(code.get("DeltaX"), len(chars)), _deltas(code.get("DeltaY"), len(chars))
        for index, char in enumerate(chars):
            if index:
                x += dx[index - 1] if index - 1 < len(dx) else _advance(chars[index - 1]) * size
                y += dy[index - 1] if index - 1 < len(dy) else 0.0
            glyphs.append(
                Glyph(
                    char,
                    box[0] + shift_x + scale_x * x,
                    box[1] + shift_y + scale_y * y,
                    _advance(char) * size * abs(scale_x),
                    size * abs(scale_y),
                )
            )
        if chars:
            x += _advance(chars[-1]) * size
    return (
        TextObject(element.get("ID"), glyphs, (box[0], box[1], box[2], box[3])) if glyphs else None
    )


def text_objects(content: Element | None) -> list[TextObject]:
    if content is None:
        return []
    parsed = (parse_text_object(e) for e in content.iter("TextObject"))
    return [obj for obj in parsed if obj is not None]


def object_tokens(obj: TextObject) -> list[Token]:
    """Words of a text object's first line, in points; the text of wrapped lines (DeltaY inside
    one object: a long address or name) is appended to its last word, so a value stays whole,
    and the words sit at the middle of the lines, where the value's label is printed."""
    lines = [line for line in obj.lines() if "".join(g.char for g in line).strip()]
    if not lines:
        return []
    shift = sum(line[0].y for line in lines) / len(lines) - lines[0][0].y  # centre a wrapped value
    chars = [
        (
            g.char,
            g.x * MM_TO_PT,
            (g.y + shift - ASCENT * g.size) * MM_TO_PT,
            (g.x + g.width) * MM_TO_PT,
            (g.y + shift + DESCENT * g.size) * MM_TO_PT,
        )
        for g in lines[0]
    ]
    tokens = words(chars)
    tail = "".join(g.char for line in lines[1:] for g in line).rstrip()
    if tail and tokens:
        last = tokens[-1]
        tokens[-1] = Token(
            clean_text(last.text + tail), last.x0, last.y0, last.x1, last.y1, last.confidence
        )
    return tokens


def words(chars: list[tuple[str, float, float, float, float]]) -> list[Token]:
    """Split a line of characters into words at runs of whitespace or wide gaps; a single space
    stays inside the word ("Mate 60 Pro" is one value, in one table column)."""
    tokens: list[Token] = []
    word: list[tuple[str, float, float, float, float]] = []
    spaces = 0
    for char in chars:
        if char[0].isspace():
            spaces += 1
            continue
        gap = char[1] - word[-1][3] if word else 0.0
        if word and (spaces > 1 or gap > (char[4] - char[2])):
            tokens.append(_word_token(word))
            word = []
        elif word and spaces:
            word.append((" ", word[-1][3], word[-1][2], word[-1][3], word[-1][4]))
        spaces = 0
        word.append(char)
    if word:
        tokens.append(_word_token(word))
    return tokens


def _word_token(chars: list[tuple[str, float, float, float, float]]) -> Token:
    text = clean_text("".join(c[0] for c in chars))
    return Token(
        text,
        chars[0][1],
        min(c[2] for c in chars),
        max(c[3] for c in chars),
        max(c[4] for c in chars),
    )


def page_view(page: OfdPage) -> Page:
    """The page as tokens in points, top-left origin: what `extract_page` reads."""
    tokens = [token for obj in page.texts if page.holds(obj) for token in object_tokens(obj)]
    return Page(
        page.number, page.width * MM_TO_PT, page.height * MM_TO_PT, tokens, "ofd", list(page.qr)
    )


def decode_image_qr(data: bytes) -> list[QrPayload]:
    """Invoice QR payloads in an image resource; [] when it is no image Pillow reads, or none."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                return []
            return decode_qr_payloads(image.convert("L"))
    except Exception:  # any image Pillow or zxing cannot read is simply not a QR code
        return []


# --- documents -----------------------------------------------------------------------------------


class OfdDocument:
    """One document of the package (DocBody): pages, templates, resources, tags, attachments."""

    def __init__(
        self, package: Package, path: str, meta: dict[str, str | None], first_number: int
    ) -> None:
        self.package = package
        self.meta = meta
        self.first_number = first_number
        self.dir = posixpath.dirname(path)
        root = package.xml(path, required=True)
        common = root.find("CommonData")
        common = common if common is not None else Element("CommonData")
        self.box = _floats(text_of(common.find("PageArea/PhysicalBox")), 4) or DEFAULT_BOX
        self.templates = {
            t.get("ID"): resolve(self.dir, t.get("BaseLoc")) for t in common.iter("TemplatePage")
        }
        self.media: dict[str, str] = {}
        self._qr_of: dict[str, list[QrPayload]] = {}
        for tag in ("DocumentRes", "PublicRes"):
            for res in common.iter(tag):
                self._add_media(resolve(self.dir, text_of(res)))
        self.page_refs = [
            (p.get("ID"), resolve(self.dir, p.get("BaseLoc"))) for p in root.findall("Pages/Page")
        ]
        if len(self.page_refs) > MAX_PAGES:
            raise InputError(
                f"the OFD has {len(self.page_refs)} pages; at most {MAX_PAGES} are read"
            )
        self.tags_path = resolve(self.dir, text_of(root.find("CustomTags")))
        self.attachments_path = resolve(self.dir, text_of(root.find("Attachments")))

    def _add_media(self, res_path: str | None) -> None:
        res = self.package.xml(res_path)
        if res is None or res_path is None:
            return
        base = resolve(posixpath.dirname(res_path), res.get("BaseLoc") or ".") or posixpath.dirname(
            res_path
        )
        for media in res.iter("MultiMedia"):
            location = resolve(base, text_of(media.find("MediaFile")))
            if media.get("ID") and location:
                self.media[media.get("ID")] = location

    def pages(self) -> list[OfdPage]:
        return [
            self._page(self.first_number + i, page_id, path)
            for i, (page_id, path) in enumerate(self.page_refs)
        ]

    def _page(self, number: int, page_id: str | None, path: str | None) -> OfdPage:
        root = self.package.xml(path, required=True)
        for res in root.iter("PageRes"):
            self._add_media(resolve(posixpath.dirname(path or ""), text_of(res)))
        width, height = (_floats(text_of(root.find("Area/PhysicalBox")), 4) or self.box)[2:]
        texts: list[TextObject] = []
        for template in root.iter("Template"):
            template_root = self.package.xml(self.templates.get(template.get("TemplateID")))
            if template_root is not None:
                texts += text_objects(template_root.find("Content"))
        own = text_objects(root.find("Content"))
        page = OfdPage(number, page_id, width, height, texts + own, {o.id: o for o in own if o.id})
        page.qr = self._page_qr(root.find("Content"))
        return page

    def _page_qr(self, content: Element | None) -> list[QrPayload]:
        if content is None:
            return []
        ids = [image.get("ResourceID") for image in content.iter("ImageObject")][:MAX_QR_IMAGES]
        for location in (self.media.get(resource or "") for resource in ids):
            if location and location not in self._qr_of:
                data = self.package.data(location)
                self._qr_of[location] = decode_image_qr(data) if data else []
            if location and self._qr_of[location]:
                return self._qr_of[location]
        return []

    def meta_data(self) -> InvoiceData:
        """Fields from OFD.xml CustomDatas."""
        fields = {}
        for key, (name, normalise) in META_FIELDS.items():
            value = normalise(self.meta.get(key))
            if value is not None:
                fields[name] = value
        return InvoiceData(fields=fields)

    def embedded_data(self) -> tuple[InvoiceData, str | None]:
        """Invoice data from an attached invoice XML, and the kind it states."""
        for path in self._attachment_paths():
            root = self.package.xml(path)
            data, kind = invoice_from_xml(root) if root is not None else (None, None)
            if data:
                return data, kind
        return InvoiceData(), None

    def _attachment_paths(self) -> list[str]:
        listing = self.package.xml(self.attachments_path)
        paths: list[str] = []
        if listing is not None and self.attachments_path:
            base = posixpath.dirname(self.attachments_path)
            paths = [
                p
                for p in (
                    resolve(base, text_of(a.find("FileLoc"))) for a in listing.iter("Attachment")
                )
                if p
            ]
        fallback = [
            n
            for n in self.package.archive.names()
            if n.lower().endswith("attachs/original_invoice.xml")
        ]
        return [p for p in paths if p.lower().endswith(".xml")] + fallback

    def tag_data(self, pages: list[OfdPage]) -> InvoiceData:
        """Fields and items from CustomTag.xml references to text objects of the pages."""
        listing = self.package.xml(self.tags_path)
        if listing is None or not self.tags_path:
            return InvoiceData()
        base = posixpath.dirname(self.tags_path)
        data = InvoiceData()
        for tag in listing.iter("CustomTag"):
            root = self.package.xml(resolve(base, text_of(tag.find("FileLoc"))))
            if root is not None:
                found = TagReader(pages).read(root)
                data.fields |= found.fields
                data.items = data.items or found.items
        return data


# --- CustomTag ------------------------------------------------------------------------------------


Ref = tuple[OfdPage, TextObject]


class TagReader:
    """CustomTag keys -> the text objects they point at -> field values."""

    def __init__(self, pages: list[OfdPage]) -> None:
        self.pages = pages
        self.by_id = {page.id: page for page in pages}
        self.scalars: dict[str, list[Ref]] = {}
        self.groups: list[dict[str, list[Ref]]] = []
        self.flat: dict[str, list[Ref]] = {}

    def read(self, root: Element) -> InvoiceData:
        self._walk(root, None, 0)
        fields = {}
        for key, refs in self.scalars.items():
            name, normalise = TAG_FIELDS[key]
            if name in SINGLE_COPY:
                refs = refs[:1]
            value = normalise(_joined(refs))
            if value is not None:
                fields[name] = value
        return InvoiceData(fields=fields, items=self._items())

    def _walk(self, element: Element, group: dict[str, list[Ref]] | None, depth: int) -> None:
        if depth > MAX_TAG_DEPTH:
            return
        if element.tag == "GoodsInfo":
            group = {}
            self.groups.append(group)
        refs = self._refs(element)
        if refs:
            key = element.tag
            if key in TAG_ITEM_FIELDS:
                (group if group is not None else self.flat).setdefault(key, []).extend(refs)
            elif key in TAG_FIELDS:
                self.scalars.setdefault(key, []).extend(refs)
        for child in element:
            if child.tag != "ObjectRef":
                self._walk(child, group, depth + 1)

    def _refs(self, element: Element) -> list[Ref]:
        refs = []
        for ref in element.findall("ObjectRef"):
            page = self.by_id.get(ref.get("PageRef")) or (self.pages[0] if self.pages else None)
            obj = page.objects.get((ref.text or "").strip()) if page else None
            if page is not None and obj is not None and page.holds(obj):
                refs.append((page, obj))
        return refs

    def _items(self) -> list[dict] | None:
        groups = [g for g in self.groups if g] or self._rows()
        items = [
            norm.item(**{TAG_ITEM_FIELDS[k]: _joined(refs) for k, refs in g.items()})
            for g in groups
        ]
        return items or None

    def _rows(self) -> list[dict[str, list[Ref]]]:
        """Flat item keys grouped into table rows: one row per Amount object; another object
        belongs to the last row starting at or above it on its page."""
        anchors = sorted(self.flat.get("Amount", []), key=_position)
        rows: list[dict[str, list[Ref]]] = [{} for _ in anchors]
        for key, refs in self.flat.items():
            for ref in sorted(refs, key=_position):
                index = _row_of(ref, anchors)
                rows[index].setdefault(key, []).append(ref)
        return rows


def _position(ref: Ref) -> tuple[int, float, float]:
    page, obj = ref
    return page.number, obj.box[1], obj.box[0]


def _row_of(ref: Ref, anchors: list[Ref]) -> int:
    page, obj = ref
    best = 0
    for index, (anchor_page, anchor) in enumerate(anchors):
        if (anchor_page.number, anchor.box[1]) <= (page.number, obj.box[1] + 1.0):
            best = index
    return best


def _joined(refs: Iterable[Ref]) -> str | None:
    text = "".join(obj.text.strip() for _, obj in refs)
    return text or None


# --- drafts --------------------------------------------------------------------------------------


def read_ofd_drafts(path: Path, sources: Collection[str] = SOURCES) -> list[Draft]:
    """Drafts of the invoices in an OFD file (source kind "ofd"); InputError when it cannot be
    read safely. `sources` limits the data read (tests force a single route)."""
    unknown = set(sources) - SOURCES
    if unknown:
        raise ValueError(f"unknown OFD sources {sorted(unknown)}; choose from {sorted(SOURCES)}")
    with SafeZip(path, "the OFD file") as archive:
        package = Package(archive)
        drafts: list[Draft] = []
        for document in documents(package):
            drafts += document_drafts(document, sources)
    if not drafts:
        raise InputError("the OFD has no pages")
    for draft in drafts:
        draft.notes += package.notes
    return drafts


def documents(package: Package) -> list[OfdDocument]:
    """The documents listed in OFD.xml, with their CustomDatas."""
    root = package.xml("OFD.xml", required=True)
    if root.tag != "OFD":
        raise InputError(f"not an OFD: OFD.xml has a <{root.tag}> root")
    found: list[OfdDocument] = []
    first = 1
    for body in root.iter("DocBody"):
        path = resolve("", text_of(body.find("DocRoot")))
        if path is None:
            continue
        meta = {c.get("Name") or "": text_of(c) for c in body.iter("CustomData")}
        document = OfdDocument(package, path, meta, first)
        found.append(document)
        first += len(document.page_refs)
        if first - 1 > MAX_PAGES:
            raise InputError(
                f"the OFD has more than {MAX_PAGES} pages; at most {MAX_PAGES} are read"
            )
    return found


def document_drafts(document: OfdDocument, sources: Collection[str]) -> list[Draft]:
    """The invoices of one document: page text drafts, overlaid with the structured sources."""
    pages = document.pages()
    if not pages:
        return []
    drafts = [_text_draft(page, "text" in sources) for page in pages]
    invoices = group_pages(drafts)
    meta = document.meta_data() if "meta" in sources else InvoiceData()
    tags = document.tag_data(pages) if "tags" in sources else InvoiceData()
    embedded, kind = document.embedded_data() if "xml" in sources else (InvoiceData(), None)
    if not (tags or embedded):
        if meta and len(invoices) == 1:
            norm.apply(invoices[0], meta, authoritative=False)
        return invoices
    draft = _one_invoice(invoices, [p.number for p in pages], [q for p in pages for q in p.qr])
    for data, authoritative in ((meta, False), (tags, False), (embedded, True)):
        norm.apply(draft, data, authoritative=authoritative)
    if draft.invoice["kind"] is None and kind is not None:
        draft.put("kind", kind, [])
    return [draft]


def _text_draft(page: OfdPage, read_text: bool) -> Draft:
    if not read_text:
        return Draft(
            invoice=empty_invoice(), qr=list(page.qr), pages=[page.number], source_kind="ofd"
        )
    view = page_view(page)
    draft = extract_page(view)
    return draft


def _one_invoice(invoices: list[Draft], numbers: list[int], qr: list[QrPayload]) -> Draft:
    """A document with invoice data holds one invoice: the (first) text draft, over all pages."""
    draft = invoices[0]
    draft.pages = numbers
    for payload in qr:
        if all(payload.raw != known.raw for known in draft.qr):
            draft.qr.append(payload)
    return draft
