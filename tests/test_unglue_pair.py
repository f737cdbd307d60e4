"""数量 and 单价 read as one number are cut only where the arithmetic proves the cut."""

from decimal import Decimal

from capture.extract.items import unglue_quantity_price


def test_a_glued_pair_is_cut_where_quantity_times_price_gives_the_amount():
    assert unglue_quantity_price("31818.83", Decimal("5456.49")) == ("3", "1818.83")


def test_a_lone_price_equal_to_the_amount_is_no_pair():
    """A screenshot lost the 数量 1 under a watermark; 8539.01 cut as 8539.0 × 1 is one cent off the
    金额, within the rounding a real pair may need, and went out ready with 数量 8539.0."""
    assert unglue_quantity_price("8539.01", Decimal("8539.01")) is None
