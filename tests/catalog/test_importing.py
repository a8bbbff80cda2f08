"""The importer on hostile files: every file ends in a summary, every bad record says why, and a dry
run reports exactly what a commit does while writing nothing."""

import re
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.importing import Importer, LineReader, Outcome, check_head, file_format, read_records
from catalog.models import Compound, RelatedForm
from tests.factories import make_compound

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
MILNACIPRAN = "CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)C2=CC=CC=C2"
ETHANOL_KEY = "LFQSCWFLJHTTHZ-UHFFFAOYSA-N"


def run(path: Path, *args) -> list[str]:
    """The command's output lines, the summary's timing left out."""
    out = StringIO()
    try:
        call_command("import_compounds", str(path), *args, "--no-progress", stdout=out, stderr=StringIO())
    finally:
        run.output = re.sub(r", in \d+\.\d s\.", ".", out.getvalue()).splitlines()
    return run.output


def outcomes(path: Path, *, commit: bool) -> list[Outcome]:
    with path.open("rb") as stream:
        check_head(stream.read(8192))
        stream.seek(0)
        return list(Importer(commit=commit).run(read_records(LineReader(stream), file_format(path))))


def catalog_numbers() -> list[str]:
    return sorted(Compound.objects.values_list("catalog_number", flat=True))


# -- encodings and binary files -----------------------------------------------------------------


def test_latin1_file_reports_its_non_utf8_line_and_imports_the_rest():
    assert run(DATA / "latin1.csv", "--commit") == [
        "record 1: created IMP0101 Ethanol",
        "record 2 (IMP0102): Line 3 is not UTF-8 (byte 0xE9 at character 12): save the file as UTF-8.",
        "record 3: created IMP0103 Propanol",
        "Imported: 3 records, 2 created, 0 updated, 0 unchanged, 1 bad.",
    ]


def test_mid_file_bad_byte_spoils_only_its_record():
    assert run(DATA / "mid_file_bad_byte.csv", "--commit")[3:] == [
        "record 4 (IMP0604): Line 5 is not UTF-8 (byte 0xFF at character 16): save the file as UTF-8.",
        "record 5: created IMP0605 Alkane 5",
        "record 6: created IMP0606 Alkane 6",
        "Imported: 6 records, 5 created, 0 updated, 0 unchanged, 1 bad.",
    ]


def test_mid_file_bad_byte_commits_the_records_before_and_after_it():
    run(DATA / "mid_file_bad_byte.csv", "--commit")
    assert catalog_numbers() == ["IMP0601", "IMP0602", "IMP0603", "IMP0605", "IMP0606"]


def test_utf16_file_is_refused_with_a_summary():
    with pytest.raises(CommandError):
        run(DATA / "utf16.csv", "--commit")
    assert run.output == [
        "Imported: 0 records, 0 created, 0 updated, 0 unchanged, 0 bad. Stopped: The file is UTF-16 (it starts "
        "with a UTF-16 byte-order mark): save it as UTF-8."
    ]


def test_utf16_without_a_byte_order_mark_is_refused(tmp_path):
    path = tmp_path / "no-bom.csv"
    path.write_bytes("catalog_number,name,smiles\nIMP0201,Ethanol,CCO\n".encode("utf-16-le"))
    with pytest.raises(CommandError, match=r"^The file looks like UTF-16 \(every other byte is zero\)"):
        run(path)


def test_binary_file_is_refused_with_a_summary():
    with pytest.raises(CommandError) as caught:
        run(DATA / "binary.csv")
    assert str(caught.value) == (
        "The file is not text (it holds zero bytes and bytes that are not UTF-8): give a CSV or SDF file saved as "
        "UTF-8 (a spreadsheet's .xlsx must be saved as CSV first)."
    )


