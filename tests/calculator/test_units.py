from decimal import Decimal
from pathlib import Path

import pytest

from calculator.units import (
    BY_SYMBOL,
    KIND_BASE,
    LIMITS,
    UNITS,
    Kind,
    Quantity,
    UnitError,
    conversion_factor,
    convert,
    lookup_unit,
    ureg,
    within_limits,
)

MASS = (Kind.MASS,)
CONCENTRATIONS = (Kind.MOLAR_CONCENTRATION, Kind.MASS_CONCENTRATION)
CALCULATOR = Path(__file__).resolve().parents[2] / "calculator"
# More digits than Decimal's 28, so any difference in where a conversion rounds would show.
LONG = Decimal("1.234567890123456789012345678901234")


def test_the_registry_is_built_once_and_uses_decimals():
    builders = sorted(path.name for path in CALCULATOR.glob("*.py") if "UnitRegistry(" in path.read_text())
    assert builders == ["units.py"]
    assert isinstance(Quantity(Decimal("1.5"), "mg").to("g").magnitude, Decimal)


@pytest.mark.parametrize("spelling", ["µg", "μg", "ug", "mcg"])
def test_every_microgram_spelling_is_micrograms(spelling):
    assert lookup_unit(spelling, kinds=MASS).symbol == "µg"


@pytest.mark.parametrize("spelling", ["µL", "μL", "uL", "ul", "µl"])
def test_every_microlitre_spelling_is_microlitres(spelling):
    assert lookup_unit(spelling, kinds=(Kind.VOLUME,)).symbol == "µL"


def test_millimolar_and_millimetre_are_not_confused():
    with pytest.raises(UnitError, match="case-sensitive; did you mean mM"):
        lookup_unit("mm", kinds=CONCENTRATIONS)


def test_megamolar_is_refused_with_a_case_hint():
    with pytest.raises(UnitError, match="did you mean mM"):
        lookup_unit("MM", kinds=CONCENTRATIONS)


def test_a_mass_unit_in_a_concentration_field_says_what_it_is():
    with pytest.raises(UnitError, match="“mg” is a mass unit; use a molar unit"):
        lookup_unit("mg", kinds=CONCENTRATIONS)


def test_an_unknown_unit_lists_the_accepted_ones():
    with pytest.raises(UnitError, match=r"Unknown unit “furlong”. Use a volume unit \(nL, µL, mL, L\)"):
        lookup_unit("furlong", kinds=(Kind.VOLUME,))


def test_a_bare_percent_is_refused_as_ambiguous():
    with pytest.raises(UnitError, match="ambiguous"):
        lookup_unit("%", kinds=CONCENTRATIONS)


def test_percent_w_v_is_ten_mg_per_ml():
    spec = lookup_unit("% w/v", kinds=CONCENTRATIONS)
    assert convert(Decimal(1), spec.pint_unit, "mg/mL") == Decimal(10)


@pytest.mark.parametrize(
    ("symbol", "grams"),
    [("pg", "1e-12"), ("ng", "1e-9"), ("µg", "1e-6"), ("mg", "1e-3"), ("g", "1"), ("kg", "1e3")],
)
def test_mass_units_from_pg_to_kg(symbol, grams):
    assert convert(Decimal(1), BY_SYMBOL[symbol].pint_unit, "gram") == Decimal(grams)


@pytest.mark.parametrize(("symbol", "molar"), [("pM", "1e-12"), ("nM", "1e-9"), ("µM", "1e-6"), ("mM", "1e-3")])
def test_molar_units_from_pm_to_m(symbol, molar):
    assert convert(Decimal(1), BY_SYMBOL[symbol].pint_unit, "molar") == Decimal(molar)


def test_limits_accept_one_nanolitre_and_refuse_less():
    assert within_limits(Decimal(1), BY_SYMBOL["nL"])
    assert not within_limits(Decimal("0.5"), BY_SYMBOL["nL"])


def test_limits_allow_up_to_a_hundred_kilograms():
    assert (within_limits(Decimal(100), BY_SYMBOL["kg"]), within_limits(Decimal("100.001"), BY_SYMBOL["kg"])) == (
        True,
        False,
    )


def test_limits_allow_up_to_a_thousand_litres():
    assert (within_limits(Decimal(1000), BY_SYMBOL["L"]), within_limits(Decimal("1000.001"), BY_SYMBOL["L"])) == (
        True,
        False,
    )


def test_limits_refuse_more_than_twenty_molar():
    assert within_limits(Decimal(20), BY_SYMBOL["M"])
    assert not within_limits(Decimal(21), BY_SYMBOL["M"])


@pytest.mark.parametrize("symbol", [spec.symbol for spec in UNITS])
@pytest.mark.parametrize(
    "value",
    ["0.0009", "0.001", "1", "1e9", "1e11", "2e13", "2.0001e13", "1e15", "1e12", "1.0001e12", "1e17", "1.0001e17"],
)
def test_limits_agree_with_pint(symbol, value):
    spec = BY_SYMBOL[symbol]
    low, high, limit_symbol = LIMITS[spec.kind]
    in_limit_unit = Quantity(Decimal(value), spec.pint_unit).to(BY_SYMBOL[limit_symbol].pint_unit).magnitude
    assert within_limits(Decimal(value), spec) is (low <= in_limit_unit <= high)


@pytest.mark.parametrize("symbol", [spec.symbol for spec in UNITS])
def test_convert_equals_pint(symbol):
    spec = BY_SYMBOL[symbol]
    base = KIND_BASE[spec.kind].pint_unit
    assert convert(LONG, spec.pint_unit, base) == Quantity(LONG, spec.pint_unit).to(base).magnitude


@pytest.mark.parametrize("symbol", [spec.symbol for spec in UNITS])
def test_every_conversion_factor_is_an_exact_power_of_ten(symbol):
    # So a conversion never rounds a number of 28 digits or fewer, whatever order factors multiply in.
    spec = BY_SYMBOL[symbol]
    factor = conversion_factor(spec.pint_unit, f"kilo{KIND_BASE[spec.kind].pint_unit}")
    assert factor.as_tuple().digits == (1,)


def test_a_unit_to_itself_leaves_every_digit_as_pint_does():
    assert convert(LONG, "millimolar", "mM") == Quantity(LONG, "millimolar").to("mM").magnitude == LONG


def test_molar_is_defined_in_the_registry():
    assert str(ureg.Unit("mM")) == "millimolar"
