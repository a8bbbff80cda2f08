from decimal import Decimal

from calculator.answers import (
    AqueousSolubility,
    DilutionInputs,
    Given,
    MolarityInputs,
    dilution_answer,
    molarity_answer,
    stock_table_display,
)
from calculator.calculations import DilutionTerm
from calculator.units import BY_SYMBOL, Kind

MW = Decimal("246.35")


def given(value: str, symbol: str) -> Given:
    return Given(Decimal(value), BY_SYMBOL[symbol])


def mass_inputs(**overrides) -> MolarityInputs:
    values = {
        "solve": "mass",
        "mw": MW,
        "mw_label": "Milnacipran, free base",
        "concentration": given("10", "mM"),
        "volume": given("1", "mL"),
    }
    return MolarityInputs(**(values | overrides))


def test_mass_answer_value_is_unrounded_and_display_is_four_figures():
    answer = molarity_answer(mass_inputs())
    assert (answer.value, answer.unit.symbol, answer.display) == (Decimal("2.4635"), "mg", "2.464 mg")


def test_mass_answer_is_in_lab_wording():
    answer = molarity_answer(mass_inputs())
    assert answer.instruction == "Weigh 2.464 mg and bring to a final volume of 1 mL to make a 10 mM solution."


def test_mass_answer_shows_the_equation_with_the_numbers():
    answer = molarity_answer(mass_inputs())
    assert answer.equation == "mass = concentration × volume × MW"
    assert answer.substituted == "mass = 10 mM × 1 mL × 246.35 g/mol = 2.464 mg"


def test_mass_answer_says_which_mw_it_used():
    answer = molarity_answer(mass_inputs())
    assert (answer.mw_used, answer.mw_label) == (MW, "Milnacipran, free base")


def test_round_half_even_only_at_display():
    # 10 mM × 1 mL × 246.25 g/mol = 2.4625 mg exactly: a tie, rounded to the even 2.462 (half-up would give 2.463)
    answer = molarity_answer(mass_inputs(mw=Decimal("246.25")))
    assert (answer.value, answer.display) == (Decimal("2.4625"), "2.462 mg")


def test_mass_answer_with_purity():
    answer = molarity_answer(mass_inputs(purity=Decimal("0.95")))
    assert answer.display == "2.593 mg"  # 2.4635 ÷ 0.95 = 2.59316
    assert answer.substituted == "mass = 10 mM × 1 mL × 246.35 g/mol ÷ 95 % = 2.593 mg"
    assert answer.instruction.startswith("Weigh 2.593 mg of the 95 % pure material and bring")


def test_a_small_mass_is_auto_scaled_and_warned_about():
    # 2.5 µM × 1 L × 246.35 g/mol = 0.615875 mg
    answer = molarity_answer(mass_inputs(concentration=given("2.5", "µM"), volume=given("1", "L")))
    assert answer.display == "0.6159 mg"
    assert answer.warnings == (
        "0.6159 mg is below 1 mg, less than a typical analytical balance weighs reliably; "
        "make a larger volume, or a more concentrated stock and dilute it.",
    )


def test_no_warning_for_a_weighable_mass():
    assert molarity_answer(mass_inputs()).warnings == ()


def test_volume_answer():
    # 5 mg ÷ (10 mM × 246.35 g/mol) = 2.0296 mL
    answer = molarity_answer(
        MolarityInputs(solve="volume", mw=MW, mw_label="", mass=given("5", "mg"), concentration=given("10", "mM"))
    )
    assert answer.display == "2.030 mL"
    assert answer.instruction == "Dissolve 5 mg and bring to a final volume of 2.030 mL to make a 10 mM solution."
    assert answer.substituted == "volume = 5 mg ÷ (10 mM × 246.35 g/mol) = 2.030 mL"


def test_a_volume_below_what_a_pipette_delivers_is_warned_about():
    # 1 µg ÷ (10 mM × 246.35 g/mol) = 0.4059 µL
    answer = molarity_answer(
        MolarityInputs(solve="volume", mw=MW, mw_label="", mass=given("1", "µg"), concentration=given("10", "mM"))
    )
    assert answer.display == "405.9 nL"
    assert any("below 1 µL, less than a pipette delivers reliably" in warning for warning in answer.warnings)


