"""大写 amounts: real printed forms, and a round trip over the whole range."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capture.contract.money import amount_to_words, parse_decimal, parse_money, words_to_amount


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("壹佰零叁圆伍角", "103.50"),  # iocr sample: no 整 after 角
        ("捌仟捌佰壹拾玖圆陆角整", "8819.60"),
        ("贰万圆整", "20000.00"),
        ("贰万伍仟贰佰伍拾肆圆陆角贰分", "25254.62"),
        ("壹佰壹拾贰圆贰角整", "112.20"),
        ("捌拾圆伍角", "80.50"),
        ("捌拾圆零伍角整", "80.50"),
        ("捌拾元零伍分", "80.05"),
        ("⊗壹仟圆正", "1000.00"),
        ("ⓧ 壹拾万圆整", "100000.00"),
        ("负壹佰壹拾叁圆整", "-113.00"),
        ("（负数）壹拾圆整", "-10.00"),
        ("壹亿零壹万零壹圆壹角整", "100010001.10"),
        ("伍角整", "0.50"),
    ],
)
def test_printed_words_parse(words, value):
    assert words_to_amount(words) == Decimal(value)


@pytest.mark.parametrize("words", ["壹佰零叁", "壹贰圆整", "圆整", "壹佰圆伍分角", "壹佰美元"])
def test_bad_words_are_rejected(words):
    with pytest.raises(ValueError):
        words_to_amount(words)


def test_spelling_matches_invoices():
    assert amount_to_words(Decimal("8819.60")) == "捌仟捌佰壹拾玖圆陆角整"
    assert amount_to_words(Decimal("25254.62")) == "贰万伍仟贰佰伍拾肆圆陆角贰分"
    assert amount_to_words(Decimal("80.05")) == "捌拾圆零伍分"
    assert amount_to_words(Decimal("100010001.10")) == "壹亿零壹万零壹圆壹角整"
    assert amount_to_words(Decimal("-12.30")) == "负壹拾贰圆叁角整"


cents = st.integers(min_value=1, max_value=10**14).map(lambda c: Decimal(c) / 100)


@given(cents, st.booleans())
def test_words_round_trip(value, negative):
    value = -value if negative else value
    assert words_to_amount(amount_to_words(value)) == value


def test_printed_numbers():
    assert parse_money("¥1,060.00") == Decimal("1060.00")
    assert parse_money("１０６０．００") == Decimal("1060.00")
    assert parse_money("-14.16") == Decimal("-14.16")
    assert parse_money("33.3495") is None
    assert parse_decimal("33.3495145631068") == Decimal("33.3495145631068")
    assert parse_decimal("abc") is None
