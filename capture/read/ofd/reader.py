"""Reading an OFD file: per document, its pages as tokens and the invoice data of its parts."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from capture.contract.structured import InvoiceData, StructuredDocument
from capture.errors import InputError
from capture.intake.safe_zip import SafeZip
from capture.read.ofd.content import page_view
from capture.read.ofd.documents import OfdDocument, documents
from capture.read.ofd.package import Package

SOURCES = frozenset({"text", "meta", "tags", "xml"})


def read_ofd(path: Path, sources: Collection[str] = SOURCES) -> list[StructuredDocument]:
    """The documents of an OFD file; InputError when it cannot be read safely or has no pages.
    `sources` limits the data read (tests force a single route): without "text" the pages carry
    only their QR payloads."""
    unknown = set(sources) - SOURCES
    if unknown:
        raise ValueError(f"unknown OFD sources {sorted(unknown)}; choose from {sorted(SOURCES)}")
    with SafeZip(path, "the OFD file") as archive:
        package = Package(archive)
        found = [read_document(document, sources) for document in documents(package)]
    if not any(document.pages for document in found):
        raise InputError("the OFD has no pages")
    for document in found:
        document.notes = list(package.notes)
    return found


def read_document(document: OfdDocument, sources: Collection[str]) -> StructuredDocument:
    """One document's pages and data; a document without pages has no data."""
    pages = document.pages()
    if not pages:
        return StructuredDocument(pages=[])
    meta = document.meta_data() if "meta" in sources else InvoiceData()
    tags = document.tag_data(pages) if "tags" in sources else InvoiceData()
    embedded, kind = document.embedded_data() if "xml" in sources else (InvoiceData(), None)
    views = [page_view(page, with_text="text" in sources) for page in pages]
    return StructuredDocument(views, meta, tags, embedded, kind)
