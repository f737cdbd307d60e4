"""The record contract of SPEC.md as Pydantic v2 models; `capture schema` prints its JSON Schema.

Field names are part of the contract: integrators import these records.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    model_serializer,
)

SCHEMA_ID = "capture.record/1"

InvoiceKind = Literal[
    "digital_special",
    "digital_normal",
    "vat_special",
    "vat_normal",
    "vat_electronic_special",
    "vat_electronic_normal",
    "vat_electronic_toll",
    "digital_toll",
    "digital_railway",
    "digital_air",
    "other",
]
SourceKind = Literal["pdf_text", "pdf_scan", "image", "ofd", "xml"]
Status = Literal["ready", "review", "duplicate", "rejected"]

def _canonical_decimal(value: str) -> str:
    """One spelling per number: 00.33 -> 0.33, -0.00 -> 0.00."""
    number = Decimal(value)
    text = format(number, "f") if number else format(abs(number), "f")
    return text


Money = Annotated[str, Field(pattern=r"^-?\d+\.\d{2}$", examples=["1060.00"]), AfterValidator(_canonical_decimal)]
Number = Annotated[str, Field(pattern=r"^-?\d+(\.\d+)?$", examples=["33.3495145631068"])]
TaxRate = Annotated[
    str,
    Field(pattern=r"^(0|0\.\d{1,2}|免税|不征税|\*{1,3})$", examples=["0.13", "免税", "***"]),
]
Date = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", examples=["2024-05-14"])]


#: The item fields only a toll invoice (通行费) prints: 车牌号, 类型, 通行日期起, 通行日期止.
TOLL_ITEM_FIELDS = ("plate", "vehicle_type", "period_start", "period_end")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Party(_Model):
    """购买方 or 销售方."""

    name: str | None = None
    tax_id: str | None = Field(None, description="纳税人识别号 / 统一社会信用代码")
    address_phone: str | None = Field(None, description="地址、电话")
    bank_account: str | None = Field(None, description="开户行及账号")


class Item(_Model):
    """One line of the goods/services table, as printed (a discount line has a negative amount)."""

    name: str | None = None
    spec: str | None = Field(None, description="规格型号")
    unit: str | None = Field(None, description="单位")
    quantity: Number | None = None
    unit_price: Number | None = None
    amount: Money | None = Field(None, description="金额, tax exclusive")
    tax_rate: TaxRate | None = Field(None, description="税率; *** where the invoice does not disclose it (tax is then null)")
    tax: Money | None = None
    plate: str | None = Field(None, description="车牌号 (toll invoices only)")
    vehicle_type: str | None = Field(None, description="车辆类型 / 类型 (toll invoices only)")
    period_start: Date | None = Field(None, description="通行日期起 (toll invoices only)")
    period_end: Date | None = Field(None, description="通行日期止 (toll invoices only)")

    @model_serializer(mode="wrap")
    def _without_unprinted_toll_fields(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> dict:
        """The toll fields appear only on the items of invoices that print them."""
        data = handler(self)
        for name in TOLL_ITEM_FIELDS:
            if data.get(name) is None:
                data.pop(name, None)
        return data


Time = Annotated[str, Field(pattern=r"^\d{2}:\d{2}$", examples=["08:05"])]


class Trip(_Model):
    """One leg of a 数电 travel e-invoice: a train (铁路电子客票) or a flight (航空运输电子客票行程单)."""

    departure: str | None = Field(None, description="出发站 / 自: station or airport as printed")
    arrival: str | None = Field(None, description="到达站 / 至: station or airport as printed")
    service: str | None = Field(None, description="车次 (G123) or 航班号 (CA1501)")
    carrier: str | None = Field(None, description="承运人 (flights only)")
    date: Date | None = Field(None, description="乘车日期 / 乘机日期")
    time: Time | None = Field(None, description="开车时间 / 起飞时间")
    seat_class: str | None = Field(None, description="座位类别 (二等座) / 座位等级 (Y)")
    seat: str | None = Field(None, description="车厢座位 (05车12A号; trains only)")


class Travel(_Model):
    """What a 数电 travel e-invoice prints beside the usual fields: passenger, trips and fare.

    The invoice's `total` is the 票价 of a train ticket and the 合计 of a flight; its `tax` is
    the printed 增值税税额 of a flight (a train ticket prints none: null); `amount` is null
    (neither prints an amount before tax)."""

    passenger: str | None = Field(None, description="旅客姓名")
    passenger_id: str | None = Field(None, description="有效身份证件号码, masked as printed (1101011990****1234)")
    ticket_number: str | None = Field(None, description="电子客票号(码)")
    trips: list[Trip] = Field(default_factory=list)
    fare: Money | None = Field(None, description="票价")
    fuel_surcharge: Money | None = Field(None, description="燃油附加费 (flights only)")
    tax_rate: TaxRate | None = Field(None, description="增值税税率 (flights only)")
    development_fund: Money | None = Field(None, description="民航发展基金 (flights only)")
    other_taxes: Money | None = Field(None, description="其他税费 (flights only)")


class Invoice(_Model):
    """The printed invoice. A field the invoice does not have, or that could not be read, is null."""

    kind: InvoiceKind | None = None
    code: str | None = Field(None, description="发票代码 (10 or 12 digits); null on 数电票")
    number: str | None = Field(None, description="发票号码: 8 digits (legacy) or 20 (数电票)")
    date: Date | None = Field(None, description="开票日期")
    check_code: str | None = Field(None, description="校验码 (20 digits)")
    machine_number: str | None = Field(None, description="机器编号")
    buyer: Party = Field(default_factory=Party)
    seller: Party = Field(default_factory=Party)
    items: list[Item] = Field(default_factory=list)
    amount: Money | None = Field(None, description="合计金额, tax exclusive")
    tax: Money | None = Field(None, description="合计税额")
    total: Money | None = Field(None, description="价税合计（小写）")
    total_in_words: str | None = Field(None, description="价税合计（大写）, without the ⊗ mark")
    payee: str | None = Field(None, description="收款人")
    reviewer: str | None = Field(None, description="复核")
    drawer: str | None = Field(None, description="开票人")
    remarks: str | None = Field(None, description="备注")
    travel: Travel | None = Field(None, description="铁路电子客票 / 航空运输电子客票行程单 only: passenger, trips, fare")

    @model_serializer(mode="wrap")
    def _without_travel_elsewhere(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> dict:
        """`travel` appears only on the travel e-invoices that print it."""
        data = handler(self)
        if data.get("travel") is None:
            data.pop("travel", None)
        return data


class Source(_Model):
    """Where the invoice was read from."""

    file: str = Field(description="name relative to the input folder")
    sha256: str
    page: int = Field(ge=1, description="first page of the invoice in the file")
    kind: SourceKind


class Check(_Model):
    """The outcome of one named verification rule."""

    rule: str
    field: str
    ok: bool
    message: str
    severity: Literal["error", "warning"] = "error"


class Record(_Model):
    """One back-entry (补录) record per invoice."""

    schema_: Literal["capture.record/1"] = Field(SCHEMA_ID, alias="schema")
    id: str = Field(description="stable id: same input file + page -> same id")
    source: Source
    invoice: Invoice
    confidence: dict[str, float] = Field(default_factory=dict)
    checks: list[Check] = Field(default_factory=list)
    status: Status
    reasons: list[str] = Field(default_factory=list)
    duplicate_of: str | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=True, serialize_by_alias=True)

    def to_json_dict(self) -> dict:
        """The record as JSON-ready data with the contract's field names."""
        return self.model_dump(mode="json", by_alias=True)

    def to_json(self) -> str:
        """The record as one line of JSON, as records.jsonl holds it (the key is `schema`)."""
        return json.dumps(self.to_json_dict(), ensure_ascii=False)


def record_json_schema() -> dict:
    """JSON Schema of the record, from the models."""
    schema = Record.model_json_schema(by_alias=True)
    schema["$id"] = SCHEMA_ID
    schema["title"] = "capture back-entry record"
    return schema
