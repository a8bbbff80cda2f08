"""Bulk import (SDF, CSV) record by record, and exports that import back without change."""

import itertools
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalog.importing import Line, read_sdf
from catalog.models import Compound, RelatedForm, Synonym
from tests.factories import make_compound

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
BROKEN_SDF = DATA / "broken_records.sdf"
MILNACIPRAN = "CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)C2=CC=CC=C2"


def run(command: str, *args) -> str:
    out = StringIO()
    call_command(command, *args, "--no-progress", stdout=out, stderr=StringIO())
    return out.getvalue()


def write_csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "compounds.csv"
    path.write_text(text, encoding="utf-8")
    return path


# -- the broken SDF ---------------------------------------------------------------------------------


def test_dry_run_is_the_default_and_writes_nothing():
    output = run("import_compounds", str(BROKEN_SDF))
    assert Compound.objects.count() == 0
    assert "record 1: would create IMP0001 Milnacipran" in output
    assert "Dry run (nothing written; use --commit)" in output


def test_commit_imports_the_good_records_and_reports_the_bad_ones():
    output = run("import_compounds", str(BROKEN_SDF), "--commit")
    assert sorted(Compound.objects.values_list("catalog_number", flat=True)) == ["IMP0001", "IMP0005"]
    assert "record 2 (IMP0002): Unparsable structure: RDKit cannot read the MOL block." in output
    assert "record 3 (IMP0003): cas_number: CAS number 116539-59-5 fails its check digit" in output
    assert "record 4 (IMP0001): Duplicate catalog number IMP0001: record 1 has it." in output
    assert "5 records, 2 created, 0 updated, 0 unchanged, 3 bad" in output


def test_dry_run_reports_the_same_bad_records():
    output = run("import_compounds", str(BROKEN_SDF))
    assert "record 2 (IMP0002)" in output and "record 3 (IMP0003)" in output and "record 4 (IMP0001)" in output
    assert "2 would create" in output


def test_imported_records_have_computed_identifiers_and_synonyms():
    run("import_compounds", str(BROKEN_SDF), "--commit")
    milnacipran = Compound.objects.get(catalog_number="IMP0001")
    assert milnacipran.inchikey == milnacipran.computed_inchikey == "GJJFMKBJSRMPLA-HIFRSBDPSA-N"
    assert milnacipran.molecular_formula == "C15H22N2O"
    assert milnacipran.molecular_weight == Decimal("246.354")
    assert milnacipran.monoisotopic_mass == Decimal("246.1732")
    assert milnacipran.structure_svg.startswith("<svg")
    assert list(milnacipran.synonyms.values_list("name", flat=True)) == ["F 2207", "Midalcipran"]


def test_a_bad_record_changes_nothing_else():
    existing = make_compound(
        catalog_number="IMP0003",
        name="Kept as it was",
        isomeric_smiles="CCO",
        molecular_formula="C2H6O",
        molecular_weight=Decimal("46.069"),
    )
    Synonym.objects.create(compound=existing, name="ethanol")
    run("import_compounds", str(BROKEN_SDF), "--commit")  # record 3 would update IMP0003 but has a bad CAS
    existing.refresh_from_db()
    assert (existing.name, existing.cas_number, existing.isomeric_smiles) == ("Kept as it was", "", "CCO")
    assert list(existing.synonyms.values_list("name", flat=True)) == ["ethanol"]
    assert existing.history.count() == 1


def test_reader_streams_records_one_at_a_time():
    record = BROKEN_SDF.read_text().split("$$$$\n")[0] + "$$$$\n"
    endless = (Line(n, text) for n, text in enumerate(itertools.cycle(record.splitlines()), start=1))
    first_three = list(itertools.islice(read_sdf(endless), 3))
    assert [r.number for r in first_three] == [1, 2, 3]


def test_unknown_file_type_is_a_command_error(tmp_path):
    path = tmp_path / "compounds.txt"
    path.write_text("x")
    with pytest.raises(CommandError, match="Cannot tell the format"):
        run("import_compounds", str(path))


# -- CSV ------------------------------------------------------------------------------------------------


def test_csv_creates_then_updates_by_catalog_number(tmp_path):
    path = write_csv(tmp_path, f"catalog_number,name,smiles,cas\nIMP0001,Milnacipran,{MILNACIPRAN},96847-55-1\n")
    run("import_compounds", str(path), "--commit")
    path.write_text(f"catalog_number,name,smiles,cas\nIMP0001,Milnacipran (racemate),{MILNACIPRAN},96847-55-1\n")
    output = run("import_compounds", str(path), "--commit")
    assert "updated IMP0001" in output
    assert Compound.objects.get().name == "Milnacipran (racemate)"