def test_missing_file_ends_in_a_summary(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(tmp_path / "absent.csv")
    assert run.output[-1].startswith("Dry run (nothing written; use --commit): 0 records,")


# -- huge cells, quotes, cell counts ------------------------------------------------------------


def test_huge_cell_is_reported_by_its_line():
    assert run(DATA / "huge_cell.csv", "--commit") == [
        "record 1: created IMP0301 Ethanol",
        "record 2: Line 3 is 200,012 bytes long; a line may have at most 131,072 (is a cell pasted in by mistake?).",
        "record 3: created IMP0303 Propanol",
        "Imported: 3 records, 2 created, 0 updated, 0 unchanged, 1 bad.",
    ]


def test_unclosed_quote_spoils_only_its_own_line():
    assert run(DATA / "unbalanced_quote.csv", "--commit") == [
        "record 1: created IMP0401 Ethanol",
        "record 2 (IMP0402): Line 3: the quote that opens the name cell is not closed on this line (a cell cannot "
        "run over several lines).",
        "record 3: created IMP0403 Butanol",
        "record 4: created IMP0404 Pentanol, n-",
        "Imported: 4 records, 3 created, 0 updated, 0 unchanged, 1 bad.",
    ]


def test_text_after_a_closing_quote_is_reported(tmp_path):
    path = tmp_path / "quotes.csv"
    path.write_text('catalog_number,name,smiles\nIMP0001,"Ethanol"x,CCO\n')
    assert run(path)[0] == "record 1: Line 2 is not valid CSV: ',' expected after '\"'."


def test_a_row_with_too_few_cells_is_refused_not_blanked(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("catalog_number,name,smiles,cas\nIMP0001,Ethanol,CCO\n")
    assert run(path)[0] == "record 1 (IMP0001): Line 2 has 3 cells; the header has 4 columns."


def test_blank_lines_are_not_records(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("catalog_number,name,smiles\n\nIMP0001,Ethanol,CCO\n\n")
    assert run(path)[-1] == "Dry run (nothing written; use --commit): 1 records, 1 would create, 0 would update, " + (
        "0 unchanged, 0 bad."
    )


def test_header_given_twice_is_refused(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("catalog_number,name,smiles,name\nIMP0001,Ethanol,CCO,Ethanol\n")
    with pytest.raises(CommandError) as caught:
        run(path)
    assert str(caught.value) == "Columns given twice in the header: name."


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError) as caught:
        run(path)
    assert str(caught.value) == "The file is empty: a CSV needs a header row (see catalog/IMPORT.md)."


def test_hostile_sdf_reports_each_bad_record_and_imports_the_rest():
    assert run(DATA / "hostile.sdf", "--commit") == [
        "record 1: created IMP0801 Ethanol",
        "record 2 (IMP0802): Line 34 is not UTF-8 (byte 0xE9 at character 10): save the file as UTF-8.",
        "record 3 (IMP0803): Line 53 is 200,006 bytes long; a line may have at most 131,072 (is a cell pasted in "
        "by mistake?).",
        "record 4: created IMP0804 Pentane",
        "Imported: 4 records, 2 created, 0 updated, 0 unchanged, 2 bad.",
    ]


def test_sdf_record_without_end_marker_is_bounded(tmp_path):
    path = tmp_path / "endless.sdf"
    path.write_bytes(b"x\n" * 600_000)  # 1.2 MB without M  END or $$$$
    assert run(path) == [
        "record 1: The record from line 1 is longer than 1,048,576 bytes.",
        "Dry run (nothing written; use --commit): 1 records, 0 would create, 0 would update, 0 unchanged, 1 bad.",
    ]


def v3000_chain(atoms: int) -> str:
    """A MOL block (V3000: V2000 stops at 999 atoms) of a linear carbon chain, written by hand."""
    lines = ["Chain", "  handwritten", "", "  0  0  0     0  0            999 V3000", "M  V30 BEGIN CTAB"]
    lines += [f"M  V30 COUNTS {atoms} {atoms - 1} 0 0 0", "M  V30 BEGIN ATOM"]
    lines += [f"M  V30 {n} C 0 0 0 0" for n in range(1, atoms + 1)]
    lines += ["M  V30 END ATOM", "M  V30 BEGIN BOND"]
    lines += [f"M  V30 {n} 1 {n} {n + 1}" for n in range(1, atoms)]
    return "\n".join([*lines, "M  V30 END BOND", "M  V30 END CTAB", "M  END"])


@pytest.mark.django_db
def test_an_oversized_mol_block_is_refused_before_rdkit_writes_it(tmp_path):
    # A chain of some 19,000 atoms made MolToSmiles crash the whole import (a segfault); this one fits
    # the 1 MiB record limit.
    path = tmp_path / "chain.sdf"
    path.write_text(f"{v3000_chain(18_000)}\n> <catalog_number>\nBIG0001\n\n> <name>\nChain\n\n$$$$\n")
    assert run(path)[0] == "record 1 (BIG0001): The structure has 18,000 atoms; structures are limited to 300 atoms."


# -- control characters -------------------------------------------------------------------------


def test_control_characters_are_refused_and_shown_escaped():
    assert run(DATA / "control_characters.csv", "--commit") == [
        "record 1 (IMP0701): name: Remove the control character U+0000 (NUL) at character 6: text cannot hold it.",
        "record 2 (IMP0702): name: Remove the control character U+001B at character 5: text cannot hold it.",
        "record 3 (IMP07\\x0003): catalog_number: Remove the control character U+0000 (NUL) at character 6: text "
        "cannot hold it.",
        "record 4: created IMP0704 Pentanol",
        "Imported: 4 records, 1 created, 0 updated, 0 unchanged, 3 bad.",
    ]


# -- duplicates ---------------------------------------------------------------------------------


@pytest.fixture
def milnacipran():
    return make_compound(
        catalog_number="VC0006221", name="Milnacipran", slug="milnacipran", isomeric_smiles=MILNACIPRAN
    )


def test_duplicates_within_the_file_and_of_the_catalog(milnacipran):
    milnacipran_key = milnacipran.computed_inchikey
    assert run(DATA / "duplicate_structures.csv", "--commit") == [
        "record 1: created IMP0501 Ethanol",
        f"record 2 (IMP0502): The same structure (InChIKey {ETHANOL_KEY}) is already in this file: record 1 "
        "imports it as IMP0501; give that catalog number to update it.",
        "record 3 (IMP0501): Duplicate catalog number IMP0501: record 1 has it.",
        "record 4: No catalog number, and record 1 of this file already imports this structure (as IMP0501).",
        f"record 5 (IMP0505): The same structure (InChIKey {milnacipran_key}) is already in the catalog as "
        "VC0006221; give that catalog number to update it.",
        "record 6: created IMP0506 Propanol",
        "record 7: created IMP0507 Propanol",
        "Imported: 7 records, 3 created, 0 updated, 0 unchanged, 4 bad.",
    ]


def test_same_name_twice_in_a_file_gets_a_second_slug(milnacipran):
    run(DATA / "duplicate_structures.csv", "--commit")
    slugs = dict(Compound.objects.filter(catalog_number__startswith="IMP05").values_list("catalog_number", "slug"))
    assert slugs == {"IMP0501": "ethanol", "IMP0506": "propanol", "IMP0507": "propanol-imp0507"}


# -- dry run and commit agree -------------------------------------------------------------------

MIXED = (
    "catalog_number,name,smiles,cas,slug,molecular_weight,melting_point_celsius,melting_point_form,"
    "melting_point_note,disagreement_reason\n"
    # an update that moves an existing compound off its slug, then a new compound taking that slug
    "VC0000001,Ethanol,CCO,,ethyl-alcohol,,,,,\n"
    "IMP0002,Ethanol (new page),CC(=O)O,,ethanol,,,,,\n"
    # a melting point measured on a form created earlier in the file
    "IMP0003,Propanol,CCCO,,,,,,,\n"
    "IMP0004,Propanol sodium salt,CCC[O-].[Na+],,,,-126.5,IMP0003,Reported for the free alcohol,\n"
    # the same CAS as a compound created earlier in the file needs a reason
    "IMP0005,Butanol,CCCCO,71-36-3,,,,,,\n"
    "IMP0006,Isobutanol,CC(C)CO,71-36-3,,,,,,\n"
    # an existing salt whose free base the file changed earlier: its parent check sees the file's value
    "VC0006221,Milnacipran,CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)C2=CC=CC=C2,,milnacipran,264.35,,,,Vendor certificate\n"
    "CC0000010,Milnacipran Hydrochloride,Cl.CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)C2=CC=CC=C2,,milnacipran-hcl,,,,,\n"
    # unchanged, bad structure, bad CAS, duplicate structure of a new record
    "VC0000002,Methanol,CO,,methanol,32.042,,,,\n"
    "IMP0010,Broken,C1CC(,,,,,,,\n"
    "IMP0011,Pentanol,CCCCCO,71-41-1,,,,,,\n"
    "IMP0012,Propyl alcohol,OCCC,,,,,,,\n"
)


@pytest.fixture
def mixed_catalog():
    make_compound(
        catalog_number="VC0000001",
        name="Ethanol",
        slug="ethanol",
        isomeric_smiles="CCO",
        molecular_formula="C2H6O",
        molecular_weight=Decimal("46.069"),
    )
    make_compound(
        catalog_number="VC0000002",
        name="Methanol",
        slug="methanol",
        isomeric_smiles="CO",
        molecular_formula="CH4O",
        molecular_weight=Decimal("32.042"),
    )
    base = make_compound(
        catalog_number="VC0006221",
        name="Milnacipran",
        slug="milnacipran",
        isomeric_smiles=MILNACIPRAN,
        molecular_weight=Decimal("246.354"),
    )
    salt = make_compound(
        catalog_number="CC0000010",
        name="Milnacipran Hydrochloride",
        slug="milnacipran-hcl",
        isomeric_smiles="Cl." + MILNACIPRAN,
        molecular_formula="C15H23ClN2O",
        molecular_weight=Decimal("282.815"),
    )
    RelatedForm.objects.create(compound=base, related=salt, relation="salt_form")


def hostile_files(tmp_path: Path) -> list[Path]:
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(MIXED)
    with_bad_byte = tmp_path / "mixed-bad-byte.csv"
    with_bad_byte.write_bytes(MIXED.encode().replace(b"Isobutanol", b"Isobutan\xf6l"))
    names = [
        "latin1.csv",
        "mid_file_bad_byte.csv",
        "huge_cell.csv",
        "unbalanced_quote.csv",
        "duplicate_structures.csv",
        "control_characters.csv",
        "hostile.sdf",
        "broken_records.sdf",
    ]
    return [mixed, with_bad_byte, *(DATA / name for name in names)]


def test_mixed_file_outcomes(mixed_catalog, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(MIXED)
    assert [(o.number, o.action, o.catalog_number) for o in outcomes(path, commit=True)] == [
        (1, "update", "VC0000001"),
        (2, "create", "IMP0002"),
        (3, "create", "IMP0003"),
        (4, "create", "IMP0004"),
        (5, "create", "IMP0005"),
        (6, "error", "IMP0006"),
        (7, "update", "VC0006221"),
        (8, "error", "CC0000010"),
        (9, "unchanged", "VC0000002"),
        (10, "error", "IMP0010"),
        (11, "error", "IMP0011"),
        (12, "error", "IMP0012"),
    ]


def test_mixed_file_salt_is_checked_against_the_files_free_base(mixed_catalog, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(MIXED)
    salt = outcomes(path, commit=False)[7]
    assert "Parent (free base) of the salt: Milnacipran's MW 264.35 is not the parent's" in salt.message


@pytest.mark.parametrize("index", range(10))
def test_dry_run_predicts_the_commit_record_by_record(mixed_catalog, tmp_path, index):
    path = hostile_files(tmp_path)[index]
    dry = outcomes(path, commit=False)
    assert outcomes(path, commit=True) == dry


@pytest.mark.parametrize("index", range(10))
def test_dry_run_sends_only_selects(mixed_catalog, tmp_path, index):
    path = hostile_files(tmp_path)[index]
    with CaptureQueriesContext(connection) as queries:
        outcomes(path, commit=False)
    assert [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SELECT")] == []


def test_dry_run_does_not_advance_the_id_sequence(tmp_path):
    before = make_compound(isomeric_smiles="C")
    run(DATA / "duplicate_structures.csv")
    after = make_compound(isomeric_smiles="CC")
    assert after.pk == before.pk + 1


def test_dry_run_summary_matches_the_commit_summary(mixed_catalog, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(MIXED)
    dry = run(path)[-1].replace("Dry run (nothing written; use --commit)", "Imported")
    dry = dry.replace("would create", "created").replace("would update", "updated")
    assert run(path, "--commit")[-1] == dry


def test_commit_is_per_record_when_a_later_record_is_bad(mixed_catalog, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(MIXED)
    run(path, "--commit")
    assert Compound.objects.get(catalog_number="VC0000001").slug == "ethyl-alcohol"


# -- reading units ------------------------------------------------------------------------------


def test_overlong_line_is_skipped_without_keeping_it():
    lines = list(LineReader(BytesIO(b"a\n" + b"x" * 300_000 + b"\r\nb\n")))
    assert [(line.number, line.text, bool(line.error)) for line in lines] == [
        (1, "a", False),
        (2, "", True),
        (3, "b", False),
    ]
