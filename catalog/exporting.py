"""Writing compounds out: MOL and SDF records for downloads, and whole-catalog SDF/CSV exports.

The columns (CSV) and data items (SDF) are the ones ``import_compounds`` reads (see
catalog/IMPORT.md), so an export imports back without change, followed by the computed and reference
columns (``COMPUTED_COLUMN_FIELDS``), which the importer accepts and ignores. Exports stream: compounds are read
in chunks and each is written before the next is read.

Output is safe to open: a CSV cell a spreadsheet would run as a formula is prefixed with an
apostrophe (``escape_cell``; the importer takes exactly that prefix off again), and no SD data item
can end a record or start another one (``sd_value``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator

from .chemistry import StructureError, mol_block, sdf_record
from .formatting import plain_decimal
from .models import Compound

# Import/export columns, in file order, with the field each holds (synonyms: the Synonym rows).
# Values are the catalog's as entered (blank when blank).
COLUMN_FIELDS = {
    "catalog_number": "catalog_number",
    "name": "name",
    "smiles": "isomeric_smiles",
    "plain_smiles": "smiles",
    "cas": "cas_number",
    "iupac_name": "iupac_name",
    "synonyms": "",
    "slug": "slug",
    "molecular_formula": "molecular_formula",
    "molecular_weight": "molecular_weight",
    "inchi": "inchi",
    "inchikey": "inchikey",
    "canonical_smiles": "canonical_smiles",
    "melting_point_celsius": "melting_point_celsius",
    "melting_point_form": "melting_point_form__catalog_number",
    "melting_point_note": "melting_point_note",
    "disagreement_reason": "disagreement_reason",
}
# Written by the export after the columns above, and ignored by the importer: each is computed by RDKit from
# the structure, or set by the reference import (catalog/reference_catalog.py). Column → the fields it reads.
COMPUTED_COLUMN_FIELDS = {
    "chembl_id": ("chembl_id",),
    "first_approval_year": ("first_approval_year",),
    "exact_mass": ("monoisotopic_mass", "parent_monoisotopic_mass", "parent_molecular_weight"),
    "clogp": ("clogp",),
    "tpsa": ("tpsa",),
    "hbd": ("hbd",),
    "hba": ("hba",),
    "rotatable_bonds": ("rotatable_bonds",),
    "heavy_atoms": ("heavy_atoms",),
    "formal_charge": ("formal_charge",),
    "ro5_violations": ("ro5_violations",),
    "properties_of": ("clogp", "parent_molecular_weight"),
    "properties_rdkit_version": ("properties_rdkit_version",),
    "solubility_log_s": ("solubility_log_s",),
    "solubility_measured_on": ("solubility_basis",),
    "solubility_source": ("solubility_source",),
}
COLUMNS = [*COLUMN_FIELDS, *COMPUTED_COLUMN_FIELDS]
SYNONYM_SEPARATOR = "|"

# OWASP's CSV-injection list: a cell starting with = + - @ tab or CR is a formula to a spreadsheet.
# Apostrophes already in front of one get one more, so that taking one off (unescape_cell) is exact.
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


def escape_cell(value: str) -> str:
    """The cell as written to a CSV: a leading apostrophe when a spreadsheet would read it as a formula."""
    return "'" + value if _FORMULA_START.match(value) else value


def unescape_cell(value: str) -> str:
    """The value of a cell written by ``escape_cell``: takes off exactly the apostrophe it added."""
    return value[1:] if value.startswith("'") and _FORMULA_START.match(value, 1) else value


def sd_value(value: str) -> str:
    """A value as one SD file line that cannot end the record (``$$$$``) or start a data item (``>``).

    Validators keep line breaks out of every exported field; any left in older rows become spaces.
    A leading space, which the importer strips, keeps ``$$$$`` or ``>`` off the start of the line.
    """
    value = " ".join(value.splitlines())
    return " " + value if value.startswith(("$$$$", ">")) else value


def compound_row(compound: Compound) -> dict[str, str]:
    """One compound as import/export columns (synonyms need the ``synonyms`` prefetch for speed)."""
    return {
        "catalog_number": compound.catalog_number,
        "name": compound.name,
        "smiles": compound.isomeric_smiles,
        "plain_smiles": compound.smiles,
        "cas": compound.cas_number,
        "iupac_name": compound.iupac_name,
        "synonyms": SYNONYM_SEPARATOR.join(s.name for s in compound.synonyms.all()),
        "slug": compound.slug,
        "molecular_formula": compound.molecular_formula,
        "molecular_weight": plain_decimal(compound.molecular_weight),
        "inchi": compound.inchi,
        "inchikey": compound.inchikey,
        "canonical_smiles": compound.canonical_smiles,
        "melting_point_celsius": plain_decimal(compound.melting_point_celsius),
        "melting_point_form": compound.melting_point_form.catalog_number if compound.melting_point_form_id else "",
        "melting_point_note": compound.melting_point_note,
        "disagreement_reason": compound.disagreement_reason,
        **computed_columns(compound),
    }


def computed_columns(compound: Compound) -> dict[str, str]:
    """The export-only columns (COMPUTED_COLUMN_FIELDS); blank where nothing is computed or measured."""
    properties_of = "parent" if compound.properties_are_of_parent else "compound"
    return {
        "chembl_id": compound.chembl_id,
        "first_approval_year": "" if compound.first_approval_year is None else str(compound.first_approval_year),
        "exact_mass": plain_decimal(compound.exact_mass),
        "clogp": plain_decimal(compound.clogp),
        "tpsa": plain_decimal(compound.tpsa),
        "hbd": plain_decimal(compound.hbd),
        "hba": plain_decimal(compound.hba),
        "rotatable_bonds": plain_decimal(compound.rotatable_bonds),
        "heavy_atoms": plain_decimal(compound.heavy_atoms),
        "formal_charge": plain_decimal(compound.formal_charge),
        "ro5_violations": plain_decimal(compound.ro5_violations),
        "properties_of": properties_of if compound.has_properties else "",
        "properties_rdkit_version": compound.properties_rdkit_version,
        "solubility_log_s": plain_decimal(compound.solubility_log_s),
        "solubility_measured_on": compound.solubility_basis,
        "solubility_source": compound.solubility_source,
    }


def compound_mol(compound: Compound) -> str:
    """The MOL file of the compound's structure, titled with its name."""
    return mol_block(compound.structure_smiles, name=sd_value(compound.name))