def test_csv_without_catalog_number_updates_by_inchikey(tmp_path):
    make_compound(catalog_number="VC0006221", isomeric_smiles=MILNACIPRAN)
    path = write_csv(tmp_path, f"name,smiles,iupac_name\nMilnacipran,{MILNACIPRAN},\n")
    output = run("import_compounds", str(path), "--commit")
    assert "updated VC0006221" in output
    assert Compound.objects.count() == 1


def test_csv_new_catalog_number_for_a_known_structure_is_refused(tmp_path):
    make_compound(catalog_number="VC0006221", isomeric_smiles=MILNACIPRAN)
    path = write_csv(tmp_path, f"catalog_number,name,smiles\nIMP0009,Milnacipran,{MILNACIPRAN}\n")
    output = run("import_compounds", str(path), "--commit")
    assert "already in the catalog as VC0006221" in output
    assert Compound.objects.count() == 1


def test_csv_unparsable_smiles_is_reported(tmp_path):
    path = write_csv(tmp_path, "catalog_number,name,smiles\nIMP0001,Broken,C1CC(\n")
    output = run("import_compounds", str(path), "--commit")
    assert "record 1 (IMP0001): Unparsable structure" in output


def test_csv_disagreeing_values_need_a_reason(tmp_path):
    header = "catalog_number,name,smiles,molecular_weight,disagreement_reason\n"
    path = write_csv(tmp_path, header + f"IMP0001,Milnacipran,{MILNACIPRAN},264.35,\n")
    output = run("import_compounds", str(path), "--commit")
    assert "Entered values disagree with the structure: Molecular weight" in output
    assert Compound.objects.count() == 0
    path.write_text(header + f"IMP0001,Milnacipran,{MILNACIPRAN},264.35,Vendor batch certificate\n")
    run("import_compounds", str(path), "--commit")
    compound = Compound.objects.get()
    assert (compound.molecular_weight, compound.disagreement_reason) == (Decimal("264.35"), "Vendor batch certificate")


def test_csv_missing_header_is_a_command_error(tmp_path):
    path = write_csv(tmp_path, "name,cas\nX,50-00-0\n")
    with pytest.raises(CommandError, match="smiles column"):
        run("import_compounds", str(path))


# -- export and round trip --------------------------------------------------------------------------


@pytest.fixture
def catalog():
    salt = make_compound(
        name="Milnacipran Hydrochloride",
        slug="milnacipran-hydrochloride",
        catalog_number="CC0000010",
        cas_number="101152-94-7",
        isomeric_smiles="Cl." + MILNACIPRAN,
        molecular_formula="C15H23ClN2O",
        molecular_weight=Decimal("282.815"),
        inchikey="XNCDYJFPRPDERF-PBCQUBLHSA-N",
    )
    salt.inchi, salt.canonical_smiles = salt.computed_inchi, salt.computed_canonical_smiles
    salt.save()
    base = make_compound(
        name="Milnacipran",
        slug="milnacipran",
        catalog_number="VC0006221",
        cas_number="96847-55-1",
        iupac_name="(1R,2S)-2-(aminomethyl)-N,N-diethyl-1-phenylcyclopropane-1-carboxamide",
        isomeric_smiles=MILNACIPRAN,
        smiles="CCN(CC)C(=O)C1(CC1CN)C2=CC=CC=C2",
        canonical_smiles="CCN(CC)C(=O)C1(CC1CN)C2=CC=CC=C2",
        inchi="InChI=1S/C15H22N2O/c1-3-17(4-2)14(18)15(10-13(15)11-16)12-8-6-5-7-9-12"
        "/h5-9,13H,3-4,10-11,16H2,1-2H3/t13-,15+/m1/s1",
        inchikey="GJJFMKBJSRMPLA-HIFRSBDPSA-N",
        melting_point_celsius=Decimal("179"),
        melting_point_form=salt,
        melting_point_note="Reported for the hydrochloride.",
    )
    Synonym.objects.create(compound=base, name="F 2207", position=0)
    Synonym.objects.create(compound=base, name="Ixel, Savella", position=1)
    RelatedForm.objects.create(compound=base, related=salt, relation="salt_form")
    return base, salt


