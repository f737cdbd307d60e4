"""Parsing untrusted XML: no DTDs, so no entities (XXE, billion laughs) and no external fetches.

Invoice XML (数电票 files, the parts of an OFD) never declares a document type, so any
``<!DOCTYPE`` is refused outright with defusedxml. Element names are reduced to their local
names, since issuers disagree on prefixes (``fp:``, ``ofd:``, none) for the same data.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml.ElementTree import fromstring

from capture.errors import InputError

#: Largest XML document parsed, in bytes (a real invoice XML is a few kB).
MAX_XML_BYTES = 10 * 1024 * 1024

_UNSAFE = {
    DTDForbidden: "it declares a document type (<!DOCTYPE>), which can define entities that read "
    "local files (XXE) or expand without bound (billion laughs); invoice XML never needs one",
    EntitiesForbidden: "it declares entities, which can read local files (XXE) or expand without "
    "bound (billion laughs)",
    ExternalReferenceForbidden: "it refers to an external resource",
}


def parse_xml(data: bytes, what: str) -> Element:
    """Parse XML safely and return its root with namespace-free tags; InputError when unsafe or
    malformed. `what` names the document in messages ("the XML file", "OFD part Doc_0/...")."""
    if len(data) > MAX_XML_BYTES:
        raise InputError(
            f"{what} is {len(data)} bytes, larger than the {MAX_XML_BYTES} an invoice XML may be"
        )
    try:
        root = fromstring(_utf8(data), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        reason = next(
            (text for kind, text in _UNSAFE.items() if isinstance(error, kind)), str(error)
        )
        raise InputError(f"unsafe XML refused in {what}: {reason}") from error
    except ParseError as error:
        raise InputError(f"{what} is not well-formed XML ({error})") from error
    except (ValueError, LookupError) as error:  # an encoding expat cannot read
        raise InputError(f"{what} cannot be read as XML ({error})") from error
    return strip_namespaces(root)


_DECLARATION = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([A-Za-z0-9_.-]+)(["'])""")
_CHINESE_ENCODINGS = {b"gbk", b"gb2312", b"gb18030"}


def _utf8(data: bytes) -> bytes:
    """GBK-family documents (which expat cannot decode) re-encoded as UTF-8."""
    match = _DECLARATION.match(data)
    if not match or match.group(2).lower() not in _CHINESE_ENCODINGS:
        return data
    text = data.decode("gb18030", errors="replace")
    return _DECLARATION.sub(rb"\g<1>UTF-8\g<3>", text.encode("utf-8"), count=1)


_PREFIXED_TAG = re.compile(rb"(</?)[A-Za-z_][\w.-]*:|(</?):")
_NAMESPACE_DECLARATION = re.compile(rb"\s+xmlns(?::[\w.-]*)?\s*=\s*(\"[^\"]*\"|'[^']*')")


def parse_xml_lenient(data: bytes, what: str) -> Element:
    """Like `parse_xml`, but a document whose only fault is its namespace prefixes (undeclared
    ``ofd:``, an empty ``<:eInvoice xmlns:="">`` as some issuers write) is read with the prefixes
    removed. Unsafe documents are refused all the same."""
    try:
        return parse_xml(data, what)
    except InputError as error:
        if not isinstance(error.__cause__, ParseError):
            raise
        repaired = _NAMESPACE_DECLARATION.sub(
            b"", _PREFIXED_TAG.sub(lambda m: m.group(1) or m.group(2), data)
        )
        return parse_xml(repaired, what)


def local_name(tag: object) -> str:
    """`{namespace}Name` or `prefix:Name` -> `Name`."""
    text = str(tag)
    return text.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def strip_namespaces(root: Element) -> Element:
    """Rename every element (and attribute) to its local name, in place."""
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = local_name(element.tag)
        if any("}" in key for key in element.attrib):
            element.attrib = {local_name(k): v for k, v in element.attrib.items()}
    return root


def text_of(element: Element | None) -> str | None:
    """All text inside an element, stripped; None when empty or absent."""
    if element is None:
        return None
    text = "".join(element.itertext()).strip()
    return text or None
