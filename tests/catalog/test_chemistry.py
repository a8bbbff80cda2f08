"""Structure-derived identifiers computed by RDKit, and the structure fields stored on a compound."""

from decimal import Decimal

import pytest
from rdkit import Chem
from rdkit.Chem import rdDepictor

from catalog import chemistry
from catalog.chemistry import (
    StructureError,
    StructureTooLarge,
    add_coordinates,
    analyse_smiles,
    canonicalize,
    check_structure_size,
    formula_counts,
    identifiers_from_smiles,
    mol_block,
    mol_from_smiles,
    single_line,
    structure_source,
)
from tests.factories import make_compound

MILNACIPRAN = "CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)C2=CC=CC=C2"
MILNACIPRAN_HCL = "Cl." + MILNACIPRAN


def ring(size: int) -> str:
    return "C1" + "C" * (size - 1) + "1"


def test_milnacipran_identifiers_match_the_seed():
    ids = identifiers_from_smiles(MILNACIPRAN)
    assert ids.molecular_formula == "C15H22N2O"
    assert ids.molecular_weight == Decimal("246.354")
    assert ids.inchikey == "GJJFMKBJSRMPLA-HIFRSBDPSA-N"
    assert ids.inchi == (
        "InChI=1S/C15H22N2O/c1-3-17(4-2)14(18)15(10-13(15)11-16)12-8-6-5-7-9-12"
        "/h5-9,13H,3-4,10-11,16H2,1-2H3/t13-,15+/m1/s1"
    )
    assert ids.canonical_smiles == "CCN(CC)C(=O)[C@]1(c2ccccc2)C[C@@H]1CN"


def test_monoisotopic_mass_is_computed():
    assert identifiers_from_smiles(MILNACIPRAN).monoisotopic_mass == Decimal("246.1732")


def test_unparsable_smiles_raises_structure_error():
    with pytest.raises(StructureError):
        identifiers_from_smiles("C1CC(")


def test_cip_labels_of_milnacipran_are_r_and_s():
    assert sorted(analyse_smiles(MILNACIPRAN).cip_labels) == ["R", "S"]


def test_salt_parent_is_the_free_base():
    analysis = analyse_smiles(MILNACIPRAN_HCL)
    assert analysis.fragment_count == 2
    assert analysis.identifiers.molecular_formula == "C15H23ClN2O"
    assert analysis.parent.molecular_formula == "C15H22N2O"
    assert analysis.parent.inchikey == "GJJFMKBJSRMPLA-HIFRSBDPSA-N"


def test_single_component_has_no_parent():
    assert analyse_smiles(MILNACIPRAN).parent is None


def test_structure_source_prefers_isomeric_smiles():
    assert structure_source(isomeric_smiles="C[C@H](N)O", smiles="CC(N)O") == "C[C@H](N)O"
    assert structure_source(isomeric_smiles="", smiles="CC(N)O") == "CC(N)O"


def test_canonicalize_tells_whether_the_input_carries_stereo():
    assert canonicalize("CC(N)O")[2] is False
    assert canonicalize("C[C@H](N)O")[2] is True
    assert canonicalize("not a smiles") is None


def test_formula_counts_read_salt_notation():
    assert formula_counts("C15H22N2O.HCl") == formula_counts("C15H23ClN2O")
    assert formula_counts("C15H22N2O") != formula_counts("C15H23ClN2O")
    assert formula_counts("2C2H4") == formula_counts("C4H8")
    assert formula_counts("not a formula") is None


@pytest.mark.django_db
def test_saving_a_compound_stores_computed_identifiers():
    compound = make_compound(isomeric_smiles=MILNACIPRAN)
    compound.refresh_from_db()
    assert compound.computed_inchikey == "GJJFMKBJSRMPLA-HIFRSBDPSA-N"
    assert compound.computed_formula == "C15H22N2O"
    assert compound.computed_molecular_weight == Decimal("246.354")
    assert compound.monoisotopic_mass == Decimal("246.1732")
    assert compound.computed_cip_labels in {"R,S", "S,R"}
    assert compound.structure_error == ""


@pytest.mark.django_db
def test_plain_smiles_is_the_structure_when_no_isomeric_one():
    compound = make_compound(smiles="CCO", molecular_formula="C2H6O", molecular_weight=Decimal("46.07"))
    assert compound.computed_formula == "C2H6O"


@pytest.mark.django_db
def test_unparsable_structure_is_recorded_not_raised():
    compound = make_compound(isomeric_smiles="C1CC(")
    assert compound.structure_error.startswith("RDKit cannot parse")
    assert compound.computed_inchikey == ""
    assert compound.has_structure is False


@pytest.mark.django_db
def test_changing_the_structure_recomputes(django_capture_on_commit_callbacks):
    compound = make_compound(isomeric_smiles=MILNACIPRAN)
    compound.isomeric_smiles = MILNACIPRAN_HCL
    compound.save()
    compound.refresh_from_db()
    assert compound.computed_formula == "C15H23ClN2O"
    assert compound.parent_formula == "C15H22N2O"


@pytest.mark.django_db
def test_saving_without_structure_change_does_not_recompute(monkeypatch):
    compound = make_compound(isomeric_smiles=MILNACIPRAN)
    monkeypatch.setattr("catalog.models.analyse_smiles", lambda smiles: pytest.fail("recomputed"))
    compound.cas_number = "96847-55-1"
    compound.save()