def snapshot() -> list[dict]:
    rows = Compound.objects.order_by("pk").values()
    synonyms = {
        pk: list(Synonym.objects.filter(compound_id=pk).values_list("name", flat=True))
        for pk in Compound.objects.values_list("pk", flat=True)
    }
    return [{**{k: v for k, v in row.items() if k != "updated_at"}, "synonyms": synonyms[row["id"]]} for row in rows]


@pytest.mark.parametrize("fmt", ["csv", "sdf"])
def test_export_imports_back_without_change(tmp_path, catalog, fmt):
    path = tmp_path / f"catalog.{fmt}"
    call_command("export_compounds", "-o", str(path), stdout=StringIO(), stderr=StringIO())
    before = snapshot()
    output = run("import_compounds", str(path), "--commit")
    assert "2 records, 0 created, 0 updated, 2 unchanged, 0 bad" in output
    assert snapshot() == before
    again = tmp_path / f"again.{fmt}"
    call_command("export_compounds", "-o", str(again), stdout=StringIO(), stderr=StringIO())
    assert again.read_text() == path.read_text()


@pytest.mark.parametrize("fmt", ["csv", "sdf"])
def test_export_imports_into_an_empty_catalog(tmp_path, catalog, fmt):
    path = tmp_path / f"catalog.{fmt}"
    call_command("export_compounds", "-o", str(path), stdout=StringIO(), stderr=StringIO())
    before = {c["catalog_number"]: c for c in snapshot()}
    Compound.objects.all().delete()
    run("import_compounds", str(path), "--commit")
    after = {c["catalog_number"]: c for c in snapshot()}
    # revision and structure_changed_at: bookkeeping, not data
    ignore = {"id", "created_at", "melting_point_form_id", "revision", "structure_changed_at"}
    for number, row in before.items():
        assert {k: v for k, v in after[number].items() if k not in ignore} == {
            k: v for k, v in row.items() if k not in ignore
        }
    assert Compound.objects.get(catalog_number="VC0006221").melting_point_form.catalog_number == "CC0000010"


def test_csv_export_to_stdout_has_the_documented_header(catalog):
    out = StringIO()
    call_command("export_compounds", "--format", "csv", stdout=out)
    assert out.getvalue().splitlines()[0].startswith("catalog_number,name,smiles,plain_smiles,cas,iupac_name,synonyms")


# -- the admin's import/export (django-import-export) ----------------------------------------------


def dataset(text: str):
    import tablib

    return tablib.Dataset().load(text, format="csv")


BAD_AND_GOOD = (
    "catalog_number,name,smiles,cas\n"
    f"IMP0001,Milnacipran,{MILNACIPRAN},96847-55-1\n"
    "IMP0002,Broken,C1CC(,\n"
    "IMP0003,Duloxetine,CNCC[C@H](Oc1cccc2ccccc12)c1cccs1,116539-59-5\n"
)


def test_admin_resource_applies_the_same_validation():
    from catalog.resources import CompoundResource

    result = CompoundResource().import_data(dataset(BAD_AND_GOOD), dry_run=False, use_transactions=True)
    messages = {row.number: " ".join(row.error.messages) for row in result.invalid_rows}
    assert sorted(messages) == [2, 3]
    assert "Unparsable structure" in messages[2]
    assert "fails its check digit" in messages[3]


def test_admin_resource_dry_run_writes_nothing():
    from catalog.resources import CompoundResource

    CompoundResource().import_data(dataset(BAD_AND_GOOD), dry_run=True, use_transactions=True)
    assert Compound.objects.count() == 0


def test_admin_resource_export_has_the_import_columns(catalog):
    from catalog.exporting import COLUMNS
    from catalog.resources import CompoundResource

    exported = CompoundResource().export()
    assert exported.headers == COLUMNS
    rows = {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in exported}
    assert rows["VC0006221"]["synonyms"] == "F 2207|Ixel, Savella"
    assert rows["VC0006221"]["melting_point_form"] == "CC0000010"


def test_admin_resource_export_imports_back_unchanged(catalog):
    from catalog.resources import CompoundResource

    text = CompoundResource().export().csv
    before = snapshot()
    result = CompoundResource().import_data(dataset(text), dry_run=False, use_transactions=True)
    assert not result.has_validation_errors() and not result.has_errors()
    assert snapshot() == before


def test_admin_import_page_is_there_for_staff(staff_client):
    assert staff_client.get("/admin/catalog/compound/import/").status_code == 200
    assert staff_client.get("/admin/catalog/compound/export/").status_code == 200