def test_concentration_answer_is_molar_with_the_mass_concentration_alongside():
    # 5 mg in 1 mL: 5 mg/mL; 5 ÷ 246.35 M = 20.30 mM
    answer = molarity_answer(
        MolarityInputs(solve="concentration", mw=MW, mw_label="", mass=given("5", "mg"), volume=given("1", "mL"))
    )
    assert (answer.display, answer.unit.symbol) == ("20.30 mM", "mM")
    assert answer.instruction == "5 mg brought to a final volume of 1 mL gives 20.30 mM (5.000 mg/mL)."


def test_concentration_answer_in_mass_per_volume_when_asked():
    answer = molarity_answer(
        MolarityInputs(
            solve="concentration",
            mw=MW,
            mw_label="",
            mass=given("5", "mg"),
            volume=given("1", "mL"),
            result_kind=Kind.MASS_CONCENTRATION,
        )
    )
    assert answer.display == "5.000 mg/mL"


def test_a_very_concentrated_solution_is_warned_about():
    # 500 mg in 1 mL = 500 mg/mL
    answer = molarity_answer(
        MolarityInputs(solve="concentration", mw=MW, mw_label="", mass=given("500", "mg"), volume=given("1", "mL"))
    )
    assert any("few compounds dissolve above 100 mg/mL" in warning for warning in answer.warnings)


def test_dilution_answer_in_lab_wording():
    answer = dilution_answer(
        DilutionInputs(solve=DilutionTerm.V1, c1=given("10", "mM"), c2=given("10", "µM"), v2=given("1", "mL"))
    )
    assert answer.display == "1.000 µL"
    assert answer.substituted == "V1 = 10 µM × 1 mL ÷ 10 mM = 1.000 µL"
    assert answer.instruction == "Take 1.000 µL of the 10 mM stock and add 999.0 µL of diluent to make 1 mL at 10 µM."
    assert answer.mw_used is None


def test_dilution_below_a_microlitre_of_stock_suggests_an_intermediate_dilution():
    answer = dilution_answer(
        DilutionInputs(solve=DilutionTerm.V1, c1=given("100", "mM"), c2=given("10", "µM"), v2=given("1", "mL"))
    )
    assert answer.display == "100.0 nL"
    assert any("make an intermediate dilution first" in warning for warning in answer.warnings)


def test_dilution_across_kinds_reports_the_mw():
    answer = dilution_answer(
        DilutionInputs(
            solve=DilutionTerm.C2,
            c1=given("10", "mg/mL"),
            v1=given("10", "µL"),
            v2=given("1", "mL"),
            mw=MW,
            result_kind=Kind.MOLAR_CONCENTRATION,
        )
    )
    assert (answer.display, answer.mw_used) == ("405.9 µM", MW)


def test_stock_table_display():
    table = stock_table_display(mw=MW)
    assert table.masses == ("1 mg", "5 mg", "10 mg")
    assert table.rows[0] == ("1 mM", ("4.059 mL", "20.30 mL", "40.59 mL"))
    assert table.rows[3] == ("50 mM", ("81.19 µL", "405.9 µL", "811.9 µL"))


# Large amounts: possible (a buffer of tens of litres), unusual enough to check, so a warning and not a refusal.


def unusual(amount: str, limit: str) -> str:
    return f"{amount} is more than {limit}, an unusual amount to prepare at once; check the numbers and units."


def volume_inputs(mass: Given, concentration: Given) -> MolarityInputs:
    return MolarityInputs(solve="volume", mw=MW, mw_label="", mass=mass, concentration=concentration)


def test_a_mass_above_a_kilogram_is_answered_with_a_warning():
    # 100 mM × 50 L × 246.35 g/mol = 1231.75 g
    answer = molarity_answer(mass_inputs(concentration=given("100", "mM"), volume=given("50", "L")))
    assert (answer.display, answer.warnings) == (
        "1.232 kg",
        ("1.232 kg is more than 1 kg, an unusual amount to prepare at once; check the numbers and units.",),
    )


def test_a_mass_of_exactly_a_kilogram_gets_no_warning():
    # 100 mM × 10 L × 1000 g/mol = 1 kg
    answer = molarity_answer(mass_inputs(concentration=given("100", "mM"), volume=given("10", "L"), mw=Decimal(1000)))
    assert (answer.display, answer.warnings) == ("1.000 kg", ())


def test_a_given_volume_above_a_hundred_litres_is_warned_about():
    # 1 mM × 200 L × 246.35 g/mol = 49.27 g
    answer = molarity_answer(mass_inputs(concentration=given("1", "mM"), volume=given("200", "L")))
    assert (answer.display, answer.warnings) == ("49.27 g", (unusual("200 L", "100 L"),))


