"""display_name: ChEMBL's upper-case preferred names in the case chemists write them."""

import csv
from pathlib import Path

import pytest
from django.conf import settings

from catalog.drug_names import display_name

CHEMBL_CSV = Path(settings.BASE_DIR) / "fixtures" / "chembl_approved_drugs.csv"


FILE_CASES: list[tuple[str, str]] = []


def real(pref_name: str, expected: str, chembl_id: str):
    """A case taken from the ChEMBL file; test_cases_come_from_the_file checks that it is there."""
    FILE_CASES.append((chembl_id, pref_name))
    return pytest.param(pref_name, expected, id=chembl_id)


def chembl_names() -> dict[str, str]:
    with CHEMBL_CSV.open(encoding="utf-8", newline="") as file:
        return {row["molecule_chembl_id"]: row["pref_name"] for row in csv.DictReader(file)}


# Every case below is a pref_name from fixtures/chembl_approved_drugs.csv, by its ChEMBL ID.
@pytest.mark.parametrize(
    ("pref_name", "expected"),
    [
        real("MILNACIPRAN HYDROCHLORIDE", "Milnacipran hydrochloride", "CHEMBL4297064"),
        real("ACETYLCYSTEINE", "Acetylcysteine", "CHEMBL600"),
        real("TENOFOVIR DISOPROXIL FUMARATE", "Tenofovir disoproxil fumarate", "CHEMBL1486"),
        real("LATANOPROSTENE BUNOD", "Latanoprostene bunod", "CHEMBL2364612"),
    ],
)
def test_names_are_lower_case_after_a_capital_first_letter(pref_name, expected):
    assert display_name(pref_name) == expected


@pytest.mark.parametrize(
    ("pref_name", "expected"),
    [
        real("AMPHOTERICIN B", "Amphotericin B", "CHEMBL267345"),
        real("PENICILLIN V", "Penicillin V", "CHEMBL615"),
        real("PENICILLIN G BENZATHINE", "Penicillin G benzathine", "CHEMBL3989515"),
        real("BRILLIANT BLUE G", "Brilliant blue G", "CHEMBL4173394"),
        real("E133", "E133", "CHEMBL4301898"),
    ],
)
def test_a_letter_standing_alone_stays_a_capital(pref_name, expected):
    assert display_name(pref_name) == expected


@pytest.mark.parametrize(
    ("pref_name", "expected"),
    [
        real("CABOZANTINIB S-MALATE", "Cabozantinib S-malate", "CHEMBL2103868"),
        real("SAMIDORPHAN L-MALATE", "Samidorphan L-malate", "CHEMBL2105749"),
    ],
)
def test_stereodescriptors_of_a_salt_stay_capitals(pref_name, expected):
    assert display_name(pref_name) == expected


@pytest.mark.parametrize(
    ("pref_name", "expected"),
    [
        real("FLUDEOXYGLUCOSE F 18", "Fludeoxyglucose F 18", "CHEMBL1092067"),
        real("FLUCICLOVINE F18", "Fluciclovine F18", "CHEMBL254468"),
        real("FLUOROESTRADIOL F-18", "Fluoroestradiol F-18", "CHEMBL4594261"),
        real("CHOLINE C-11", "Choline C-11", "CHEMBL2095207"),
        real("IOFETAMINE HYDROCHLORIDE I 123", "Iofetamine hydrochloride I 123", "CHEMBL1200360"),
        real("AMMONIA N 13", "Ammonia N 13", "CHEMBL1201189"),
        real("SODIUM PHOSPHATE P 32", "Sodium phosphate P 32", "CHEMBL2107525"),
        real("STRONTIUM CHLORIDE SR 89", "Strontium chloride Sr 89", "CHEMBL1200625"),
        real("XENON XE 127", "Xenon Xe 127", "CHEMBL1200673"),
        real("RUBIDIUM CHLORIDE RB 82", "Rubidium chloride Rb 82", "CHEMBL1200727"),
        real("SELENOMETHIONINE SE 75", "Selenomethionine Se 75", "CHEMBL1201054"),
        real("RADIUM RA 223 DICHLORIDE", "Radium Ra 223 dichloride", "CHEMBL2107816"),
        real("ROSE BENGAL SODIUM I 131", "Rose bengal sodium I 131", "CHEMBL3989461"),
    ],
)
def test_radionuclides_are_written_as_symbol_and_mass_number(pref_name, expected):
    assert display_name(pref_name) == expected


