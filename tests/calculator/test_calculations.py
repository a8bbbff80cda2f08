from decimal import Decimal

import pytest

from calculator.calculations import (
    CalculationError,
    Dilution,
    concentration_from,
    mass_to_weigh,
    molecular_weight,
    solve_dilution,
    stock_table,
    to_mass_concentration,
    to_molar,
    volume_to_dissolve,
)
from calculator.units import Quantity

MW = molecular_weight(Decimal("246.35"))


def q(value: str, unit: str):
    return Quantity(Decimal(value), unit)


def test_mass_from_concentration_volume_and_mw():
    # 10 mM × 1 mL × 246.35 g/mol = 10e-3 mol/L × 1e-3 L × 246.35 g/mol = 2.4635 mg, exactly
    mass = mass_to_weigh(concentration=q("10", "mM"), volume=q("1", "mL"), mw=MW)
    assert mass.to("mg").magnitude == Decimal("2.4635")


def test_mass_with_purity_is_the_pure_mass_divided_by_the_purity():
    # 2.4635 mg ÷ 0.95 = 2.593157894736842105263157895 mg
    mass = mass_to_weigh(concentration=q("10", "mM"), volume=q("1", "mL"), mw=MW, purity=Decimal("0.95"))
    assert mass.to("mg").magnitude == Decimal("2.4635") / Decimal("0.95")


def test_mass_from_a_mass_concentration_does_not_depend_on_the_mw():
    # 10 mg/mL × 1 mL = 10 mg whatever the MW
    mass = mass_to_weigh(concentration=q("10", "mg/mL"), volume=q("1", "mL"), mw=molecular_weight(Decimal(999)))
    assert mass.to("mg").magnitude == Decimal(10)


def test_volume_from_mass_concentration_and_mw():
    # 1 mg ÷ (1 mM × 246.35 g/mol) = 1e-3 g ÷ 0.24635 g/L = 4.0592652...e-3 L
    volume = volume_to_dissolve(mass=q("1", "mg"), concentration=q("1", "mM"), mw=MW)
    assert volume.to("mL").magnitude == Decimal(1) / Decimal("0.24635")


def test_volume_with_purity_uses_only_the_pure_part():
    # 10 mg at 50 % is 5 mg of compound; 5 mg ÷ (10 mM × 246.35) = 2.0296... mL
    volume = volume_to_dissolve(mass=q("10", "mg"), concentration=q("10", "mM"), mw=MW, purity=Decimal("0.5"))
    assert volume.to("mL").magnitude == Decimal(5) / Decimal("2.4635")


def test_volume_for_percent_w_v():
    # 1 % w/v is 10 mg/mL, so 10 mg makes 1 mL
    volume = volume_to_dissolve(mass=q("10", "mg"), concentration=q("1", "g/dL"), mw=MW)
    assert volume.to("mL").magnitude == Decimal(1)


def test_concentration_from_mass_volume_and_mw():
    # 5 mg ÷ (246.35 g/mol × 1 mL) = 0.0202963 M = 20.2963 mM
    concentration = concentration_from(mass=q("5", "mg"), volume=q("1", "mL"), mw=MW)
    assert concentration.to("mM").magnitude == Decimal(5000) / Decimal("246.35")


def test_molar_and_mass_concentrations_are_bridged_by_the_mw():
    assert to_mass_concentration(q("10", "mM"), mw=MW).to("mg/mL").magnitude == Decimal("2.4635")
    assert to_molar(q("2.4635", "mg/mL"), mw=MW).to("mM").magnitude == Decimal(10)


def test_converting_a_mass_concentration_without_an_mw_is_an_error_on_the_mw():
    with pytest.raises(CalculationError) as caught:
        to_molar(q("1", "mg/mL"), mw=None)
    assert caught.value.field == "mw"


def test_dilution_solves_the_stock_volume():
    # V1 = C2 V2 / C1 = 10 µM × 1 mL ÷ 10 mM = 1 µL
    v1 = solve_dilution(dilution=Dilution(c1=q("10", "mM"), v1=None, c2=q("10", "µM"), v2=q("1", "mL")))
    assert v1.to("µL").magnitude == Decimal(1)


