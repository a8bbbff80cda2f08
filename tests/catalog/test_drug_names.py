"""display_name: ChEMBL's upper-case preferred names in the case chemists write them."""

import csv
from pathlib import Path

import pytest
from django.conf import settings

from catalog.drug_names import display_name

CHEMBL_CSV = Path(settings.BASE_DIR) / "fixtures" / "chembl_approved_drugs.csv"
FILE_CASES: list[tuple[str, str]] = []


def real(pref_name: str, expected: str, chembl_id: str, rule: str):
    """A pref_name from fixtures/chembl_approved_drugs.csv; test_cases_come_from_the_file checks it is there."""
    FILE_CASES.append((chembl_id, pref_name))
    return pytest.param(pref_name, expected, id=f"{rule}: {chembl_id}")


def shape(pref_name: str, expected: str, rule: str):
    """A shape ChEMBL names take that none of the 2,628 approved drugs has."""
    return pytest.param(pref_name, expected, id=f"{rule}: {pref_name}")


CASES = [
    real("MILNACIPRAN HYDROCHLORIDE", "Milnacipran hydrochloride", "CHEMBL4297064", "lower case"),
    real("ACETYLCYSTEINE", "Acetylcysteine", "CHEMBL600", "lower case"),
    real("TENOFOVIR DISOPROXIL FUMARATE", "Tenofovir disoproxil fumarate", "CHEMBL1486", "lower case"),
    real("LATANOPROSTENE BUNOD", "Latanoprostene bunod", "CHEMBL2364612", "lower case"),
    real("AMPHOTERICIN B", "Amphotericin B", "CHEMBL267345", "letter alone"),
    real("PENICILLIN V", "Penicillin V", "CHEMBL615", "letter alone"),
    real("PENICILLIN G BENZATHINE", "Penicillin G benzathine", "CHEMBL3989515", "letter alone"),
    real("BRILLIANT BLUE G", "Brilliant blue G", "CHEMBL4173394", "letter alone"),
    real("E133", "E133", "CHEMBL4301898", "letter alone"),
    real("CABOZANTINIB S-MALATE", "Cabozantinib S-malate", "CHEMBL2103868", "stereodescriptor"),
    real("SAMIDORPHAN L-MALATE", "Samidorphan L-malate", "CHEMBL2105749", "stereodescriptor"),
    real("FLUDEOXYGLUCOSE F 18", "Fludeoxyglucose F 18", "CHEMBL1092067", "radionuclide"),
    real("FLUCICLOVINE F18", "Fluciclovine F18", "CHEMBL254468", "radionuclide"),
    real("FLUOROESTRADIOL F-18", "Fluoroestradiol F-18", "CHEMBL4594261", "radionuclide"),
    real("CHOLINE C-11", "Choline C-11", "CHEMBL2095207", "radionuclide"),
    real("IOFETAMINE HYDROCHLORIDE I 123", "Iofetamine hydrochloride I 123", "CHEMBL1200360", "radionuclide"),
    real("AMMONIA N 13", "Ammonia N 13", "CHEMBL1201189", "radionuclide"),
    real("SODIUM PHOSPHATE P 32", "Sodium phosphate P 32", "CHEMBL2107525", "radionuclide"),
    real("STRONTIUM CHLORIDE SR 89", "Strontium chloride Sr 89", "CHEMBL1200625", "radionuclide"),
    real("XENON XE 127", "Xenon Xe 127", "CHEMBL1200673", "radionuclide"),
    real("RUBIDIUM CHLORIDE RB 82", "Rubidium chloride Rb 82", "CHEMBL1200727", "radionuclide"),
    real("SELENOMETHIONINE SE 75", "Selenomethionine Se 75", "CHEMBL1201054", "radionuclide"),
    real("RADIUM RA 223 DICHLORIDE", "Radium Ra 223 dichloride", "CHEMBL2107816", "radionuclide"),
    real("ROSE BENGAL SODIUM I 131", "Rose bengal sodium I 131", "CHEMBL3989461", "radionuclide"),
    real("SULFADIAZINE, SILVER", "Silver sulfadiazine", "CHEMBL1382627", "inverted"),
    real("AMMONIA SOLUTION, STRONG", "Strong ammonia solution", "CHEMBL1160819", "inverted"),
    real("CAFFEINE, CITRATED", "Citrated caffeine", "CHEMBL1200569", "inverted"),
    real("SODIUM PHOSPHATE, DIBASIC", "Dibasic sodium phosphate", "CHEMBL2107560", "inverted"),
    real("TOLBUTAMIDE SODIUM, STERILE", "Sterile tolbutamide sodium", "CHEMBL1200874", "inverted"),
    real("MAGNESIA, [MILK OF]", "Milk of magnesia", "CHEMBL1200718", "inverted"),
    real("RIBOFLAVIN 5'-PHOSPHATE SODIUM", "Riboflavin 5'-phosphate sodium", "CHEMBL3989697", "locant digits"),
    real("OMEGA-3-ACID ETHYL ESTERS", "Omega-3-acid ethyl esters", "CHEMBL1200711", "greek letter"),
    real(
        "AMPHETAMINE ASPARTATE/DEXTROAMPHETAMINE SULFATE",
        "Amphetamine aspartate/dextroamphetamine sulfate",
        "CHEMBL5095048",
        "mixture",
    ),
    shape("N-ACETYLCYSTEINE", "N-acetylcysteine", "locant before the name proper"),
    shape("N,N-DIMETHYLTRYPTAMINE", "N,N-dimethyltryptamine", "locant before the name proper"),
    shape("(S)-IBUPROFEN", "(S)-ibuprofen", "stereodescriptor before the name proper"),
    shape("(1R,2S)-MILNACIPRAN", "(1R,2S)-milnacipran", "stereodescriptor before the name proper"),
    shape("DL-METHIONINE", "DL-methionine", "stereodescriptor before the name proper"),
    shape("(RS)-WARFARIN", "(RS)-warfarin", "stereodescriptor before the name proper"),
    shape("TRANS-TRAMADOL", "trans-tramadol", "italic prefix before the name proper"),
    shape("1H-INDOLE-3-ACETIC ACID", "1H-indole-3-acetic acid", "indicated hydrogen before the name proper"),
    shape("5-FLUOROURACIL", "5-fluorouracil", "numeric locant before the name proper"),
    shape("D-PENICILLAMINE", "D-penicillamine", "stereodescriptor before the name proper"),
    shape("O-DESMETHYLVENLAFAXINE", "O-desmethylvenlafaxine", "locant before the name proper"),
    shape("L-DOPA", "L-DOPA", "acronym"),
    shape("IRON(III) CHLORIDE", "Iron(III) chloride", "roman numeral"),
    shape("FACTOR VIII", "Factor VIII", "roman numeral"),
    shape("TECHNETIUM TC 99M SESTAMIBI", "Technetium Tc 99m sestamibi", "metastable radionuclide"),
    shape("ABT-199", "ABT-199", "development code"),
    shape("AT-101", "AT-101", "development code, not astatine"),
    shape("", "", "blank"),
    shape("   ", "", "blank"),
    shape("  MILNACIPRAN   HYDROCHLORIDE ", "Milnacipran hydrochloride", "spaces folded"),
]


@pytest.mark.parametrize(("pref_name", "expected"), CASES)
def test_display_name(pref_name, expected):
    assert display_name(pref_name) == expected


def chembl_names() -> dict[str, str]:
    with CHEMBL_CSV.open(encoding="utf-8", newline="") as file:
        return {row["molecule_chembl_id"]: row["pref_name"] for row in csv.DictReader(file)}


def test_cases_come_from_the_file():
    names = chembl_names()
    assert len(FILE_CASES) == 33
    assert [(chembl_id, names.get(chembl_id)) for chembl_id, _ in FILE_CASES] == FILE_CASES


def test_only_the_letter_case_changes_in_names_that_are_not_inverted():
    names = [name for name in chembl_names().values() if ", " not in name]
    assert len(names) == 2621
    assert [display_name(name).upper() for name in names] == names
