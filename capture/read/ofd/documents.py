"""The documents of an OFD (DocBody): their pages, templates, resources, QR images, and the
invoice data of their CustomDatas, CustomTags and attachments."""

from __future__ import annotations

import io
import posixpath
from xml.etree.ElementTree import Element

from capture.contract import values as norm
from capture.contract.qr import QrPayload
from capture.contract.structured import InvoiceData
from capture.contract.values import Normaliser
from capture.errors import InputError
from capture.intake.safe_xml import text_of
from capture.read.einvoice_xml import invoice_from_xml
from capture.read.ofd.content import OfdPage, TextObject, floats, text_objects
from capture.read.ofd.package import Package, resolve
from capture.read.ofd.tags import TagReader
from capture.read.qr import decode_qr_payloads

MAX_PAGES = 200
MAX_IMAGE_PIXELS = 4_000_000  # a QR image never needs more
MAX_QR_IMAGES = 8  # per page
DEFAULT_BOX = (0.0, 0.0, 210.0, 297.0)

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
        self.box = floats(text_of(common.find("PageArea/PhysicalBox")), 4) or DEFAULT_BOX
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
        width, height = (floats(text_of(root.find("Area/PhysicalBox")), 4) or self.box)[2:]
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
