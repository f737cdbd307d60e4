"""Toll invoices (通行费): their kinds, the toll table's own columns and the 数电 layout's remarks.

A legacy 增值税电子普通发票（通行费） has a code ending in 12 and a table of 项目名称, 车牌号, 类型,
通行日期起, 通行日期止, 金额, 税率, 税额 (read by capture/extract/items.py with the columns below).
A 数电 通行费 invoice prints the usual 数电 table and its vehicle in 备注 (车牌号：…, 车辆类型：…,
通行日期起/止：…). Either may print its rate and tax as *** (not disclosed): the tax is then null.
"""

from __future__ import annotations

import re

from capture.contract.draft import Draft
from capture.contract.values import date

#: The toll table's own columns, in printed order (between 项目名称 and 金额), with their headers.
TOLL_HEADERS = {"plate": "车牌号", "vehicle_type": "类型", "period_start": "通行日期起", "period_end": "通行日期止"}
TOLL_COLUMNS = list(TOLL_HEADERS)
#: The type digits (last two of a 12-digit 发票代码) of the legacy toll e-invoice.
TOLL_CODE_SUFFIX = "12"
TOLL_ITEM = re.compile(r"通行费")
PLATE = re.compile(r"车牌号\s*[:：]\s*([^\s:：]+?)(?=\s|车辆类型|通行日期|入/出口站|$)")
VEHICLE = re.compile(r"车辆类型\s*[:：]\s*([\u4e00-\u9fff]+?)(?=\s|通行日期|入/出口站|车牌号|$)")
PERIOD = re.compile(
    r"通行日期起\s*/\s*止\s*[:：]\s*(\d{4}-\d{2}-\d{2})[\s\d:]*?/\s*(\d{4}-\d{2}-\d{2})"
)
UNDISCLOSED = re.compile(r"^\*{1,3}$")


def is_undisclosed(rate: str | None) -> bool:
    """A rate printed as *, ** or ***: the invoice does not disclose rate and tax."""
    return bool(rate and UNDISCLOSED.match(rate))


def read_toll(draft: Draft) -> None:
    """Tell a toll invoice by its code or table (legacy) or its 通行费 line and vehicle remarks
    (数电); give its items the vehicle and dates; leave a tax printed as *** null."""
    invoice = draft.invoice
    items = invoice["items"]
    code = invoice["code"] or ""
    toll_table = any(item.get("plate") or item.get("period_start") for item in items)
    if invoice["kind"] == "vat_electronic_normal" and (toll_table or (len(code) == 12 and code.endswith(TOLL_CODE_SUFFIX))):
        invoice["kind"] = "vat_electronic_toll"
    remarks = re.sub(r"\s+", " ", invoice["remarks"] or "")
    plate = PLATE.search(remarks)
    if invoice["kind"] == "digital_normal" and plate and items and all(TOLL_ITEM.search(i["name"] or "") for i in items):
        invoice["kind"] = "digital_toll"
        _vehicle_from_remarks(draft, remarks, plate.group(1))
    if items and all(is_undisclosed(item["tax_rate"]) for item in items):
        invoice["tax"] = None
        draft.confidence.pop("tax", None)


def _vehicle_from_remarks(draft: Draft, remarks: str, plate: str) -> None:
    """The 数电 toll layout prints one vehicle and one trip per invoice in 备注: each line gets it."""
    vehicle = VEHICLE.search(remarks)
    period = PERIOD.search(remarks)
    for item in draft.invoice["items"]:
        item["plate"] = plate
        item["vehicle_type"] = vehicle.group(1) if vehicle else None
        if period:
            item["period_start"], item["period_end"] = date(period.group(1)), date(period.group(2))


#: A vehicle type run into the 通行日期起 beside it (客车20200828): a long type fills its column.
VEHICLE_AND_DATE = re.compile(r"^(\D+?)\s*(\d{8}|\d{4}-\d{2}-\d{2})$")


def unglue_vehicle_date(item: dict) -> None:
    """Split a vehicle type that ran into the travel start date when that date is unread."""
    glued = VEHICLE_AND_DATE.match(item.get("vehicle_type") or "")
    if glued and item.get("period_start") is None:
        item["vehicle_type"], item["period_start"] = glued.group(1), toll_date(glued.group(2))


def toll_date(text: str) -> str | None:
    """A travel date of the toll table (20200828 or 2020-08-28) as YYYY-MM-DD."""
    return date(text) if text else None