@pytest.mark.parametrize(
    ("pref_name", "expected"),
    [
        real("SULFADIAZINE, SILVER", "Silver sulfadiazine", "CHEMBL1382627"),
        real("AMMONIA SOLUTION, STRONG", "Strong ammonia solution", "CHEMBL1160819"),
        real("CAFFEINE, CITRATED", "Citrated caffeine", "CHEMBL1200569"),
        real("SODIUM PHOSPHATE, DIBASIC", "Dibasic sodium phosphate", "CHEMBL2107560"),
        real("TOLBUTAMIDE SODIUM, STERILE", "Sterile tolbutamide sodium", "CHEMBL1200874"),
        real("MAGNESIA, [MILK OF]", "Milk of magnesia", "CHEMBL1200718"),
    ],
)
def test_names_inverted_for_the_index_are_turned_back(pref_name, expected):
    assert display_name(pref_name) == expected


@pytest.mark.parametrize(
    ("pref_name", "expected"),
    [
        real("RIBOFLAVIN 5'-PHOSPHATE SODIUM", "Riboflavin 5'-phosphate sodium", "CHEMBL3989697"),
        real("OMEGA-3-ACID ETHYL ESTERS", "Omega-3-acid ethyl esters", "CHEMBL1200711"),
        real(
            "AMPHETAMINE ASPARTATE/DEXTROAMPHETAMINE SULFATE",
            "Amphetamine aspartate/dextroamphetamine sulfate",
            "CHEMBL5095048",
        ),
    ],
)
def test_locant_digits_greek_letters_and_mixtures_are_lower_case(pref_name, expected):
    assert display_name(pref_name) == expected


def test_cases_come_from_the_file():
    names = chembl_names()
    assert len(FILE_CASES) == 33
    assert [(chembl_id, names.get(chembl_id)) for chembl_id, _ in FILE_CASES] == FILE_CASES


def test_only_the_letter_case_changes_in_names_that_are_not_inverted():
    names = [name for name in chembl_names().values() if ", " not in name]
    assert len(names) == 2621
    assert [display_name(name).upper() for name in names] == names


# Shapes ChEMBL names take that none of the 2,628 approved drugs has: each rule the module states.
@pytest.mark.parametrize(
    ("pref_name", "expected"),
    [
        ("N-ACETYLCYSTEINE", "N-Acetylcysteine"),
        ("N,N-DIMETHYLTRYPTAMINE", "N,N-Dimethyltryptamine"),
        ("(S)-IBUPROFEN", "(S)-Ibuprofen"),
        ("(1R,2S)-MILNACIPRAN", "(1R,2S)-Milnacipran"),
        ("DL-METHIONINE", "DL-Methionine"),
        ("(RS)-WARFARIN", "(RS)-Warfarin"),
        ("TRANS-TRAMADOL", "trans-Tramadol"),
        ("1H-INDOLE-3-ACETIC ACID", "1H-Indole-3-acetic acid"),
        ("L-DOPA", "L-DOPA"),
    ],
)
def test_the_name_proper_gets_the_capital_not_a_prefix_before_it(pref_name, expected):
    assert display_name(pref_name) == expected


@pytest.mark.parametrize(
    ("pref_name", "expected"),
    [
        ("IRON(III) CHLORIDE", "Iron(III) chloride"),
        ("FACTOR VIII", "Factor VIII"),
    ],
)
def test_roman_numerals_stay_capitals(pref_name, expected):
    assert display_name(pref_name) == expected


def test_a_metastable_radionuclide_keeps_a_small_m():
    assert display_name("TECHNETIUM TC 99M SESTAMIBI") == "Technetium Tc 99m sestamibi"


@pytest.mark.parametrize(("pref_name", "expected"), [("ABT-199", "ABT-199"), ("AT-101", "AT-101")])
def test_development_codes_stay_capitals_and_are_not_read_as_radionuclides(pref_name, expected):
    assert display_name(pref_name) == expected


@pytest.mark.parametrize("pref_name", ["", "   "])
def test_a_blank_name_has_no_display_name(pref_name):
    assert display_name(pref_name) == ""


def test_spaces_are_folded():
    assert display_name("  MILNACIPRAN   HYDROCHLORIDE ") == "Milnacipran hydrochloride"