@pytest.mark.django_db
def test_save_with_update_fields_also_stores_the_recomputed_values():
    compound = make_compound(isomeric_smiles=MILNACIPRAN)
    compound.isomeric_smiles = MILNACIPRAN_HCL
    compound.save(update_fields=["isomeric_smiles"])
    compound.refresh_from_db()
    assert compound.computed_formula == "C15H23ClN2O"


# -- size limits -------------------------------------------------------------------------------------


@pytest.fixture
def rdkit_parses_nothing(monkeypatch):
    """Fails the test if RDKit is asked to parse anything."""
    monkeypatch.setattr(Chem, "MolFromSmiles", lambda *args, **kwargs: pytest.fail("RDKit parsed the SMILES"))


@pytest.mark.parametrize(
    ("smiles", "message"),
    [
        (
            "C" * 20_000,
            "The SMILES is 20,000 characters long; structures are limited to 3,000 characters and 300 atoms.",
        ),
        (ring(1024), "The structure has 1,024 atoms; structures are limited to 300 atoms."),
        ("C" * 301, "The structure has 301 atoms; structures are limited to 300 atoms."),
        (".".join(["C1CC1"] * 61), "The structure has 61 rings; structures are limited to 60 rings."),
    ],
)
def test_over_limit_smiles_is_refused_before_rdkit_parses_it(rdkit_parses_nothing, smiles, message):
    with pytest.raises(StructureTooLarge) as refused:
        mol_from_smiles(smiles)
    assert str(refused.value) == message


def test_a_ring_over_the_size_limit_is_refused():
    with pytest.raises(StructureTooLarge) as refused:
        mol_from_smiles(ring(101))
    assert str(refused.value) == "The structure has a 101-membered ring; rings are limited to 100 atoms."


def test_structures_at_the_limits_are_accepted():
    assert mol_from_smiles("C" * 300).GetNumAtoms() == 300
    assert mol_from_smiles(ring(100)).GetRingInfo().NumRings() == 1
    assert mol_from_smiles(".".join(["C1CC1"] * 60)).GetRingInfo().NumRings() == 60


def test_digits_inside_bracket_atoms_are_not_counted_as_rings():
    # Isotopes, H counts, charges and atom maps are digits too: 61 such atoms, no ring.
    check_structure_size(".".join(["[13CH3:12][NH3+]"] * 61))


def test_two_digit_ring_closures_count_once():
    assert mol_from_smiles("C%10CC%10").GetRingInfo().NumRings() == 1
    with pytest.raises(StructureTooLarge, match="61 rings"):
        check_structure_size(".".join(["C%10CC%10"] * 61))


def test_check_structure_size_is_silent_for_an_unparsable_smiles_within_the_limits():
    check_structure_size("C1CC(")


def test_an_over_limit_structure_is_a_structure_error_for_callers_that_catch_those():
    with pytest.raises(StructureError):
        analyse_smiles(ring(1024))


def test_canonicalize_gives_none_for_an_over_limit_smiles(rdkit_parses_nothing):
    assert canonicalize("C" * 20_000) is None


def test_cip_labelling_over_its_budget_is_a_structure_error(monkeypatch):
    monkeypatch.setattr(chemistry, "CIP_MAX_ITERATIONS", 1)
    with pytest.raises(StructureError) as refused:
        analyse_smiles(MILNACIPRAN)
    assert str(refused.value) == (
        "RDKit cannot assign CIP (R/S, E/Z) labels to this structure within its budget (it is too symmetrical)."
    )


@pytest.mark.django_db
def test_an_over_limit_structure_is_recorded_on_the_compound_and_not_drawn():
    compound = make_compound(isomeric_smiles=ring(1024))
    assert compound.structure_error == "The structure has 1,024 atoms; structures are limited to 300 atoms."
    assert (compound.structure_svg, compound.has_structure) == ("", False)


# -- coordinates -------------------------------------------------------------------------------------


def test_an_ordinary_structure_is_laid_out_by_coordgen():
    assert add_coordinates(mol_from_smiles(MILNACIPRAN)) == "coordgen"


def test_a_40_membered_ring_falls_back_to_rdkits_own_layout():
    # CoordGen takes minutes on a bare 40-carbon ring; its budget runs out and RDKit's layout is used.
    mol = mol_from_smiles(ring(40))
    assert add_coordinates(mol) == "rdkit"
    assert mol.GetNumConformers() == 1


@pytest.mark.parametrize("preference", [False, True])
def test_coordinates_leave_the_process_wide_coordgen_preference_as_it_was(preference):
    before = rdDepictor.GetPreferCoordGen()
    rdDepictor.SetPreferCoordGen(preference)
    try:
        mol_block(MILNACIPRAN)
        mol_block(ring(40))
        assert rdDepictor.GetPreferCoordGen() is preference
    finally:
        rdDepictor.SetPreferCoordGen(before)


# -- fields written into MOL/SD records --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Milnacipran", "Milnacipran"),
        ("Evil\n$$$$\nforged", "Evil $$$$ forged"),
        ("a\r\nb\tc\x00d\u2028e", "a b c d e"),
        ("$$$$", " $$$$"),
        ("\n$$$$ x", " $$$$ x"),
    ],
)
def test_single_line_cannot_end_or_split_a_record(text, line):
    assert single_line(text) == line
