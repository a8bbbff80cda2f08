"""The molarity answers do their sums on plain Decimals with factors from pint: every digit must match pint's."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculator.answers import Given, MolarityInputs, molarity_answer
from calculator.calculations import (
    concentration_from,
    mass_to_weigh,
    molecular_weight,
    to_mass_concentration,
    volume_to_dissolve,
)
from calculator.display import auto_scale, auto_scale_base
from calculator.units import (
    BY_PINT_UNIT,
    BY_SYMBOL,
    KIND_BASE,
    SIZE_IN_BASE,
    UNITS,
    Kind,
    Quantity,
    conversion_factor,
    convert,
    value_within_limits,
    within_limits,
)

MASSES = [spec for spec in UNITS if spec.kind == Kind.MASS]
VOLUMES = [spec for spec in UNITS if spec.kind == Kind.VOLUME]
CONCENTRATIONS = [spec for spec in UNITS if spec.kind in (Kind.MOLAR_CONCENTRATION, Kind.MASS_CONCENTRATION)]
MW = Decimal("246.35")
# More digits than Decimal's 28, so any difference in where the sums round would show.
LONG = Decimal("1.234567890123456789012345678901234")


def symbols(specs):
    return [spec.symbol for spec in specs]


@pytest.mark.parametrize("symbol", symbols(UNITS))
def test_convert_to_the_kinds_first_unit_equals_pint(symbol):
    spec = BY_SYMBOL[symbol]
    base = KIND_BASE[spec.kind].pint_unit
    assert convert(Decimal(1), spec.pint_unit, base) == Quantity(Decimal(1), spec.pint_unit).to(base).magnitude


@pytest.mark.parametrize("symbol", symbols(UNITS))
def test_conversion_factor_is_an_exact_power_of_ten(symbol):
    spec = BY_SYMBOL[symbol]
    factor = conversion_factor(spec.pint_unit, f"kilo{KIND_BASE[spec.kind].pint_unit}")
    assert factor.as_tuple().digits == (1,)


def test_a_unit_to_itself_leaves_every_digit_as_pint_does():
    assert convert(LONG, "millimolar", "mM") == Quantity(LONG, "millimolar").to("mM").magnitude == LONG


def test_a_conversion_rounds_long_numbers_as_pint_does():
    assert convert(LONG, "millimolar", "molar") == Quantity(LONG, "millimolar").to("molar").magnitude


@pytest.mark.parametrize("symbol", symbols(UNITS))
@pytest.mark.parametrize("value", ["0.0009", "0.001", "1", "1e9", "1e11", "2e13", "2.0001e13", "1e15", "1.0001e15"])
def test_value_within_limits_agrees_with_pint(symbol, value):
    spec = BY_SYMBOL[symbol]
    expected = within_limits(Quantity(Decimal(value), spec.pint_unit), spec.kind)
    assert value_within_limits(Decimal(value), spec) is expected


@pytest.mark.parametrize("symbol", symbols(UNITS))
def test_auto_scale_base_agrees_with_auto_scale(symbol):
    spec = BY_SYMBOL[symbol]
    value = Decimal("0.4567")
    expected = auto_scale(Quantity(value, spec.pint_unit), spec.kind)
    assert auto_scale_base(value * SIZE_IN_BASE[symbol], spec.kind) == expected


@pytest.mark.parametrize("symbol", symbols(UNITS))
def test_each_units_quantities_are_recognised_by_their_pint_unit(symbol):
    assert BY_PINT_UNIT[Quantity(Decimal(1), BY_SYMBOL[symbol].pint_unit).units] is BY_SYMBOL[symbol]


def test_a_converted_quantity_is_recognised_by_its_pint_unit():
    assert BY_PINT_UNIT[Quantity(Decimal(1), "g/L").to("mg/mL").units] is BY_SYMBOL["mg/mL"]


def inputs(solve, *, mass=None, volume=None, concentration=None, mw=MW, purity=Decimal(1), result_kind=None):
    return MolarityInputs(
        solve=solve, mw=mw, mw_label="", mass=mass, volume=volume, concentration=concentration, purity=purity,
        result_kind=result_kind,
    )  # fmt: skip


def pint_mass(i: MolarityInputs):
    mass = mass_to_weigh(
        concentration=i.concentration.quantity, volume=i.volume.quantity, mw=molecular_weight(i.mw), purity=i.purity
    )
    return auto_scale(mass, Kind.MASS)


def pint_volume(i: MolarityInputs):
    volume = volume_to_dissolve(
        mass=i.mass.quantity, concentration=i.concentration.quantity, mw=molecular_weight(i.mw), purity=i.purity
    )
    return auto_scale(volume, Kind.VOLUME)


def pint_concentration(i: MolarityInputs):
    molar = concentration_from(
        mass=i.mass.quantity, volume=i.volume.quantity, mw=molecular_weight(i.mw), purity=i.purity
    )
    if i.result_kind == Kind.MASS_CONCENTRATION:
        return auto_scale(to_mass_concentration(molar, mw=molecular_weight(i.mw)), Kind.MASS_CONCENTRATION)
    return auto_scale(molar, Kind.MOLAR_CONCENTRATION)


def result(i: MolarityInputs):
    answer = molarity_answer(i)
    return answer.value, answer.unit


@pytest.mark.parametrize("concentration", symbols(CONCENTRATIONS))
@pytest.mark.parametrize("volume", symbols(VOLUMES))
def test_mass_equals_pint_for_every_unit_pair(concentration, volume):
    i = inputs(
        "mass", concentration=Given(LONG, BY_SYMBOL[concentration]), volume=Given(Decimal("3.3"), BY_SYMBOL[volume])
    )
    assert result(i) == pint_mass(i)


@pytest.mark.parametrize("mass", symbols(MASSES))
@pytest.mark.parametrize("concentration", symbols(CONCENTRATIONS))
def test_volume_equals_pint_for_every_unit_pair(mass, concentration):
    i = inputs("volume", mass=Given(LONG, BY_SYMBOL[mass]), concentration=Given(Decimal("7"), BY_SYMBOL[concentration]))
    assert result(i) == pint_volume(i)


@pytest.mark.parametrize("mass", symbols(MASSES))
@pytest.mark.parametrize("volume", symbols(VOLUMES))
@pytest.mark.parametrize("result_kind", [None, Kind.MASS_CONCENTRATION])
def test_concentration_equals_pint_for_every_unit_pair(mass, volume, result_kind):
    i = inputs(
        "concentration",
        mass=Given(LONG, BY_SYMBOL[mass]),
        volume=Given(Decimal("3"), BY_SYMBOL[volume]),
        result_kind=result_kind,
    )
    assert result(i) == pint_concentration(i)


def test_the_answer_value_is_an_exact_decimal():
    i = inputs("mass", concentration=Given(Decimal(10), BY_SYMBOL["mM"]), volume=Given(Decimal(1), BY_SYMBOL["mL"]))
    assert type(molarity_answer(i).value) is Decimal


numbers = st.decimals(min_value=Decimal("1e-3"), max_value=Decimal("1e4"), places=30, allow_nan=False)
mws = st.decimals(min_value=Decimal(1), max_value=Decimal(100_000), places=12, allow_nan=False)
purities = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1), places=20, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(
    value=numbers, other=numbers, mw=mws, purity=purities, first=st.sampled_from(UNITS), second=st.sampled_from(UNITS)
)
def test_every_mode_equals_pint_for_any_digits(value, other, mw, purity, first, second):
    mass = Given(value, BY_SYMBOL[symbols(MASSES)[UNITS.index(first) % len(MASSES)]])
    volume = Given(other, BY_SYMBOL[symbols(VOLUMES)[UNITS.index(second) % len(VOLUMES)]])
    concentration = Given(other, BY_SYMBOL[symbols(CONCENTRATIONS)[UNITS.index(first) % len(CONCENTRATIONS)]])
    both = {"mw": mw, "purity": purity}
    cases = [
        (inputs("mass", concentration=concentration, volume=volume, **both), pint_mass),
        (inputs("volume", mass=mass, concentration=concentration, **both), pint_volume),
        (inputs("concentration", mass=mass, volume=volume, **both), pint_concentration),
    ]
    assert [result(i) for i, _ in cases] == [expected(i) for i, expected in cases]


SOLUBILITY = "That is {}; few compounds dissolve above 100 mg/mL, so check the solubility first."


def mass_warnings(concentration: str, unit: str, volume: str = "1", volume_unit: str = "mL") -> tuple[str, ...]:
    i = inputs(
        "mass",
        concentration=Given(Decimal(concentration), BY_SYMBOL[unit]),
        volume=Given(Decimal(volume), BY_SYMBOL[volume_unit]),
    )
    return molarity_answer(i).warnings


def test_exactly_100_mg_per_ml_gets_no_solubility_warning():
    assert mass_warnings("100", "mg/mL") == ()


def test_just_above_100_mg_per_ml_gets_the_solubility_warning():
    assert mass_warnings("100.01", "mg/mL") == (SOLUBILITY.format("100.0 mg/mL"),)


def test_a_molar_concentration_is_checked_for_solubility_through_the_mw():
    # 500 mM × 246.35 g/mol = 123.175 mg/mL
    assert mass_warnings("500", "mM") == (SOLUBILITY.format("123.2 mg/mL"),)


def test_exactly_1_mg_gets_no_balance_warning():
    # 1 mg/mL × 1 mL
    assert mass_warnings("1", "mg/mL") == ()


def test_exactly_1_ul_gets_no_pipette_warning():
    i = inputs("volume", mass=Given(Decimal(1), BY_SYMBOL["µg"]), concentration=Given(Decimal(1), BY_SYMBOL["mg/mL"]))
    assert molarity_answer(i).warnings == ()


def test_a_mass_beyond_1_kg_gets_the_range_warning():
    # 100 mg/mL × 20 L = 2 kg
    assert mass_warnings("100", "mg/mL", "20", "L") == (
        "2.000 kg is outside 1 pg to 1 kg, the range of real lab work; check the numbers and units.",
    )
