"""Structure-derived identifiers computed by RDKit, and the structure fields stored on a compound."""

from decimal import Decimal

import pytest

from catalog.chemistry import (
    StructureError,
    analyse_smiles,
    canonicalize,
    formula_counts,
    identifiers_from_smiles,
    structure_source,
)
from tests.factories import make_compound

MILNACIPRAN = "CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)C2=CC=CC=C2"
MILNACIPRAN_HCL = "Cl." + MILNACIPRAN


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
