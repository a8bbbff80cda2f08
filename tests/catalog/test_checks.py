"""Each check with an agreeing and a disagreeing example, and the milnacipran case from the seed."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from catalog.checks import Status, check_compound, mw_agrees, name_descriptors, unconfirmed
from catalog.models import Compound, RelatedForm
from tests.factories import make_compound

pytestmark = pytest.mark.django_db

MILNACIPRAN = "CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)C2=CC=CC=C2"
MILNACIPRAN_HCL = "Cl." + MILNACIPRAN
SEED = {
    "name": "Milnacipran",
    "slug": "milnacipran",
    "catalog_number": "VC0006221",
    "cas_number": "96847-55-1",
    "molecular_formula": "C15H22N2O",
    "molecular_weight": Decimal("246.35"),
    "iupac_name": "(1R,2S)-2-(aminomethyl)-N,N-diethyl-1-phenylcyclopropane-1-carboxamide",
    "inchi": "InChI=1S/C15H22N2O/c1-3-17(4-2)14(18)15(10-13(15)11-16)12-8-6-5-7-9-12"
    "/h5-9,13H,3-4,10-11,16H2,1-2H3/t13-,15+/m1/s1",
    "inchikey": "GJJFMKBJSRMPLA-HIFRSBDPSA-N",
    "isomeric_smiles": MILNACIPRAN,
    "smiles": "CCN(CC)C(=O)C1(CC1CN)C2=CC=CC=C2",
    "canonical_smiles": "CCN(CC)C(=O)C1(CC1CN)C2=CC=CC=C2",
    "melting_point_celsius": Decimal("179"),
}


def results(compound, **kwargs) -> dict[str, Status]:
    return {r.code: r for r in check_compound(compound, **kwargs)}


def status(compound, code: str) -> Status:
    return results(compound)[code].status


# -- milnacipran, as the seed gives it ---------------------------------------------------------------


@pytest.fixture
def milnacipran_pair():
    salt = make_compound(
        name="Milnacipran Hydrochloride",
        slug="milnacipran-hydrochloride",
        catalog_number="CC0000010",
        cas_number="101152-94-7",
        isomeric_smiles=MILNACIPRAN_HCL,
        molecular_formula="C15H23ClN2O",
        molecular_weight=Decimal("282.815"),
    )
    base = make_compound(**SEED, melting_point_form=salt, melting_point_note="The seed page reports it.")
    RelatedForm.objects.create(compound=base, related=salt, relation="salt_form")
    return base, salt


@pytest.mark.parametrize(
    "code", ["structure", "canonical_smiles", "smiles", "inchi", "inchikey", "formula", "molecular_weight", "cas"]
)
def test_milnacipran_stored_values_agree_with_its_structure(milnacipran_pair, code):
    assert status(milnacipran_pair[0], code) == Status.AGREE


def test_milnacipran_stereo_agrees_with_its_iupac_name(milnacipran_pair):
    result = results(milnacipran_pair[0])["stereo"]
    assert result.status == Status.AGREE
    assert result.entered == "R, S"


def test_milnacipran_melting_point_is_flagged_as_the_hydrochlorides(milnacipran_pair):
    result = results(milnacipran_pair[0])["melting_point_form"]
    assert result.status == Status.FLAGGED
    assert result.entered == "179 °C"
    assert "Milnacipran Hydrochloride" in result.message


def test_milnacipran_melting_point_value_is_not_changed(milnacipran_pair):
    base = milnacipran_pair[0]
    base.refresh_from_db()
    assert base.melting_point_celsius == Decimal("179")


def test_milnacipran_has_no_disagreements(milnacipran_pair):
    assert unconfirmed(milnacipran_pair[0], milnacipran_pair[0].full_check()) == []


def test_salt_parent_agrees_with_the_linked_free_base(milnacipran_pair):
    result = results(milnacipran_pair[1])["salt_parent"]
    assert result.status == Status.AGREE
    assert result.computed == "C15H22N2O, 246.354 g/mol"


def test_monoisotopic_mass_is_shown_as_computed(milnacipran_pair):
    result = results(milnacipran_pair[0])["monoisotopic_mass"]
    assert result.status == Status.COMPUTED
    assert result.computed == "246.1732 Da"


# -- each check, agreeing and disagreeing -------------------------------------------------------------


def test_mw_agrees_to_the_entered_precision():
    assert mw_agrees(Decimal("246.35"), Decimal("246.354"))
    assert mw_agrees(Decimal("246.4"), Decimal("246.354"))
    assert not mw_agrees(Decimal("246.2"), Decimal("246.354"))
    assert not mw_agrees(Decimal("264.35"), Decimal("246.354"))


def test_hand_typed_wrong_mw_disagrees():
    compound = make_compound(isomeric_smiles=MILNACIPRAN, molecular_weight=Decimal("264.35"))
    assert status(compound, "molecular_weight") == Status.DISAGREE


def test_wrong_formula_disagrees():
    compound = make_compound(isomeric_smiles=MILNACIPRAN, molecular_formula="C15H20N2O")
    assert status(compound, "formula") == Status.DISAGREE


def test_salt_formula_in_dot_notation_agrees():
    compound = make_compound(
        isomeric_smiles=MILNACIPRAN_HCL, molecular_formula="C15H22N2O.HCl", molecular_weight=Decimal("282.82")
    )
    assert status(compound, "formula") == Status.AGREE
    assert status(compound, "molecular_weight") == Status.AGREE


def test_free_base_formula_and_mw_on_a_salt_disagree_and_say_why():
    compound = make_compound(isomeric_smiles=MILNACIPRAN_HCL)  # factory default: the free base's values
    checks = results(compound)
    assert checks["formula"].status == Status.DISAGREE
    assert "free base's formula" in checks["formula"].message
    assert checks["molecular_weight"].status == Status.DISAGREE
    assert "free base's MW" in checks["molecular_weight"].message


def test_salt_parent_disagrees_with_a_wrongly_linked_free_base():
    other = make_compound(
        isomeric_smiles="CNCC[C@H](Oc1cccc2ccccc12)c1cccs1",
        molecular_formula="C18H19NOS",
        molecular_weight=Decimal("297.42"),
    )
    salt = make_compound(
        isomeric_smiles=MILNACIPRAN_HCL, molecular_formula="C15H23ClN2O", molecular_weight=Decimal("282.815")
    )
    RelatedForm.objects.create(compound=other, related=salt, relation="salt_form")
    assert status(salt, "salt_parent") == Status.DISAGREE


def test_salt_without_linked_free_base_shows_its_parent_as_computed():
    salt = make_compound(
        isomeric_smiles=MILNACIPRAN_HCL, molecular_formula="C15H23ClN2O", molecular_weight=Decimal("282.815")
    )
    assert status(salt, "salt_parent") == Status.COMPUTED


def test_inchikey_of_another_structure_disagrees():
    compound = make_compound(isomeric_smiles=MILNACIPRAN, inchikey="GJJFMKBJSRMPLA-DZGCQCFKSA-N")
    assert status(compound, "inchikey") == Status.DISAGREE


def test_inchi_agrees_and_disagrees():
    good = make_compound(isomeric_smiles=MILNACIPRAN, inchi=SEED["inchi"])
    bad = make_compound(isomeric_smiles=MILNACIPRAN, inchi=SEED["inchi"].replace("/m1/", "/m0/"))
    assert status(good, "inchi") == Status.AGREE
    assert status(bad, "inchi") == Status.DISAGREE


def test_canonical_smiles_with_other_stereo_disagrees():
    compound = make_compound(isomeric_smiles=MILNACIPRAN, canonical_smiles="CCN(CC)C(=O)[C@]1(C[C@H]1CN)c1ccccc1")
    assert status(compound, "canonical_smiles") == Status.DISAGREE


def test_non_stereo_canonical_smiles_is_compared_without_stereo():
    compound = make_compound(isomeric_smiles=MILNACIPRAN, canonical_smiles="CCN(CC)C(=O)C1(CC1CN)c1ccccc1")
    result = results(compound)["canonical_smiles"]
    assert result.status == Status.AGREE
    assert "without stereo" in result.message


def test_canonical_smiles_of_another_skeleton_disagrees():
    compound = make_compound(isomeric_smiles=MILNACIPRAN, canonical_smiles="CCN(CC)C(=O)C1(CC1C)c1ccccc1")
    assert status(compound, "canonical_smiles") == Status.DISAGREE


def test_unparsable_structure_is_a_disagreement_and_nothing_else_is_checked():
    compound = make_compound(isomeric_smiles="C1CC(", inchikey=SEED["inchikey"])
    checks = results(compound)
    assert checks["structure"].status == Status.DISAGREE
    assert checks["inchikey"].status == Status.NOT_CHECKED


def test_cas_check_digit_agrees_and_disagrees():
    assert status(make_compound(cas_number="96847-55-1"), "cas") == Status.AGREE
    bad = make_compound()
    bad.cas_number = "96847-55-2"  # the model's validator would refuse it in a form; checks still say so
    assert status(bad, "cas") == Status.DISAGREE


def test_cas_number_of_another_form_disagrees():
    make_compound(name="Milnacipran Hydrochloride", cas_number="101152-94-7")
    compound = make_compound(cas_number="101152-94-7")
    result = {r.code: r for r in compound.full_check()}["cas"]
    assert result.status == Status.DISAGREE
    assert "Milnacipran Hydrochloride" in result.message


def test_enantiomers_stereo_in_name_contradicting_structure_disagrees():
    compound = make_compound(isomeric_smiles=MILNACIPRAN, iupac_name=SEED["iupac_name"].replace("(1R,2S)", "(1R,2R)"))
    assert status(compound, "stereo") == Status.DISAGREE


def test_single_stereocentre_name_agrees_and_disagrees():
    duloxetine = "CNCC[C@H](Oc1cccc2ccccc12)c1cccs1"
    name = "(3S)-N-methyl-3-(naphthalen-1-yloxy)-3-(thiophen-2-yl)propan-1-amine"
    assert status(make_compound(isomeric_smiles=duloxetine, iupac_name=name), "stereo") == Status.AGREE
    wrong = make_compound(isomeric_smiles=duloxetine, iupac_name=name.replace("(3S)", "(3R)"))
    assert status(wrong, "stereo") == Status.DISAGREE


def test_name_with_descriptors_for_a_structure_without_stereo_disagrees():
    compound = make_compound(isomeric_smiles="CCN(CC)C(=O)C1(CC1CN)c1ccccc1", iupac_name=SEED["iupac_name"])
    assert status(compound, "stereo") == Status.DISAGREE


def test_structure_with_stereo_but_name_without_disagrees():
    name = "2-(aminomethyl)-N,N-diethyl-1-phenylcyclopropane-1-carboxamide"
    assert status(make_compound(isomeric_smiles=MILNACIPRAN, iupac_name=name), "stereo") == Status.DISAGREE


def test_racemic_name_is_not_compared():
    compound = make_compound(isomeric_smiles=MILNACIPRAN, iupac_name="rac-" + SEED["iupac_name"])
    assert status(compound, "stereo") == Status.NOT_CHECKED


def test_name_descriptors_ignore_substituent_parentheses():
    assert name_descriptors("(3R)-N-methyl-3-(2-methylphenoxy)-3-phenylpropan-1-amine") == (["R"], [], False)
    assert name_descriptors("(2E,4Z)-hexa-2,4-dienoic acid") == ([], ["E", "Z"], False)


def test_melting_point_without_form_mark_is_given_for_this_form():
    compound = make_compound(melting_point_celsius=Decimal("100"))
    assert status(compound, "melting_point_form") == Status.NOT_CHECKED


# -- the page --------------------------------------------------------------------------------------------


def test_page_lists_each_check_with_its_result(client, milnacipran_pair):
    soup = BeautifulSoup(client.get("/compounds/milnacipran/").content, "html.parser")
    rows = {
        row.select_one(".check-label").get_text(strip=True): row.select_one(".check-status").get_text(strip=True)
        for row in soup.select(".identifier-checks details li.check")
    }
    assert rows["Standard InChIKey"] == "agrees"
    assert rows["Molecular weight"] == "agrees"
    assert rows["Stereo (IUPAC name vs structure)"] == "agrees"
    assert rows["Melting point"] == "flagged"


def test_page_sums_the_checks_up_in_one_line(client, milnacipran_pair):
    soup = BeautifulSoup(client.get("/compounds/milnacipran/").content, "html.parser")
    summary = soup.select_one(".identifier-checks .checks-summary").get_text(" ", strip=True)
    assert (
        summary == "✓ Identifiers checked against the structure: 7 of 7 checked identifiers agree with the structure."
    )


def test_the_summary_counts_only_checks_against_the_structure_and_names_a_bad_cas_number(db):
    compound = make_compound(isomeric_smiles=MILNACIPRAN, molecular_formula="C15H22N2O", cas_number="96847-55-2")
    summary = compound.identifier_check_summary
    assert (summary.status, summary.text) == (
        Status.DISAGREE,
        "2 of 2 checked identifiers agree with the structure. CAS No.: Fails its check digit.",
    )


def test_page_keeps_staff_notes_and_the_entered_versus_computed_table_out(client, milnacipran_pair):
    Compound.objects.filter(slug="milnacipran").update(melting_point_note="Staff only: the seed page gives 179 °C.")
    soup = BeautifulSoup(client.get("/compounds/milnacipran/").content, "html.parser")
    checks = soup.select_one(".identifier-checks")
    assert ("Staff only" in checks.get_text(), checks.find("table")) == (False, None)


def test_page_marks_a_disagreement(client):
    compound = make_compound(isomeric_smiles=MILNACIPRAN, molecular_weight=Decimal("264.35"))
    soup = BeautifulSoup(client.get(compound.get_absolute_url()).content, "html.parser")
    row = soup.select_one(".identifier-checks li.check-disagree")
    assert row.select_one(".check-label").get_text(strip=True) == "Molecular weight"
    summary = soup.select_one(".identifier-checks .checks-summary")
    assert summary.get_text(" ", strip=True).endswith(
        "1 of 2 checked identifiers differ from the structure: Molecular weight."
    )


# -- manage.py check_catalog -------------------------------------------------------------------------


def run_check_catalog(*args) -> str:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("check_catalog", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_check_catalog_reports_the_milnacipran_melting_point_and_passes_strict(milnacipran_pair):
    output = run_check_catalog("--strict")
    assert "FLAGGED" in output and "Reported for Milnacipran Hydrochloride" in output
    assert "0 compounds have disagreements nobody has accepted" in output


def test_check_catalog_strict_fails_on_a_disagreement(milnacipran_pair):
    from django.core.management import CommandError

    make_compound(name="Typo", catalog_number="TC9999999", isomeric_smiles=MILNACIPRAN, molecular_weight="264.35")
    with pytest.raises(CommandError) as error:
        run_check_catalog("--strict")
    assert error.value.returncode == 1


def test_check_catalog_without_strict_reports_but_succeeds(milnacipran_pair):
    make_compound(name="Typo", catalog_number="TC9999999", isomeric_smiles=MILNACIPRAN, molecular_weight="264.35")
    output = run_check_catalog()
    assert "TC9999999  Typo" in output
    assert "DISAGREES" in output and "Molecular weight" in output


def test_check_catalog_accepts_a_confirmed_disagreement_under_strict(milnacipran_pair):
    from catalog.checks import confirm

    typo = make_compound(catalog_number="TC9999999", isomeric_smiles=MILNACIPRAN, molecular_weight="264.35")
    confirm(typo, typo.full_check(), "Batch certificate says so.")
    typo.save()
    output = run_check_catalog("--strict")
    assert "accepted by staff because: Batch certificate says so." in output


def test_demo_fixture_flags_milnacipran_melting_point_without_changing_it(demo_entries):
    milnacipran = demo_entries["VC0006221"]
    assert milnacipran["melting_point_celsius"] == "179"
    assert milnacipran["melting_point_form"] == "CC0000010"
    assert demo_entries["CC0000010"]["name"] == "Milnacipran Hydrochloride"
