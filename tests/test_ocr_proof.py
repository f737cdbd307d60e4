"""Weak figures are read fully first, and their full readings prove the rest of their row and the
totals, which then keep their fast readings; names never stand on arithmetic."""

from capture.read.ocr.proof import unproven, weak_figures
from capture.read.ocr.settle import ProvenValues


def _box(x: float, y: float, width: float = 80, height: float = 24) -> tuple[tuple[float, float], ...]:
    return ((x, y), (x + width, y), (x + width, y + height), (x, y + height))


#: A 数电 page as the fast recogniser read it (seed 2026120801, scan300 0001): the tax 1.40 read
#: at 0.886 and the ¥139.70 total at 0.897, both right but below the arithmetic's confidence.
PAGE = [
    ("*办公用品*晨光(M&G)", 0.985, _box(40, 432, 320)),
    ("10", 1.0, _box(748, 433, 30)),
    ("13.97", 1.0, _box(906, 433)),
    ("139.70", 1.0, _box(1084, 433)),
    ("1%", 0.995, _box(1241, 433, 40)),
    ("1.40", 0.886, _box(1504, 433)),
    ("¥139.70", 0.897, _box(1065, 698)),
    ("¥1.40", 0.955, _box(1490, 698)),
    ("壹佰肆拾壹圆壹角整", 0.988, _box(474, 748, 300)),
    ("(小写）¥141.10", 0.932, _box(1089, 747, 200)),
]


def _page() -> tuple[list[tuple[str, float]], list]:
    return [(text, score) for text, score, _ in PAGE], [box for *_, box in PAGE]


def test_the_weak_figures_are_read_first_and_then_prove_their_row_and_the_totals():
    readings, polygons = _page()
    waiting = unproven(readings, polygons, ProvenValues())
    assert waiting == [0, 1, 2, 3, 4, 5, 6, 7]  # nothing on the row or the totals stands yet
    first = weak_figures(readings, [1.0] * len(readings), waiting)
    assert first == [5, 6]
    readings[5], readings[6] = ("1.40", 0.999), ("¥139.70", 0.995)  # as the full model reads them
    # 大写 = 小写 proves 141.10; 139.70 + 1.40 = 141.10; 139.70 x 1% = 1.40; 10 x 13.97 = 139.70
    assert unproven(readings, polygons, ProvenValues(), frozenset(first)) == [0]  # only the name


def test_a_full_reading_that_breaks_the_arithmetic_proves_only_what_still_adds_up():
    readings, polygons = _page()
    readings[5], readings[6] = ("1.46", 0.99), ("¥139.70", 0.995)  # the row's tax read otherwise
    # the totals still prove 139.70 (and so 10 x 13.97) and ¥1.40; 139.70 x 1% is no 1.46: the rate waits
    assert unproven(readings, polygons, ProvenValues(), frozenset({5, 6})) == [0, 4]
    readings[9] = ("(小写）¥141.16", 0.99)  # and with the totals disagreeing nothing stands
    assert unproven(readings, polygons, ProvenValues(), frozenset({5, 6})) == [0, 1, 2, 3, 4, 7, 8, 9]


def test_only_figures_below_the_arithmetics_confidence_or_with_a_guess_are_read_first():
    readings = [("*谷物*大米", 0.5), ("1.4O", 0.7), ("56.00", 0.95), ("13%", 0.6), ("壹佰圆整", 0.8), ("¥100.00", 0.85), ("1202.78", 0.97)]
    sure = [1.0] * 6 + [0.99]
    assert weak_figures(readings, sure, list(range(7))) == [3, 4, 5]  # not a name, not 1.4O, not a sure figure
    sure[6] = 0.62  # one digit a guess: the arithmetic may not see it (a 单价 times a small 数量)
    assert weak_figures(readings, sure, list(range(7))) == [3, 4, 5, 6]
