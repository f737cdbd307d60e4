"""Item rows whose fast readings prove each other: 金额 × 税率 = 税额 on one row proves the rate
and the tax; the amounts stand only when the rows' amounts add up to a proven 合计金额."""

from capture.contract.qr import make_qr_payload, parse_qr
from capture.read.ocr.rows import plain_money, rate, row_settled
from capture.read.ocr.settle import ProvenValues


def _box(x: float, y: float, width: float = 80, height: float = 24) -> tuple[tuple[float, float], ...]:
    return ((x, y), (x + width, y), (x + width, y + height), (x, y + height))


def _page(rows: list[list[str]]) -> tuple[list[tuple[str, float]], list[tuple[tuple[float, float], ...]]]:
    """Readings and boxes of a goods table: each row's cells left to right, rows 40 px apart."""
    readings, polygons = [], []
    for number, cells in enumerate(rows):
        for column, text in enumerate(cells):
            readings.append((text, 0.98))
            polygons.append(_box(100 + 150 * column, 300 + 40 * number + column % 2))  # not quite level
    return readings, polygons


def _qr_net(amount: str) -> ProvenValues:
    return ProvenValues.of([parse_qr(make_qr_payload("10", "032002300211", "73037267", amount, "20230116", "88821254591766094936"))])


def test_rates_and_row_figures_are_read_strictly():
    assert rate("13%") is not None and rate("１３％") is not None
    assert rate("12%") is None and rate("13") is None and rate("免税") is None
    assert plain_money("1890.00") is not None
    assert plain_money("¥1890.00") is None and plain_money("1890.0") is None and plain_money("2") is None


def test_a_row_that_multiplies_out_proves_its_rate_and_tax_and_the_sum_proves_the_amounts():
    readings, polygons = _page([["*谷物*大米", "10", "5.60", "56.00", "13%", "7.28"], ["*乳制品*牛奶", "2", "64.00", "128.00", "9%", "11.52"]])
    settled = row_settled(readings, polygons, _qr_net("184.00"))
    assert settled == {1, 2, 3, 4, 5, 7, 8, 9, 10, 11}  # never the names; 数量 × 单价 = 金额 too
    # without a proven 合计金额 an amount may hide a wrong cent in the rounding: it stands only
    # where its 数量 × 单价 gives it too (2 × 64.00); 10 × 5.60 prints the amount's digits again
    # in the 单价 (one misread glyph made twice would still multiply out): read again
    assert row_settled(readings, polygons, ProvenValues()) == {4, 5, 7, 8, 9, 10, 11}
    assert row_settled(readings, polygons, _qr_net("184.01")) == {4, 5, 7, 8, 9, 10, 11}


def test_an_amount_its_factors_give_stands_without_the_sum_but_not_a_misread_one():
    # a page of a 清单 prints no totals: each row proves its own amount by both products
    readings, polygons = _page([["*餐饮服务*餐饮服务", "12", "4433.96226415094", "53207.55", "6%", "3192.45"]])
    assert row_settled(readings, polygons, ProvenValues()) == {1, 3, 4, 5}  # a 13th decimal moves no cent: read again
    readings[3] = ("53207.56", 0.98)  # a cent the tax cannot see (53207.56 × 6% = 3192.45 too)
    assert row_settled(readings, polygons, ProvenValues()) == {4, 5}
    readings, polygons = _page([["*公共安全设备*DZ-02通用底座", "-62.40", "13%", "-8.11"]])  # a discount row
    assert row_settled(readings, polygons, ProvenValues()) == {2, 3}
    readings, polygons = _page([["*餐饮服务*餐费", "1", "31.76", "31.76", "6%", "1.91"]])  # 31.78 printed, misread twice
    assert row_settled(readings, polygons, ProvenValues()) == {4, 5}


def test_a_long_unit_price_is_read_again_and_its_quantity_stands():
    readings, polygons = _page([["*汽油*92号车用汽油", "升", "98.04", "7.2991452991453", "715.61", "17%", "121.65"]])
    assert row_settled(readings, polygons, _qr_net("715.61")) == {2, 4, 5, 6}
    readings[2] = ("98.05", 0.98)  # a wrong quantity does not multiply out
    assert row_settled(readings, polygons, _qr_net("715.61")) == {4, 5, 6}
    # a standing amount from elsewhere (the QR) is enough for its factors
    readings, polygons = _page([["台", "1", "7500", "7500.00", "***", "***"]])
    assert row_settled(readings, polygons, ProvenValues(), frozenset({3})) == {1, 2}


def test_a_row_that_does_not_multiply_out_proves_nothing():
    readings, polygons = _page([["*谷物*大米", "56.00", "13%", "7.29"], ["*乳制品*牛奶", "128.00", "9%", "11.52"]])
    assert row_settled(readings, polygons, _qr_net("184.00")) == {6, 7}  # the second row alone, and no amount: 128.00 is not 184.00
    unsure, polygons = _page([["56.00", "13%", "7.28"]])
    unsure[1] = ("13%", 0.8)  # its confidence would go into the record's items: read it again
    assert row_settled(unsure, polygons, _qr_net("56.00")) == set()
    swapped, polygons = _page([["13%", "56.00", "7.28"]])  # a rate left of its amount is no row of the table
    assert row_settled(swapped, polygons, _qr_net("56.00")) == set()


def test_an_amount_and_rate_read_as_one_box_stand_with_the_tax_and_the_sum():
    # 300 dpi scans: the detector often joins 金额 and 税率 (727.91 1%), or the fast read glues
    # them (31.551%): the tax proves the rate, the proven sum the amount in the same box
    from capture.read.ocr.rows import amount_and_rate

    assert amount_and_rate("727.91 1%") == (plain_money("727.91"), rate("1%"))
    assert amount_and_rate("31.551%") == (plain_money("31.55"), rate("1%"))
    assert amount_and_rate("31.5512%") is None and amount_and_rate("727.91") is None
    readings, polygons = _page([["*谷物*大米", "10", "5.60", "56.00 13%", "7.28"], ["*乳制品*牛奶", "2", "64.00", "128.009%", "11.52"]])
    assert row_settled(readings, polygons, _qr_net("184.00")) == {1, 2, 3, 4, 6, 7, 8, 9}
    # without the sum, the taxes stand, and the box whose 数量 × 单价 gives its amount (2 × 64.00)
    assert row_settled(readings, polygons, ProvenValues()) == {4, 6, 7, 8, 9}


def test_a_row_that_charges_no_tax_adds_its_amount_to_the_sum():
    # 免税 (or 不征税, 0%) proves nothing by a product, but the amounts' proven sum covers it
    readings, polygons = _page([["*谷物*大米", "10", "5.60", "56.00", "13%", "7.28"], ["*图书*会计实务", "2", "64.00", "128.00", "免税", "***"]])
    assert row_settled(readings, polygons, _qr_net("184.00")) >= {3, 4, 5, 7, 8, 9}
    assert 9 not in row_settled(readings, polygons, _qr_net("184.01"))
    glued, polygons = _page([["*谷物*大米", "56.00", "13%", "7.28"], ["*图书*会计实务", "128.00免税", "***"]])
    assert row_settled(glued, polygons, _qr_net("184.00")) == {1, 2, 3, 5}
