"""QR payloads: parsing, CRC-16 of real invoices, and the generator's payloads."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capture.contract.qr import make_qr_payload, parse_qr

REAL_PAYLOADS = [
    "01,20,052002100113,00008006,24519.05,20220505,18001801513030862041,88CD,",
    "01,31,,24322000000489101796,20000.00,20241205,,BBBB",
    "01,04,044031800104,41108527,96.72,20190319,55617567333517793345,5C54,",
    "01,10,041001900111,32321709,91.59,20190919,66881990002947147011,89B0,",
    "01,31,,25322000000337005189,8819.60,20250722,,BB34",
    "01,32,,24312000000136634917,0.01,20240514,,1DD6",
]


@pytest.mark.parametrize("raw", REAL_PAYLOADS)
def test_real_crc_verifies(raw):
    assert parse_qr(raw).crc_ok() is True


def test_parse_fields_and_amount_meaning():
    legacy = parse_qr(REAL_PAYLOADS[3])
    assert (legacy.code, legacy.number, legacy.date) == ("041001900111", "32321709", "2019-09-19")
    assert legacy.amount == Decimal("91.59") and not legacy.amount_is_total
    assert legacy.kind == "vat_electronic_normal"
    digital = parse_qr(REAL_PAYLOADS[4])
    assert digital.code is None and digital.check_code is None
    assert digital.amount_is_total and digital.kind == "digital_special"


def test_missing_crc_and_blank_fields():
    payload = parse_qr("01,32, ,24312000000136634917,0.01,20240514, ")
    assert payload.code is None and payload.check_code is None and payload.crc_ok() is None


def test_corrupted_payload_fails_crc():
    assert parse_qr(REAL_PAYLOADS[3].replace("91.59", "91.58")).crc_ok() is False


@pytest.mark.parametrize("text", ["hello", "http://example.com/a,b,c", "01,32,,1,2,2024,,X"])
def test_non_invoice_text_is_not_parsed(text):
    assert parse_qr(text) is None


@given(
    st.sampled_from(["01", "04", "10", "20", "31", "32"]),
    st.from_regex(r"[0-9]{8}|[0-9]{20}", fullmatch=True),
    st.integers(min_value=1, max_value=10**10).map(lambda c: str(Decimal(c) / 100)),
)
def test_generated_payload_round_trip(kind, number, amount):
    raw = make_qr_payload(kind, "044031800104" if kind < "31" else None, number, amount, "2024-05-14", None)
    payload = parse_qr(raw)
    assert payload.number == number and payload.crc_ok() is True


def test_a_small_pages_tiny_qr_decodes_four_times_upscaled_and_gives_quarter_turns_alone():
    # a chat-app photo's small sheet: modules 1.75 px wide and blurred, the sheet turned 2°;
    # doubled it does not decode, four times it does, and its edge is too coarse for the 2°
    import cv2
    import numpy as np
    import qrcode

    from capture.read.qr import find_qr

    raw = REAL_PAYLOADS[3]
    symbol = np.array(qrcode.make(raw, box_size=10, border=0).convert("L"))
    side = round(symbol.shape[0] / 10 * 1.75)
    page = np.full((500, 700), 255, np.uint8)
    page[40 : 40 + side, 40 : 40 + side] = cv2.resize(symbol, (side, side), interpolation=cv2.INTER_AREA)
    page = cv2.warpAffine(page, cv2.getRotationMatrix2D((350, 250), 2, 1.0), (700, 500), borderValue=255)
    page = cv2.cvtColor(cv2.GaussianBlur(page, (0, 0), 0.75), cv2.COLOR_GRAY2BGR)
    found = find_qr(page)
    assert [p.raw for p in found.payloads] == [raw]
    assert found.coarse and found.angle() == 0.0  # the table's rules level the 2°


def test_a_large_page_without_a_qr_is_searched_at_its_own_size(monkeypatch):
    # an A4 清单 at 300 dpi (2492 x 3515) has no QR: its corners are tried at their own size and
    # OpenCV sees it shrunk (enlarged twice, the search cost 1.1 s of CPU); a large page's QR
    # still decodes from its corners when the whole page does not give it (a seal over it)
    import cv2
    import numpy as np
    import qrcode

    from capture.read import qr

    seen: list[tuple[int, int]] = []
    zxing = qr._zxing
    monkeypatch.setattr(qr, "_zxing", lambda image: seen.append(image.shape[:2]) or zxing(image))
    page = np.full((3515, 2492, 3), 255, np.uint8)
    cv2.putText(page, "LIST", (400, 600), cv2.FONT_HERSHEY_SIMPLEX, 8, (0, 0, 0), 12)
    assert qr.find_qr(page).payloads == []
    assert len(seen) > 1 and all(h <= 3515 / 2 + 1 and w <= 0.4 * 2492 + 1 for h, w in seen[1:])  # corners, never enlarged
    raw = REAL_PAYLOADS[3]
    symbol = cv2.cvtColor(np.array(qrcode.make(raw, box_size=8, border=0).convert("L")), cv2.COLOR_GRAY2BGR)
    page[100 : 100 + symbol.shape[0], 100 : 100 + symbol.shape[1]] = symbol
    assert [p.raw for p in qr.find_qr(page).payloads] == [raw]