def test_a_given_mass_above_a_kilogram_is_warned_about():
    # 2 kg ÷ (100 mM × 246.35 g/mol) = 81.185 L
    answer = molarity_answer(volume_inputs(given("2", "kg"), given("100", "mM")))
    assert (answer.display, answer.warnings) == ("81.19 L", (unusual("2 kg", "1 kg"),))


def test_a_solved_volume_above_a_hundred_litres_is_warned_about():
    # 50 g ÷ (1 mM × 246.35 g/mol) = 202.96 L
    answer = molarity_answer(volume_inputs(given("50", "g"), given("1", "mM")))
    assert (answer.display, answer.warnings) == ("203.0 L", (unusual("203.0 L", "100 L"),))


def test_a_result_beyond_the_limits_gets_only_the_range_warning():
    # 1 M × 1000 L × 246.35 g/mol = 246.35 kg, beyond 100 kg
    answer = molarity_answer(mass_inputs(concentration=given("1", "M"), volume=given("1000", "L")))
    assert answer.warnings == (
        "246.4 kg is outside 1 pg to 100 kg, the range of real lab work; check the numbers and units.",
        unusual("1000 L", "100 L"),
        "That is 246.4 mg/mL; few compounds dissolve above 100 mg/mL, so check the solubility first.",
    )


def test_a_dilution_to_a_large_final_volume_is_warned_about():
    # 10 mM × V1 = 1 mM × 500 L: V1 = 50 L
    answer = dilution_answer(
        DilutionInputs(solve=DilutionTerm.V1, c1=given("10", "mM"), c2=given("1", "mM"), v2=given("500", "L"))
    )
    assert (answer.display, answer.warnings) == ("50.00 L", (unusual("500 L", "100 L"),))


def test_a_dilution_whose_solved_stock_volume_is_large_is_warned_about():
    # 1 mM × V1 = 0.5 mM × 400 L: V1 = 200 L
    answer = dilution_answer(
        DilutionInputs(solve=DilutionTerm.V1, c1=given("1", "mM"), c2=given("0.5", "mM"), v2=given("400", "L"))
    )
    assert answer.warnings == (unusual("200.0 L", "100 L"), unusual("400 L", "100 L"))


# A measured aqueous solubility (the compound page's widget passes it; nothing else has one) -------------

SOLUBILITY = AqueousSolubility(molar=Decimal("0.005"), of="Milnacipran", source="Huuskonen 2000")  # 5 mM
ABOVE_SOLUBILITY = (
    "10 mM is above the measured aqueous solubility of Milnacipran, 5.000 mM (Huuskonen 2000). That was measured "
    "in water: a stock in DMSO or another solvent dissolves a different amount, so check the solubility in yours."
)


def measured_inputs(solve: str, **givens: Given) -> MolarityInputs:
    return MolarityInputs(solve=solve, mw=MW, mw_label="", aqueous_solubility=SOLUBILITY, **givens)


def test_a_concentration_above_the_measured_aqueous_solubility_is_warned_about():
    answer = molarity_answer(mass_inputs(aqueous_solubility=SOLUBILITY))
    assert answer.warnings == (ABOVE_SOLUBILITY,)


def test_a_concentration_at_the_measured_solubility_gets_no_warning():
    answer = molarity_answer(mass_inputs(concentration=given("5", "mM"), aqueous_solubility=SOLUBILITY))
    assert answer.warnings == ()


def test_without_a_measured_solubility_there_is_no_such_warning():
    assert molarity_answer(mass_inputs()).warnings == ()


def test_a_mass_concentration_is_compared_through_the_mw():
    # 2 mg/mL ÷ 246.35 g/mol = 8.119 mM, above 5 mM
    answer = molarity_answer(mass_inputs(concentration=given("2", "mg/mL"), aqueous_solubility=SOLUBILITY))
    assert answer.warnings[0].startswith("2 mg/mL is above the measured aqueous solubility of Milnacipran, 5.000 mM")


def test_a_solved_concentration_above_the_measured_solubility_is_warned_about():
    # 5 mg in 1 mL at 246.35 g/mol = 20.30 mM
    inputs = measured_inputs("concentration", mass=given("5", "mg"), volume=given("1", "mL"))
    assert molarity_answer(inputs).warnings[0].startswith("20.30 mM is above the measured aqueous solubility")


def test_a_volume_for_a_concentration_above_the_measured_solubility_is_warned_about():
    inputs = measured_inputs("volume", mass=given("1", "mg"), concentration=given("10", "mM"))
    assert molarity_answer(inputs).warnings == (ABOVE_SOLUBILITY,)
