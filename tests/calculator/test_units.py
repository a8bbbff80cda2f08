from decimal import Decimal

import pytest

from calculator.units import BY_SYMBOL, Kind, Quantity, UnitError, lookup_unit, magnitude_in, ureg, within_limits

MASS = (Kind.MASS,)
CONCENTRATIONS = (Kind.MOLAR_CONCENTRATION, Kind.MASS_CONCENTRATION)


def test_the_registry_is_one_object_and_uses_decimals():
    from calculator import calculations, units

    assert calculations.ureg is units.ureg
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
    assert magnitude_in(Quantity(Decimal(1), spec.pint_unit), BY_SYMBOL["mg/mL"]) == Decimal(10)


@pytest.mark.parametrize(
    ("symbol", "grams"),
    [("pg", "1e-12"), ("ng", "1e-9"), ("µg", "1e-6"), ("mg", "1e-3"), ("g", "1"), ("kg", "1e3")],
)
def test_mass_units_from_pg_to_kg(symbol, grams):
    assert magnitude_in(Quantity(Decimal(1), BY_SYMBOL[symbol].pint_unit), BY_SYMBOL["g"]) == Decimal(grams)


@pytest.mark.parametrize(("symbol", "molar"), [("pM", "1e-12"), ("nM", "1e-9"), ("µM", "1e-6"), ("mM", "1e-3")])
def test_molar_units_from_pm_to_m(symbol, molar):
    assert magnitude_in(Quantity(Decimal(1), BY_SYMBOL[symbol].pint_unit), BY_SYMBOL["M"]) == Decimal(molar)


def test_limits_accept_one_nanolitre_and_refuse_less():
    assert within_limits(Quantity(Decimal(1), "nL"), Kind.VOLUME)
    assert not within_limits(Quantity(Decimal("0.5"), "nL"), Kind.VOLUME)


def test_limits_refuse_more_than_twenty_molar():
    assert within_limits(Quantity(Decimal(20), "M"), Kind.MOLAR_CONCENTRATION)
    assert not within_limits(Quantity(Decimal(21), "M"), Kind.MOLAR_CONCENTRATION)


def test_molar_is_defined_in_the_registry():
    assert str(ureg.Unit("mM")) == "millimolar"
