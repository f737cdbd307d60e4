"""Field names: the dotted paths every stage uses for a record's fields (`seller.tax_id`,
`items[2].name`), walking them in dicts and models, and their names in words for people."""

from __future__ import annotations

import re

LABELS = {
    "kind": "invoice type (发票种类)",
    "code": "invoice code (发票代码)",
    "number": "invoice number (发票号码)",
    "date": "issue date (开票日期)",
    "check_code": "check code (校验码)",
    "buyer.name": "buyer name (购买方名称)",
    "buyer.tax_id": "buyer tax ID (购买方纳税人识别号)",
    "seller.name": "seller name (销售方名称)",
    "seller.tax_id": "seller tax ID (销售方纳税人识别号)",
    "amount": "amount before tax (合计金额)",
    "tax": "total tax (合计税额)",
    "total": "total with tax (价税合计)",
    "total_in_words": "total in words (价税合计大写)",
    "items": "line items (货物或应税劳务明细)",
    "machine_number": "machine number (机器编号)",
    "buyer.address_phone": "buyer address, phone (地址、电话)",
    "buyer.bank_account": "buyer bank and account (开户行及账号)",
    "seller.address_phone": "seller address, phone (地址、电话)",
    "seller.bank_account": "seller bank and account (开户行及账号)",
    "remarks": "remarks (备注)",
    "payee": "payee (收款人)",
    "reviewer": "reviewer (复核)",
    "drawer": "drawer (开票人)",
    "travel.passenger": "passenger (旅客姓名)",
    "travel.passenger_id": "passenger ID (有效身份证件号码)",
    "travel.fare": "fare (票价)",
    "travel.tax_rate": "VAT rate (增值税税率)",
    "travel.trips": "trip (行程)",
}
_ITEM = re.compile(r"^(\w+)\[(\d+)\]$")  # items[2], travel.trips[0]


def label(name: str) -> str:
    """A field name in words an accountant recognises."""
    if name.startswith("items["):
        index, _, leaf = name[6:].partition("].")
        return f"line {int(index) + 1} {leaf.replace('_', ' ')}"
    return LABELS.get(name, name)


def chinese_label(name: str) -> str:
    """A field's Chinese name: the one its label prints, with the party it belongs to."""
    words = label(name).rpartition("(")[2].rstrip(")")
    party = {"buyer": "购买方", "seller": "销售方"}.get(name.partition(".")[0], "")
    return words if words.startswith(party) else party + words


def _steps(name: str) -> list[str | int]:
    """`items[2].name` -> ["items", 2, "name"]; `seller.tax_id` -> ["seller", "tax_id"]."""
    steps: list[str | int] = []
    for part in name.split("."):
        match = _ITEM.match(part)
        steps += [match[1], int(match[2])] if match else [part]
    return steps


def field_value(data: object, name: str) -> object:
    """The value at a dotted path in dicts, lists or models; None where the path leads nowhere."""
    value = data
    for step in _steps(name):
        if value is None:
            return None
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and step < len(value) else None
        elif isinstance(value, dict):
            value = value.get(step)
        else:
            value = getattr(value, step, None)
    return value


def set_field(data: dict, name: str, value: object) -> None:
    """Set the value at a dotted path in nested dicts (and the items list)."""
    *parents, leaf = _steps(name)
    target = data
    for step in parents:
        target = target[step]
    target[leaf] = value
