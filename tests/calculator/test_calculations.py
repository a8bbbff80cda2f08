"""The calculations: exact values by hand, and every digit against pint doing the same sums on quantities."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calculator.calculations import (
    CalculationError,
    Dilution,
    DilutionTerm,
    Given,
    concentration_from,
    diluent_volume,
    mass_concentration,
    mass_to_weigh,
    molar,
    solve_dilution,
    stock_table,
    volume_to_dissolve,
)
from calculator.units import BY_SYMBOL, UNITS, Kind, Quantity, ureg

MW = Decimal("246.35")


def g(value: str, symbol: str) -> Given:
    return Given(Decimal(value), BY_SYMBOL[symbol])


# By hand ----------------------------------------------------------------------------------------------


def test_mass_from_concentration_volume_and_mw():
    # 10 mM × 1 mL × 246.35 g/mol = 10e-3 mol/L × 1e-3 L × 246.35 g/mol = 2.4635 mg, exactly
    assert mass_to_weigh(concentration=g("10", "mM"), volume=g("1", "mL"), mw=MW) == Decimal("2.4635")


def test_mass_with_purity_is_the_pure_mass_divided_by_the_purity():
    # 2.4635 mg ÷ 0.95 = 2.593157894736842105263157895 mg
    mass = mass_to_weigh(concentration=g("10", "mM"), volume=g("1", "mL"), mw=MW, purity=Decimal("0.95"))
    assert mass == Decimal("2.4635") / Decimal("0.95")


def test_mass_from_a_mass_concentration_does_not_depend_on_the_mw():
    # 10 mg/mL × 1 mL = 10 mg whatever the MW
    assert mass_to_weigh(concentration=g("10", "mg/mL"), volume=g("1", "mL"), mw=Decimal(999)) == Decimal(10)


def test_volume_from_mass_concentration_and_mw():
    # 1 mg ÷ (1 mM × 246.35 g/mol) = 1e-3 g ÷ 0.24635 g/L = 4.0592652...e-3 L
    assert volume_to_dissolve(mass=g("1", "mg"), concentration=g("1", "mM"), mw=MW) == Decimal(1) / Decimal("0.24635")


def test_volume_with_purity_uses_only_the_pure_part():
    # 10 mg at 50 % is 5 mg of compound; 5 mg ÷ (10 mM × 246.35) = 2.0296... mL
    volume = volume_to_dissolve(mass=g("10", "mg"), concentration=g("10", "mM"), mw=MW, purity=Decimal("0.5"))
    assert volume == Decimal(5) / Decimal("2.4635")


def test_volume_for_percent_w_v():
    # 1 % w/v is 10 mg/mL, so 10 mg makes 1 mL
    assert volume_to_dissolve(mass=g("10", "mg"), concentration=g("1", "% w/v"), mw=MW) == Decimal(1)


def test_concentration_from_mass_volume_and_mw():
    # 5 mg ÷ (246.35 g/mol × 1 mL) = 0.0202963 M = 20.2963 mM
    assert concentration_from(mass=g("5", "mg"), volume=g("1", "mL"), mw=MW) == Decimal(5000) / Decimal("246.35")


def test_molar_and_mass_concentrations_are_bridged_by_the_mw():
    assert mass_concentration(concentration=g("10", "mM"), mw=MW) == Decimal("2.4635")
    assert molar(concentration=g("2.4635", "mg/mL"), mw=MW) == Decimal("0.01")


def test_converting_a_mass_concentration_without_an_mw_is_an_error_on_the_mw():
    with pytest.raises(CalculationError) as caught:
        molar(concentration=g("1", "mg/mL"), mw=None)
    assert caught.value.field == "mw"


def dilution(c1=None, v1=None, c2=None, v2=None) -> Dilution:
    return Dilution(c1=c1, v1=v1, c2=c2, v2=v2)


def test_dilution_solves_the_stock_volume():
    # V1 = C2 V2 / C1 = 10 µM × 1 mL ÷ 10 mM = 1 µL
    result = solve_dilution(dilution=dilution(c1=g("10", "mM"), c2=g("10", "µM"), v2=g("1", "mL")))
    assert result == (Decimal("0.001"), BY_SYMBOL["mL"])


def test_dilution_solves_the_final_volume():
    # V2 = C1 V1 / C2 = 10 mM × 5 µL ÷ 50 µM = 1 mL
    result = solve_dilution(dilution=dilution(c1=g("10", "mM"), v1=g("5", "µL"), c2=g("50", "µM")))
    assert result == (Decimal(1), BY_SYMBOL["mL"])


def test_dilution_solves_the_stock_concentration():
    # C1 = C2 V2 / V1 = 10 µM × 1 mL ÷ 2 µL = 5 mM
    result = solve_dilution(dilution=dilution(v1=g("2", "µL"), c2=g("10", "µM"), v2=g("1", "mL")))
    assert result == (Decimal("0.005"), BY_SYMBOL["M"])


def test_dilution_solves_the_final_concentration():
    # C2 = C1 V1 / V2 = 1 mg/mL × 100 µL ÷ 10 mL = 0.01 mg/mL
    result = solve_dilution(dilution=dilution(c1=g("1", "mg/mL"), v1=g("100", "µL"), v2=g("10", "mL")))
    assert result == (Decimal("0.01"), BY_SYMBOL["mg/mL"])


def test_dilution_from_a_mass_stock_to_a_molar_target_uses_the_mw():
    # 2.4635 mg/mL is 10 mM at 246.35 g/mol; to 10 µM in 1 mL takes 1 µL
    d = dilution(c1=g("2.4635", "mg/mL"), c2=g("10", "µM"), v2=g("1", "mL"))
    assert solve_dilution(dilution=d, mw=MW) == (Decimal("0.001"), BY_SYMBOL["mL"])


def test_solved_concentration_in_the_other_kind_when_asked():
    # 10 mg/mL × 10 µL ÷ 1 mL = 0.1 mg/mL = 0.1 ÷ 246.35 M = 405.9265... µM
    d = dilution(c1=g("10", "mg/mL"), v1=g("10", "µL"), v2=g("1", "mL"))
    assert solve_dilution(dilution=d, mw=MW, molar_result=True) == (Decimal("0.1") / MW, BY_SYMBOL["M"])


def test_mixed_kinds_without_an_mw_is_an_error_on_the_mw():
    with pytest.raises(CalculationError) as caught:
        solve_dilution(dilution=dilution(c1=g("10", "mg/mL"), c2=g("10", "µM"), v2=g("1", "mL")))
    assert caught.value.field == "mw"


def test_a_dilution_cannot_concentrate():
    with pytest.raises(CalculationError) as caught:
        solve_dilution(dilution=dilution(c1=g("1", "mM"), c2=g("2", "mM"), v2=g("1", "mL")))
    assert caught.value.field == "c2"


def test_the_stock_volume_cannot_exceed_the_final_volume():
    with pytest.raises(CalculationError) as caught:
        solve_dilution(dilution=dilution(c1=g("1", "mM"), v1=g("2", "mL"), v2=g("1", "mL")))
    assert caught.value.field == "v1"


def test_dilution_needs_exactly_one_unknown():
    with pytest.raises(ValueError, match="exactly one"):
        solve_dilution(dilution=dilution(c2=g("1", "mM"), v2=g("1", "mL")))


def test_the_diluent_is_the_final_volume_less_the_stock_in_the_final_volumes_unit():
    assert diluent_volume(stock=g("1", "µL"), final=g("1", "mL")) == Decimal("0.999")


def test_no_diluent_when_the_stock_is_the_final_volume():
    assert diluent_volume(stock=g("1000", "µL"), final=g("1", "mL")) is None


def test_one_amount_exceeds_another_across_units():
    assert (g("1.001", "mL").exceeds(g("1000", "µL")), g("1000", "µL").exceeds(g("1", "mL"))) == (True, False)


def test_stock_table_has_three_masses_and_four_concentrations():
    rows = stock_table(mw=MW)
    assert [row.concentration_mm for row in rows] == [1, 5, 10, 50]
    assert {len(row.volumes_ml) for row in rows} == {3}


def test_stock_table_volumes():
    rows = stock_table(mw=MW)
    # 1 mg at 1 mM: 1 ÷ 0.24635 mL; 10 mg at 50 mM: 10 ÷ (50 × 0.24635) mL
    assert rows[0].volumes_ml[0] == Decimal(1) / Decimal("0.24635")
    assert rows[3].volumes_ml[2] == Decimal(10) / (Decimal(50) * Decimal("0.24635"))


def test_stock_table_applies_purity():
    assert stock_table(mw=MW, purity=Decimal("0.5"))[0].volumes_ml[0] == Decimal("0.5") / Decimal("0.24635")


# Against pint: the same sums on quantities give the same digits -------------------------------------
#
# Each oracle is the calculation written with pint quantities, as calculations.py did before it moved to
# plain Decimals. Numbers carry up to 30 decimal places, more than Decimal's 28 significant digits, so a
# difference in where the sums round would show.

MASSES = [u for u in UNITS if u.kind == Kind.MASS]
VOLUMES = [u for u in UNITS if u.kind == Kind.VOLUME]
CONCENTRATIONS = [u for u in UNITS if u.kind in (Kind.MOLAR_CONCENTRATION, Kind.MASS_CONCENTRATION)]

numbers = st.decimals(min_value=Decimal("1e-3"), max_value=Decimal("1e4"), places=30, allow_nan=False)
mws = st.decimals(min_value=Decimal(1), max_value=Decimal(100_000), places=12, allow_nan=False)
purities = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1), places=20, allow_nan=False)


def amounts(units):
    return st.builds(Given, numbers, st.sampled_from(units))


def q(amount: Given):
    return Quantity(amount.value, amount.unit.pint_unit)


def per_mole(mw: Decimal):
    return Quantity(mw, ureg.gram / ureg.mole)


class NeedsMw(Exception):
    pass


def pint_molar(c, mw: Decimal | None):
    if c.check("[substance] / [length] ** 3"):
        return c.to("molar")
    if mw is None:
        raise NeedsMw
    return (c / per_mole(mw)).to("molar")


def pint_mass_concentration(c, mw: Decimal | None):
    if c.check("[mass] / [length] ** 3"):
        return c.to("mg/mL")
    if mw is None:
        raise NeedsMw
    return (c * per_mole(mw)).to("mg/mL")


@settings(max_examples=200, deadline=None)
@given(c=amounts(CONCENTRATIONS), mw=mws)
def test_concentration_conversions_equal_pint(c, mw):
    expected = (pint_molar(q(c), mw).magnitude, pint_mass_concentration(q(c), mw).magnitude)
    assert (molar(concentration=c, mw=mw), mass_concentration(concentration=c, mw=mw)) == expected


@settings(max_examples=200, deadline=None)
@given(c=amounts(CONCENTRATIONS), v=amounts(VOLUMES), mw=mws, purity=purities)
def test_mass_to_weigh_equals_pint(c, v, mw, purity):
    expected = (pint_molar(q(c), mw) * q(v) * per_mole(mw) / purity).to("mg").magnitude
    assert mass_to_weigh(concentration=c, volume=v, mw=mw, purity=purity) == expected


@settings(max_examples=200, deadline=None)
@given(m=amounts(MASSES), c=amounts(CONCENTRATIONS), mw=mws, purity=purities)
def test_volume_to_dissolve_equals_pint(m, c, mw, purity):
    expected = (q(m) * purity / (pint_molar(q(c), mw) * per_mole(mw))).to("mL").magnitude
    assert volume_to_dissolve(mass=m, concentration=c, mw=mw, purity=purity) == expected


@settings(max_examples=200, deadline=None)
@given(m=amounts(MASSES), v=amounts(VOLUMES), mw=mws, purity=purities)
def test_concentration_from_equals_pint(m, v, mw, purity):
    expected = (q(m) * purity / (per_mole(mw) * q(v))).to("mM").magnitude
    assert concentration_from(mass=m, volume=v, mw=mw, purity=purity) == expected


def pint_dilution(d: Dilution, solve: DilutionTerm, mw: Decimal | None, molar_result: bool | None):
    """The missing term with quantities, or the field a CalculationError names."""
    c1, v1, c2, v2 = (None if x is None else q(x) for x in (d.c1, d.v1, d.c2, d.v2))
    try:
        if solve in (DilutionTerm.V1, DilutionTerm.V2):
            if d.c1.unit.kind == d.c2.unit.kind:
                c2 = c2.to(c1.units)
            else:
                c1, c2 = pint_molar(c1, mw), pint_molar(c2, mw)
            if c2 > c1:
                return "c2"
            return ((c2 * v2 / c1) if solve == DilutionTerm.V1 else (c1 * v1 / c2)).to("mL")
        if v1 > v2:
            return "v1"
        solved, other = (c2 * v2 / v1, d.c2) if solve == DilutionTerm.C1 else (c1 * v1 / v2, d.c1)
        if molar_result is None:
            molar_result = other.unit.kind == Kind.MOLAR_CONCENTRATION
        return (pint_molar if molar_result else pint_mass_concentration)(solved, mw)
    except NeedsMw:
        return "mw"


@settings(max_examples=400, deadline=None)
@given(
    solve=st.sampled_from(list(DilutionTerm)),
    c1=amounts(CONCENTRATIONS),
    v1=amounts(VOLUMES),
    c2=amounts(CONCENTRATIONS),
    v2=amounts(VOLUMES),
    mw=st.one_of(st.none(), mws),
    molar_result=st.sampled_from([None, True, False]),
)
def test_solve_dilution_equals_pint(solve, c1, v1, c2, v2, mw, molar_result):
    d = Dilution(**({"c1": c1, "v1": v1, "c2": c2, "v2": v2} | {solve.value: None}))
    expected = pint_dilution(d, solve, mw, molar_result)
    try:
        value, unit = solve_dilution(dilution=d, mw=mw, molar_result=molar_result)
    except CalculationError as error:
        assert error.field == expected
    else:
        assert (value, ureg.Unit(unit.pint_unit)) == (expected.magnitude, expected.units)


@settings(max_examples=200, deadline=None)
@given(a=amounts(VOLUMES), b=amounts(VOLUMES))
def test_exceeds_and_the_diluent_equal_pint(a, b):
    expected = (q(b) - q(a).to(q(b).units)).magnitude if q(b) > q(a) else None
    assert (a.exceeds(b), diluent_volume(stock=a, final=b)) == (q(a) > q(b), expected)


@settings(max_examples=100, deadline=None)
@given(mw=mws, purity=purities)
def test_stock_table_equals_pint_to_the_last_digit_but_one(mw, purity):
    # The table scales one pint-exact cell by m ÷ C, so other cells may differ from pint in the 28th digit.
    rows = stock_table(mw=mw, purity=purity)
    for row in rows:
        for mass_mg, volume in zip((1, 5, 10), row.volumes_ml, strict=True):
            concentration = Quantity(row.concentration_mm, "mM").to("molar")
            expected = (Quantity(Decimal(mass_mg), "mg") * purity / (concentration * per_mole(mw))).to("mL")
            assert abs(volume - expected.magnitude) <= expected.magnitude * Decimal("1e-26")