def test_dilution_solves_the_final_volume():
    # V2 = C1 V1 / C2 = 10 mM × 5 µL ÷ 50 µM = 1 mL
    v2 = solve_dilution(dilution=Dilution(c1=q("10", "mM"), v1=q("5", "µL"), c2=q("50", "µM"), v2=None))
    assert v2.to("mL").magnitude == Decimal(1)


def test_dilution_solves_the_stock_concentration():
    # C1 = C2 V2 / V1 = 10 µM × 1 mL ÷ 2 µL = 5 mM
    c1 = solve_dilution(dilution=Dilution(c1=None, v1=q("2", "µL"), c2=q("10", "µM"), v2=q("1", "mL")))
    assert c1.to("mM").magnitude == Decimal(5)


def test_dilution_solves_the_final_concentration():
    # C2 = C1 V1 / V2 = 1 mg/mL × 100 µL ÷ 10 mL = 0.01 mg/mL
    c2 = solve_dilution(dilution=Dilution(c1=q("1", "mg/mL"), v1=q("100", "µL"), c2=None, v2=q("10", "mL")))
    assert c2.to("mg/mL").magnitude == Decimal("0.01")


def test_dilution_from_a_mass_stock_to_a_molar_target_uses_the_mw():
    # 2.4635 mg/mL is 10 mM at 246.35 g/mol; to 10 µM in 1 mL takes 1 µL
    dilution = Dilution(c1=q("2.4635", "mg/mL"), v1=None, c2=q("10", "µM"), v2=q("1", "mL"))
    assert solve_dilution(dilution=dilution, mw=MW).to("µL").magnitude == Decimal(1)


def test_solved_concentration_in_the_other_kind_when_asked():
    # 10 mg/mL × 10 µL ÷ 1 mL = 0.1 mg/mL = 0.1 ÷ 246.35 M = 405.9265... µM
    dilution = Dilution(c1=q("10", "mg/mL"), v1=q("10", "µL"), c2=None, v2=q("1", "mL"))
    c2 = solve_dilution(dilution=dilution, mw=MW, molar_result=True)
    assert c2.to("µM").magnitude == Decimal(100_000) / Decimal("246.35")


def test_mixed_kinds_without_an_mw_is_an_error_on_the_mw():
    dilution = Dilution(c1=q("10", "mg/mL"), v1=None, c2=q("10", "µM"), v2=q("1", "mL"))
    with pytest.raises(CalculationError) as caught:
        solve_dilution(dilution=dilution)
    assert caught.value.field == "mw"


def test_a_dilution_cannot_concentrate():
    dilution = Dilution(c1=q("1", "mM"), v1=None, c2=q("2", "mM"), v2=q("1", "mL"))
    with pytest.raises(CalculationError) as caught:
        solve_dilution(dilution=dilution)
    assert caught.value.field == "c2"


def test_the_stock_volume_cannot_exceed_the_final_volume():
    dilution = Dilution(c1=q("1", "mM"), v1=q("2", "mL"), c2=None, v2=q("1", "mL"))
    with pytest.raises(CalculationError) as caught:
        solve_dilution(dilution=dilution)
    assert caught.value.field == "v1"


def test_dilution_needs_exactly_one_unknown():
    with pytest.raises(ValueError, match="exactly one"):
        solve_dilution(dilution=Dilution(c1=None, v1=None, c2=q("1", "mM"), v2=q("1", "mL")))


def test_stock_table_has_three_masses_and_four_concentrations():
    masses, rows = stock_table(mw=MW)
    assert [m.magnitude for m in masses] == [1, 5, 10]
    assert [row.concentration.magnitude for row in rows] == [1, 5, 10, 50]


def test_stock_table_volumes():
    _, rows = stock_table(mw=MW)
    # 1 mg at 1 mM: 1 ÷ 0.24635 mL; 10 mg at 50 mM: 10 ÷ (50 × 0.24635) mL
    assert rows[0].volumes[0].to("mL").magnitude == Decimal(1) / Decimal("0.24635")
    assert rows[3].volumes[2].to("mL").magnitude == Decimal(10) / (Decimal(50) * Decimal("0.24635"))


def test_stock_table_applies_purity():
    _, rows = stock_table(mw=MW, purity=Decimal("0.5"))
    assert rows[0].volumes[0].to("mL").magnitude == Decimal("0.5") / Decimal("0.24635")
