"""IUPAC names read by OPSIN, and the stereo check that compares them with the structure atom by atom."""

import os
import shutil

import pytest
from django.core.management import call_command

from catalog.checks import Status, check_stereo
from catalog.models import Compound
from catalog.naming import inchis_from_names, opsin_jar, without_stereo
from catalog.services import read_iupac_names
from tests.factories import make_compound

MILNACIPRAN = "CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)C2=CC=CC=C2"
SEED_NAME = "(1R,2S)-2-(aminomethyl)-N,N-diethyl-1-phenylcyclopropane-1-carboxamide"
ENANTIOMER_NAME = "(1S,2R)-2-(aminomethyl)-N,N-diethyl-1-phenylcyclopropane-1-carboxamide"
SEED_INCHI = (
    "InChI=1S/C15H22N2O/c1-3-17(4-2)14(18)15(10-13(15)11-16)12-8-6-5-7-9-12/"
    "h5-9,13H,3-4,10-11,16H2,1-2H3/t13-,15+/m1/s1"
)


@pytest.fixture(autouse=True)
def opsin():
    if opsin_jar() is None or shutil.which("java") is None:
        if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
            pytest.fail("Java and the OPSIN jar (py2opsin) are needed")
        pytest.skip("Java or the OPSIN jar (py2opsin) is missing")


def test_opsin_reads_the_seed_name_as_the_seed_inchi():
    assert inchis_from_names([SEED_NAME]) == [SEED_INCHI]


def test_an_unreadable_name_gives_an_empty_answer_in_its_place():
    assert inchis_from_names(["not a chemical name", SEED_NAME])[0] == ""


def test_a_name_with_a_line_break_does_not_shift_the_next_answer():
    assert inchis_from_names(["2-(amino\nmethyl)benzene", SEED_NAME])[1] == SEED_INCHI


def test_without_stereo_keeps_the_constitution_only():
    assert without_stereo(SEED_INCHI) == SEED_INCHI.split("/t")[0]


def read(compound: Compound) -> Compound:
    read_iupac_names([compound])
    return Compound.objects.get(pk=compound.pk)


def test_the_seed_name_agrees_with_the_seed_structure_atom_by_atom(db):
    result = check_stereo(read(make_compound(isomeric_smiles=MILNACIPRAN, iupac_name=SEED_NAME)))
    assert (result.status, result.message) == (
        Status.AGREE,
        "OPSIN reads the name as exactly this structure, configuration included, atom by atom.",
    )


def test_the_enantiomers_name_disagrees_with_the_structure(db):
    result = check_stereo(read(make_compound(isomeric_smiles=MILNACIPRAN, iupac_name=ENANTIOMER_NAME)))
    assert (result.status, result.message.startswith("The name describes this structure with a different")) == (
        Status.DISAGREE,
        True,
    )


def test_a_name_of_another_compound_disagrees(db):
    result = check_stereo(read(make_compound(isomeric_smiles=MILNACIPRAN, iupac_name="benzene")))
    assert (result.status, result.message) == (
        Status.DISAGREE,
        "OPSIN reads the name as a different compound: the name does not describe this structure.",
    )


def test_without_a_reading_the_enantiomer_cannot_be_told_apart(db):
    result = check_stereo(make_compound(isomeric_smiles=MILNACIPRAN, iupac_name=ENANTIOMER_NAME))
    assert (result.status, "The name has not been read by OPSIN yet." in result.message) == (Status.AGREE, True)


def test_reading_a_name_gives_the_compound_a_new_revision(db):
    compound = make_compound(isomeric_smiles=MILNACIPRAN, iupac_name=SEED_NAME)
    assert read(compound).revision == compound.revision + 1


def test_names_are_read_once_until_they_change(db):
    compound = read(make_compound(isomeric_smiles=MILNACIPRAN, iupac_name=SEED_NAME))
    assert read_iupac_names([compound]) == []


def test_check_catalog_reads_names_that_changed(db):
    compound = make_compound(isomeric_smiles=MILNACIPRAN, iupac_name=SEED_NAME)
    call_command("check_catalog", verbosity=0)
    assert Compound.objects.get(pk=compound.pk).name_inchi == SEED_INCHI


def test_demo_milnacipran_page_says_opsin_agrees(client, demo_catalog):
    assert "OPSIN reads the name as exactly this structure" in client.get("/compounds/milnacipran/").content.decode()


def test_admin_refuses_the_enantiomers_name_without_a_confirmed_reason(staff_client, db):
    from tests.html_forms import form_data, form_errors

    compound = make_compound(isomeric_smiles=MILNACIPRAN, iupac_name=SEED_NAME)
    url = f"/admin/catalog/compound/{compound.pk}/change/"
    data = form_data(staff_client.get(url))
    data["iupac_name"] = ENANTIOMER_NAME
    response = staff_client.post(url, data)
    assert (response.status_code, Compound.objects.get(pk=compound.pk).iupac_name) == (200, SEED_NAME)
    assert "Stereo (IUPAC name vs structure)" in form_errors(response)[0]
