"""Writing compounds out: MOL and SDF records for downloads, and whole-catalog SDF/CSV exports.

The columns (CSV) and data items (SDF) are the ones ``import_compounds`` reads (see
catalog/IMPORT.md), so an export imports back without change.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal

from .chemistry import mol_block, sdf_record
from .models import Compound

# Import/export columns, in file order. Values are the catalog's as entered (blank when blank).
COLUMNS = [
    "catalog_number",
    "name",
    "smiles",
    "plain_smiles",
    "cas",
    "iupac_name",
    "synonyms",
    "slug",
    "molecular_formula",
    "molecular_weight",
    "inchi",
    "inchikey",
    "canonical_smiles",
    "melting_point_celsius",
    "melting_point_form",
    "melting_point_note",
    "disagreement_reason",
]
SYNONYM_SEPARATOR = "|"


def _plain(value) -> str:
    return "" if value is None else format(Decimal(value).normalize(), "f")


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
        "molecular_weight": _plain(compound.molecular_weight),
        "inchi": compound.inchi,
        "inchikey": compound.inchikey,
        "canonical_smiles": compound.canonical_smiles,
        "melting_point_celsius": _plain(compound.melting_point_celsius),
        "melting_point_form": compound.melting_point_form.catalog_number if compound.melting_point_form_id else "",
        "melting_point_note": compound.melting_point_note,
        "disagreement_reason": compound.disagreement_reason,
    }


def compound_mol(compound: Compound) -> str:
    """The MOL file of the compound's structure, titled with its name."""
    return mol_block(compound.structure_smiles, name=compound.name)


def compound_sdf(compound: Compound) -> str:
    """One SDF record: the structure with name, catalog number, CAS, formula, MW, InChI, InChIKey and
    the rest of the import columns as data items (blank ones left out)."""
    row = compound_row(compound)
    properties = {key: value for key, value in row.items() if value and key != "name"}
    properties = {"name": compound.name, **properties}
    return sdf_record(compound.structure_smiles, name=compound.name, properties=properties)


def export_queryset():
    return Compound.objects.select_related("melting_point_form").prefetch_related("synonyms").order_by("pk")


def iter_sdf(compounds: Iterable[Compound]) -> Iterator[str]:
    """SDF records for every compound with a structure (one without is left out; see ``skipped``)."""
    for compound in compounds:
        if compound.has_structure:
            yield compound_sdf(compound)


def write_csv(compounds: Iterable[Compound], stream) -> int:
    writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for compound in compounds:
        writer.writerow(compound_row(compound))
        count += 1
    return count