def compound_sdf(compound: Compound) -> str:
    """One SDF record: the structure with name, catalog number, CAS, formula, MW, InChI, InChIKey and
    the rest of the import columns as data items (blank ones left out)."""
    row = {key: sd_value(value) for key, value in compound_row(compound).items()}
    properties = {key: value for key, value in row.items() if value and key != "name"}
    properties = {"name": row["name"], **properties}
    return sdf_record(compound.structure_smiles, name=row["name"], properties=properties)


# What compound_row and compound_sdf read: the depiction and the other derived columns stay in the database.
EXPORT_FIELDS = [
    *filter(None, COLUMN_FIELDS.values()),
    *dict.fromkeys(name for fields in COMPUTED_COLUMN_FIELDS.values() for name in fields),
    "structure_error",
]


def export_queryset():
    return (
        Compound.objects.select_related("melting_point_form")
        .only(*EXPORT_FIELDS)
        .prefetch_related("synonyms")
        .order_by("pk")
    )


def export_compounds(*, chunk_size: int) -> Iterator[Compound]:
    """Every compound, read ``chunk_size`` at a time: first those that name no other form for their
    melting point, then those that do, so an import of the file meets each form before the compound
    that names it (the demo's free base comes before its hydrochloride but takes its melting point)."""
    queryset = export_queryset()
    yield from queryset.filter(melting_point_form__isnull=True).iterator(chunk_size=chunk_size)
    yield from queryset.filter(melting_point_form__isnull=False).iterator(chunk_size=chunk_size)


def iter_sdf(compounds: Iterable[Compound], *, skipped: Callable[[Compound, str], None]) -> Iterator[str]:
    """SDF records for every compound with a structure; ``skipped`` hears of each one left out, and why."""
    for compound in compounds:
        if not compound.has_structure:
            skipped(compound, compound.structure_error or "no structure")
            continue
        try:
            yield compound_sdf(compound)
        except (StructureError, ValueError, RuntimeError) as error:  # e.g. too large to lay out in 2D
            skipped(compound, str(error))


def write_csv(compounds: Iterable[Compound], stream) -> int:
    """Writes the header, then each compound's row before reading the next; returns how many."""
    writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for compound in compounds:
        writer.writerow({key: escape_cell(value) for key, value in compound_row(compound).items()})
        count += 1
    return count
