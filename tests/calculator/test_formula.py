from decimal import Decimal

import pytest
from rdkit import Chem
from rdkit.Chem import Descriptors

from calculator.formula import FormulaError, molecular_weight_of_formula


def test_milnacipran_formula_gives_rdkit_mw():
    # 15 × 12.011 + 22 × 1.008 + 2 × 14.007 + 15.999
    assert molecular_weight_of_formula("C15H22N2O") == Decimal("246.354")


def test_formula_mw_matches_rdkit_molwt_of_the_structure():
    mol = Chem.MolFromSmiles("CCN(CC)C(=O)[C@]1(c2ccccc2)C[C@@H]1CN")
    assert float(molecular_weight_of_formula("C15H22N2O")) == pytest.approx(Descriptors.MolWt(mol), abs=1e-9)


def test_a_salt_written_with_a_dot_adds_its_parts():
    assert molecular_weight_of_formula("C15H22N2O.HCl") == Decimal("282.815")  # + 1.008 + 35.453


def test_a_hydrate_with_a_count_and_a_middle_dot():
    # CuSO4: 63.546 + 32.067 + 4 × 15.999 = 159.609; 5 H2O: 5 × 18.015 = 90.075
    assert molecular_weight_of_formula("CuSO4·5H2O") == Decimal("249.684")


def test_parentheses_multiply_their_group():
    assert molecular_weight_of_formula("Ca(OH)2") == Decimal("74.092")  # 40.078 + 2 × 17.007


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("", "Enter a molecular formula"),
        ("Xq2", "“Xq” is not an element symbol"),
        ("C15H22N2O)", "closing parenthesis"),
        ("(CH3", "not closed"),
        ("H0", "count of 0"),
        ("C-H", "“-” cannot appear"),
        ("C" * 201, "at most 200"),
        ("C200001", "A formula may have at most 200,000 atoms; check the counts."),
        ("C100000H100001", "A formula may have at most 200,000 atoms; check the counts."),
        ("(CH2)100000", "A formula may have at most 200,000 atoms; check the counts."),
        ("((((C99)99)99)99)99", "A formula may have at most 200,000 atoms; check the counts."),
        ("1000C1000", "A formula may have at most 200,000 atoms; check the counts."),
        ("C100000.C100001", "A formula may have at most 200,000 atoms; check the counts."),
        ("C" + "9" * 150, "A formula may have at most 200,000 atoms; check the counts."),
    ],
)
def test_bad_formulas_say_why(formula, message):
    with pytest.raises(FormulaError, match=message):
        molecular_weight_of_formula(formula)


def test_a_large_protein_formula_is_within_the_atom_limit():
    # An IgG antibody: 20,268 atoms.
    assert molecular_weight_of_formula("C6470H10012N1716O2026S44") > 140_000
    assert molecular_weight_of_formula("C200000") == Decimal("2402200.000")
