from decimal import Decimal

import pytest

from calculator.display import (
    auto_scale,
    format_exact,
    format_plain,
    format_quantity,
    format_significant,
    round_significant,
)
from calculator.units import BY_SYMBOL


def test_round_half_even_rounds_a_tie_to_the_even_digit():
    assert round_significant(Decimal("2.4625")) == Decimal("2.462")
    assert round_significant(Decimal("2.4635")) == Decimal("2.464")


def test_four_significant_figures_keep_trailing_zeros():
    assert format_significant(Decimal(400)) == "400.0"
    assert format_significant(Decimal("20.2963")) == "20.30"


def test_huge_numbers_use_powers_of_ten():
    assert format_significant(Decimal("1.5e9")) == "1.500 × 10⁹"


def test_tiny_numbers_use_powers_of_ten():
    assert format_significant(Decimal("0.00012345")) == "1.234 × 10⁻⁴"


def test_exact_echo_drops_padding():
    assert format_exact(Decimal("1.500")) == "1.5"
    assert format_exact(Decimal("1E+3")) == "1000"


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("0.0006159", "g", "0.6159 mg"),  # the example
        ("0.00009", "g", "90.00 µg"),
        ("1500", "mg", "1.500 g"),
        ("0.4", "mL", "400.0 µL"),
        ("2500", "µL", "2.500 mL"),
        ("0.00002", "M", "20.00 µM"),
        ("0.005", "mg/mL", "5.000 µg/mL"),
        ("2", "% w/v", "20.00 mg/mL"),
    ],
)
def test_auto_scale_picks_a_readable_unit(value, unit, expected):
    assert format_quantity(*auto_scale(Decimal(value), BY_SYMBOL[unit])) == expected


def test_auto_scale_tests_the_rounded_value_so_999_97_ul_is_1_ml():
    assert format_quantity(*auto_scale(Decimal("999.97"), BY_SYMBOL["µL"])) == "1.000 mL"


def test_auto_scale_returns_the_unrounded_value():
    value, unit = auto_scale(Decimal("2.4635"), BY_SYMBOL["mg"])
    assert (value, unit.symbol) == (Decimal("2.4635"), "mg")


@pytest.mark.parametrize(
    ("value", "expected"), [("246.3500", "246.35"), ("1E+6", "1000000"), ("0.00010", "0.0001"), ("100", "100")]
)
def test_format_plain_drops_padding_and_never_uses_an_exponent(value, expected):
    assert format_plain(Decimal(value)) == expected


def test_rounding_up_into_the_next_decade_keeps_four_figures():
    assert format_significant(Decimal("9.99996")) == "10.00"
