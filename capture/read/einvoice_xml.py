"""Invoice data XML, parsed directly: the 数电票 XML (`EInvoice`) and the 2019 电子发票 data
(`eInvoice`, embedded in OFDs as `original_invoice.xml`, sometimes mailed on its own).

数电票 XML: `EInvoice/Header/EIid`, `EInvoiceData/{SellerInformation, BuyerInformation,
BasicInformation, IssuItemInformation*, AdditionalInformation}`, `TaxSupervisionInfo/
{InvoiceNumber, IssueTime}`; the type sits in `GeneralOrSpecialVAT` (LabelCode 01 专票, 02 普票).
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from capture.contract import values as norm
from capture.contract.structured import InvoiceData
from capture.contract.values import Normaliser
from capture.errors import InputError
from capture.intake.safe_xml import MAX_XML_BYTES, parse_xml, text_of

DIGITAL_ROOT = "EInvoice"
LEGACY_ROOT = "eInvoice"


def read_invoice_xml(path: Path) -> tuple[InvoiceData, str | None]:
    """The invoice data and kind of an invoice XML file; InputError when it is not one."""
    size = path.stat().st_size
    if size > MAX_XML_BYTES:
        raise InputError(
            f"the XML file is {size} bytes, larger than the {MAX_XML_BYTES} an invoice XML may be"
        )
    root = parse_xml(path.read_bytes(), "the XML file")
    data, kind = invoice_from_xml(root)
    if data is None:
        raise InputError(
            f"not an invoice XML: the root element is <{root.tag}>, expected <{DIGITAL_ROOT}> (数电票) "
            f"or <{LEGACY_ROOT}> (电子发票 data)"
        )
    return data, kind


def invoice_from_xml(root: Element) -> tuple[InvoiceData | None, str | None]:
    """The invoice data and kind of an invoice XML root (namespaces stripped); (None, None) when
    the root is no invoice schema this module knows."""
    if root.tag == DIGITAL_ROOT:
        return digital_invoice(root), digital_kind(root)
    if root.tag == LEGACY_ROOT:
        return legacy_invoice(root), None
    return None, None


# --- 数电票 XML ----------------------------------------------------------------------------


def _first(root: Element, *paths: str) -> Element | None:
    for path in paths:
        found = root.find(path)
        if found is not None:
            return found
    return None


def _value(root: Element, *paths: str) -> str | None:
    return text_of(_first(root, *paths))


def digital_kind(root: Element) -> str | None:
    """digital_special / digital_normal from GeneralOrSpecialVAT (code 01/02, or its name)."""
    label = root.find(".//GeneralOrSpecialVAT")
    if label is None:
        return None
    code = norm.code(_value(label, "LabelCode"))
    name = _value(label, "LabelName") or ""
    if code == "01" or "专用" in name:
        return "digital_special"
    if code == "02" or "普通" in name:
        return "digital_normal"
    return None


def _party(info: Element | None, side: str, prefix: str) -> dict[str, str | None]:
    if info is None:
        return {}

    def get(name: str) -> str | None:
        return _value(info, prefix + name)

    return {
        f"{side}.name": norm.text(get("Name")),
        f"{side}.tax_id": norm.code(get("IdNum")),
        f"{side}.address_phone": norm.joined(get("Addr"), get("TelNum")),
        f"{side}.bank_account": norm.joined(get("BankName"), get("BankAccNum")),
    }


def digital_invoice(root: Element) -> InvoiceData:
    """Fields and items of a 数电票 XML."""
    data = root.find("EInvoiceData")
    data = data if data is not None else root
    basic = data.find("BasicInformation")
    basic = basic if basic is not None else data
    fields: dict[str, str | None] = {
        "code": None,
        "check_code": None,
        "machine_number": None,
        "number": norm.code(
            _value(root, "TaxSupervisionInfo/InvoiceNumber", "Header/EIid", ".//InvoiceNumber")
        ),
        "date": norm.date(
            _value(root, "TaxSupervisionInfo/IssueTime", ".//IssueTime", ".//RequestTime")
        ),
        "amount": norm.amount(_value(basic, "TotalAmWithoutTax")),
        "tax": norm.amount(_value(basic, "TotalTaxAm")),
        "total": norm.amount(_value(basic, "TotalTax-includedAmount")),
        "total_in_words": norm.words(_value(basic, "TotalTax-includedAmountInChinese")),
        "drawer": norm.text(_value(basic, "Drawer", ".//Drawer")),
        "payee": None,
        "reviewer": None,
        "remarks": norm.text(_value(data, "AdditionalInformation/Remark", ".//Remark")),
    }
    fields |= _party(data.find("SellerInformation"), "seller", "Seller")
    fields |= _party(data.find("BuyerInformation"), "buyer", "Buyer")
    items = [_digital_item(entry) for entry in data.iter("IssuItemInformation")]
    return InvoiceData(fields=fields, items=items)


def _digital_item(entry: Element) -> dict:
    def get(*names: str) -> str | None:
        return _value(entry, *names)

    return norm.item(
        name=get("ItemName"),
        spec=get("SpecMod"),
        unit=get("MeaUnits", "MeUnit", "MeasurementDimension"),
        quantity=get("Quantity"),
        unit_price=get("UnPrice"),
        amount_=get("Amount"),
        tax_rate=get("TaxRate"),
        tax=get("ComTaxAm"),
    )


# --- 2019 电子发票 data (original_invoice.xml) -----------------------------------------------

#: The 电子发票 data tags (elements of original_invoice.xml, CustomTag keys of OFDs) -> (SPEC
#: field, normaliser).
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
#: The item tags (in GoodsInfo) -> the argument of `norm.item` they fill.
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
PARTIES = ("Buyer", "Seller")


def _data_path(tag: str) -> str:
    """Where a tag sits in the data XML: a party's tags inside its element (Buyer/BuyerName)."""
    party = next((p for p in PARTIES if tag.startswith(p)), None)
    return f"{party}/{tag}" if party else tag


#: element path -> (SPEC field, normaliser)
LEGACY_FIELDS = {_data_path(tag): target for tag, target in TAG_FIELDS.items()}


def legacy_invoice(root: Element) -> InvoiceData:
    """Fields, items and QR string (GraphCode) of 2019 电子发票 data."""
    fields: dict[str, str | None] = {}
    for path, (name, normalise) in LEGACY_FIELDS.items():
        element = root.find(path)
        if element is not None:
            fields[name] = normalise(text_of(element))
    goods = root.findall("GoodsInfos/GoodsInfo")
    items = [_legacy_item(entry) for entry in goods] if goods else None
    graph = text_of(root.find("GraphCode"))
    return InvoiceData(fields=fields, items=items, qr=[graph] if graph else [])


def _legacy_item(entry: Element) -> dict:
    return norm.item(**{name: text_of(entry.find(tag)) for tag, name in TAG_ITEM_FIELDS.items()})
