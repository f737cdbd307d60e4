"""The 数电 travel e-invoices, read from their own layouts once the title named the kind:
电子发票（铁路电子客票） (digital_railway) and 电子发票（航空运输电子客票行程单） (digital_air).

Both print 发票号码 and 开票日期 (read by the header rules), 购买方名称 and 统一社会信用代码, the
passenger and the ID number masked as printed, and the trip. A train ticket prints its 票价 (the
record's total) and no tax; a flight itinerary prints 票价, 燃油附加费, 增值税税率 and 税额 (the
record's tax), 民航发展基金, 其他税费 and 合计 (the total), with its issuer (填开单位, the record's
seller). Neither prints an amount before tax: `amount` stays null. The rest goes to `travel`.
"""

from __future__ import annotations

import re

from capture.contract.draft import Draft, empty_invoice
from capture.contract.tokens import Token
from capture.contract.values import amount, date, rate
from capture.extract.lines import Found, Line, find_first, spaced, value_after

#: The fields the header rules read that a travel e-invoice keeps.
HEADER_FIELDS = ("kind", "number", "date")
LABEL_END = r"\s*[:：]\s*"
BUYER_NAME = re.compile(spaced("购买方名称") + LABEL_END)
BUYER_ID = re.compile(spaced("统一社会信用代码") + r"(?:\s*/\s*纳税人识别号)?" + LABEL_END)
STOP = re.compile(spaced("统一社会信用代码") + "|" + spaced("购买方名称"))
# railway
STATIONS = re.compile(r"^(\S+?)\s*站\s+([GDCZTKSYL]?\d{1,5})\s+(\S+?)\s*站$")
DEPARTS = re.compile(r"(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*(\d{1,2}:\d{2})\s*开")
SEAT = re.compile(r"\d{1,2}\s*车\s*\d{1,3}\s*[A-F]?\s*号|无座")
SEAT_CLASS = re.compile(r"商务座|特等座|一等座|二等座|一等卧|二等卧|动卧|高级软卧|软卧|硬卧|软座|硬座|无座")
FARE = re.compile(spaced("票价") + r"\s*[:：]?\s*[¥￥]?\s*(\d[\d,]*\.\d{2})")
PASSENGER_ID = re.compile(r"(?<![\dA-Z])(\d{6,10}\*{2,8}\d{2,4}[\dX]?)(?![\dA-Z])")
RAIL_TICKET = re.compile(spaced("电子客票号") + r"\s*[:：]?\s*")
# air
PASSENGER = re.compile(spaced("旅客姓名") + LABEL_END)
AIR_ID = re.compile(spaced("有效身份证件号码") + LABEL_END)
AIR_TICKET = re.compile(spaced("电子客票号码") + LABEL_END)
ISSUER = re.compile(spaced("填开单位") + LABEL_END)
LEG_HEADERS = {
    "承运人": "carrier", "航班号": "service", "座位等级": "seat_class", "日期": "date", "时间": "time",
    "客票级别/客票类别": "fare_basis", "客票生效日期": "valid_from", "有效截止日期": "valid_until", "免费行李": "baggage",
}
LEG_FIELDS = ("carrier", "service", "seat_class", "date", "time")
FARE_HEADERS = {
    "票价": "fare", "燃油附加费": "fuel_surcharge", "增值税税率": "tax_rate", "增值税税额": "tax",
    "民航发展基金": "development_fund", "其他税费": "other_taxes", "合计": "total",
}
PLACE_EDGE = 130.0  # pt: the 自/至 column's places lie left of this


def read_travel(lines: list[Line], draft: Draft) -> None:
    """Read a travel e-invoice's own layout into the draft, in place of the VAT layout's rules."""
    invoice = draft.invoice
    kept = {name: invoice[name] for name in HEADER_FIELDS}
    invoice.clear()
    invoice.update(empty_invoice(), **kept)
    for name in list(draft.confidence):
        if name not in HEADER_FIELDS:
            draft.confidence.pop(name)
            draft.sources.pop(name, None)
    invoice["travel"] = {"trips": []}
    _labelled(lines, draft, BUYER_NAME, "buyer.name")
    _labelled(lines, draft, BUYER_ID, "buyer.tax_id")
    if invoice["kind"] == "digital_railway":
        _read_railway(lines, draft)
    else:
        _read_air(lines, draft)


def _labelled(lines: list[Line], draft: Draft, label: re.Pattern[str], name: str) -> str | None:
    found = find_first(lines, label)
    if found is None:
        return None
    value, tokens = value_after(found, STOP)
    draft.put(name, value.replace(" ", "") or None, tokens)
    return value or None


