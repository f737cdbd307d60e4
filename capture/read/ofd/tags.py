"""CustomTag.xml: keys (InvoiceNo, BuyerName, TaxInclusiveTotalAmount, ...) pointing at text
objects of the pages, read as invoice fields and items. The keys are the tags of the 电子发票
data (`TAG_FIELDS`, `TAG_ITEM_FIELDS`)."""

from __future__ import annotations

from collections.abc import Iterable
from xml.etree.ElementTree import Element

from capture.contract import values as norm
from capture.contract.structured import InvoiceData
from capture.read.einvoice_xml import TAG_FIELDS, TAG_ITEM_FIELDS
from capture.read.ofd.content import OfdPage, TextObject

MAX_TAG_DEPTH = 32
#: Printed once per invoice; tags may point at several copies (one off the page).
SINGLE_COPY = {"drawer", "payee", "reviewer"}

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
