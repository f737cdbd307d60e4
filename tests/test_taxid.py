"""GB 32100-2015 check digits on real tax IDs, and what a single misread does."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capture.contract.taxid import USCC_ALPHABET, is_legacy_tax_id, is_valid_uscc, uscc_check_char

REAL_IDS = [
    "91522701709696623X", "92522726MA7GNHJ07M", "91320200796148368W", "91320211739560225X",
    "91440300708436854B", "92440300L08175019R", "91410100MA44HUD80N", "92320213MACRYAKN16",
]


@pytest.mark.parametrize("tax_id", REAL_IDS)
def test_real_ids_pass(tax_id):
    assert is_valid_uscc(tax_id)


@given(st.sampled_from(REAL_IDS), st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_one_substitution_is_caught(tax_id, position, char):
    corrupted = tax_id[:position] + char + tax_id[position + 1:]
    if corrupted != tax_id:
        assert not is_valid_uscc(corrupted)


def test_letters_outside_the_alphabet_fail():
    assert not is_valid_uscc("91320200796148368I")
    assert not is_valid_uscc("9132020079614836")


def test_check_char_and_legacy_ids():
    assert uscc_check_char("91320200796148368") == "W"
    assert is_legacy_tax_id("440301708436854")  # region code + organisation code 70843685-4
    assert is_legacy_tax_id("11010519491231002X12")  # identity card number + 2
    assert is_legacy_tax_id("11010549123100212")  # 15-digit identity card number + 2
    assert not is_legacy_tax_id("440301708436855")  # organisation code check fails
    assert not is_legacy_tax_id("91320200796148368")  # a unified code with its check digit lost
    assert not is_legacy_tax_id("4403017084368")