def _read_railway(lines: list[Line], draft: Draft) -> None:
    travel = draft.invoice["travel"]
    trip: dict = {}
    for line in lines:
        compact = re.sub(r"[ \t]+", " ", line.text).strip()
        stations = STATIONS.match(compact)
        if stations and not trip.get("service"):
            trip.update(departure=stations.group(1), service=stations.group(2), arrival=stations.group(3))
        departs = DEPARTS.search(line.text)
        if departs and not trip.get("date"):
            trip.update(date=date(re.sub(r"\s+", "", departs.group(1))), time=departs.group(2).zfill(5))
            seat, seat_class = SEAT.search(line.text, departs.end()), SEAT_CLASS.search(line.text, departs.end())
            trip["seat"] = re.sub(r"\s+", "", seat.group()) if seat and seat.group() != "无座" else None
            trip["seat_class"] = seat_class.group() if seat_class else None
        fare = FARE.search(line.text)
        if fare and travel.get("fare") is None:
            travel["fare"] = amount(fare.group(1))
            draft.put("total", travel["fare"], Found(line, fare).group_tokens(1))
        person = PASSENGER_ID.search(line.text)
        if person and travel.get("passenger_id") is None and not BUYER_ID.search(line.text):
            travel["passenger_id"] = person.group(1)
            travel["passenger"] = line.text[person.end():].strip() or None
        ticket = RAIL_TICKET.search(line.text)
        if ticket and travel.get("ticket_number") is None:
            travel["ticket_number"] = value_after(Found(line, ticket))[0] or None
    if trip:
        travel["trips"].append(trip)


def _read_air(lines: list[Line], draft: Draft) -> None:
    travel = draft.invoice["travel"]
    for label, key in ((PASSENGER, "passenger"), (AIR_ID, "passenger_id"), (AIR_TICKET, "ticket_number")):
        found = find_first(lines, label)
        if found:
            travel[key] = value_after(found)[0].replace(" ", "") or None
    issuer = find_first(lines, ISSUER)
    if issuer:
        value, tokens = value_after(issuer)
        draft.put("seller.name", value.replace(" ", "") or None, tokens)
    travel["trips"] = _legs(lines)
    fares = _table_row(lines, FARE_HEADERS, "燃油附加费")
    for key in ("fare", "fuel_surcharge", "development_fund", "other_taxes"):
        travel[key] = amount(fares[key][0]) if key in fares else None
    travel["tax_rate"] = rate(fares["tax_rate"][0]) if "tax_rate" in fares else None
    for key in ("tax", "total"):
        if key in fares:
            draft.put(key, amount(fares[key][0]), fares[key][1])


def _header_line(lines: list[Line], word: str) -> int | None:
    return next((i for i, line in enumerate(lines) if word in line.text.replace(" ", "")), None)


def _centres(line: Line, headers: dict[str, str]) -> dict[str, float]:
    """Where each header word of a table's header line is centred."""
    centres = {}
    for token in line.tokens:
        word = token.text.replace(" ", "")
        if word in headers:
            centres[headers[word]] = (token.x0 + token.x1) / 2
    return centres


def _assign(tokens: list[Token], centres: dict[str, float]) -> dict[str, tuple[str, list[Token]]]:
    """Each token to the header nearest its centre: column -> (text, tokens)."""
    cells: dict[str, tuple[str, list[Token]]] = {}
    for token in tokens:
        middle = (token.x0 + token.x1) / 2
        column = min(centres, key=lambda name: abs(centres[name] - middle))
        text, held = cells.get(column, ("", []))
        cells[column] = (text + token.text.replace(" ", ""), [*held, token])
    return cells


def _table_row(lines: list[Line], headers: dict[str, str], marker: str) -> dict[str, tuple[str, list[Token]]]:
    """The row of values under a header line (the one that holds `marker`)."""
    index = _header_line(lines, marker)
    if index is None or index + 1 >= len(lines):
        return {}
    centres = _centres(lines[index], headers)
    return _assign(lines[index + 1].tokens, centres) if centres else {}


def _legs(lines: list[Line]) -> list[dict]:
    """自 A (leg 1) / 至 B (leg 2) / 至 C: the legs table below its header line."""
    index = _header_line(lines, "航班号")
    if index is None:
        return []
    centres = _centres(lines[index], LEG_HEADERS)
    rows: list[tuple[str, dict[str, tuple[str, list[Token]]]]] = []
    for line in lines[index + 1 :]:
        text = line.text.strip()
        if not text or text[0] not in "自至":
            break
        place = "".join(t.text for t in line.tokens if (t.x0 + t.x1) / 2 < PLACE_EDGE)
        cells = _assign([t for t in line.tokens if (t.x0 + t.x1) / 2 >= PLACE_EDGE], centres) if centres else {}
        rows.append((re.sub(r"^[自至]\s*", "", place.strip()).replace(" ", ""), cells))
    legs = []
    for (departure, cells), (arrival, _) in zip(rows, rows[1:], strict=False):
        if "service" not in cells:
            break
        value = {key: cells[key][0] if key in cells else None for key in LEG_FIELDS}
        legs.append(
            {**value, "departure": departure or None, "arrival": arrival or None, "date": date(value["date"]) if value["date"] else None}
        )
    return legs
