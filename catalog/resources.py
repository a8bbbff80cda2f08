"""django-import-export resource for the admin's CSV import and export.

Import goes through the same ``Importer`` as ``manage.py import_compounds`` (catalog/importing.py),
row by row: RDKit computes the identifiers, model validation runs, disagreements with the
structure need a ``disagreement_reason``, and each row is saved whole or not at all. The admin's
preview is the importer's dry run, which writes nothing, and its confirm step imports.
Columns are those of catalog/IMPORT.md, so a file exported here imports back without change. Every
exported cell is escaped against CSV injection (``escape_cell``) whatever the format, since the admin
offers CSV and TSV beside JSON; import takes exactly that escape off again.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export import resources
from import_export.fields import Field
from import_export.results import RowResult

from .exporting import COLUMNS, compound_row, escape_cell, export_queryset, unescape_cell
from .importing import Importer, Record
from .models import Compound


def _row(compound: Compound) -> dict[str, str]:
    # One export row per compound, computed once although each column asks for it.
    if getattr(compound, "_export_row", None) is None:
        compound._export_row = compound_row(compound)
    return compound._export_row


def _column(name: str) -> Field:
    return Field(column_name=name, dehydrate_method=lambda compound: escape_cell(_row(compound)[name]))


class CompoundResource(resources.ModelResource):
    catalog_number = _column("catalog_number")
    name = _column("name")
    smiles = _column("smiles")
    plain_smiles = _column("plain_smiles")
    cas = _column("cas")
    iupac_name = _column("iupac_name")
    synonyms = _column("synonyms")
    slug = _column("slug")
    molecular_formula = _column("molecular_formula")
    molecular_weight = _column("molecular_weight")
    inchi = _column("inchi")
    inchikey = _column("inchikey")
    canonical_smiles = _column("canonical_smiles")
    melting_point_celsius = _column("melting_point_celsius")
    melting_point_form = _column("melting_point_form")
    melting_point_note = _column("melting_point_note")
    disagreement_reason = _column("disagreement_reason")
    # Export-only columns (exporting.COMPUTED_COLUMN_FIELDS): declared too, so that each cell is escaped.
    chembl_id = _column("chembl_id")
    first_approval_year = _column("first_approval_year")
    exact_mass = _column("exact_mass")
    clogp = _column("clogp")
    tpsa = _column("tpsa")
    hbd = _column("hbd")
    hba = _column("hba")
    rotatable_bonds = _column("rotatable_bonds")
    heavy_atoms = _column("heavy_atoms")
    formal_charge = _column("formal_charge")
    ro5_violations = _column("ro5_violations")
    properties_of = _column("properties_of")
    properties_rdkit_version = _column("properties_rdkit_version")
    solubility_log_s = _column("solubility_log_s")
    solubility_measured_on = _column("solubility_measured_on")
    solubility_source = _column("solubility_source")

    class Meta:
        model = Compound
        fields = tuple(COLUMNS)
        export_order = tuple(COLUMNS)
        skip_diff = True  # the diff would compare model fields; the row's outcome says what happened

    def get_queryset(self):
        return export_queryset()

    def import_data(self, dataset, dry_run: bool = False, **kwargs):
        # The preview (dry_run) checks each row exactly as the confirm step will, and writes nothing; on
        # confirm each row gets its own savepoint inside the importer.
        self.importer = Importer(commit=not dry_run)
        return super().import_data(dataset, dry_run=dry_run, **kwargs)

    def before_import(self, dataset, **kwargs) -> None:
        unknown = set(dataset.headers or []) - set(COLUMNS)
        if unknown:
            raise ValidationError(f"Unknown columns: {', '.join(sorted(unknown))} (see catalog/IMPORT.md).")

    def import_row(self, row, instance_loader, **kwargs) -> RowResult:
        number = kwargs.get("row_number", 0)
        values = {key: unescape_cell("" if value is None else str(value).strip()) for key, value in row.items() if key}
        outcome = self.importer.import_record(Record(number, values))
        result = self.get_row_result_class()()
        result.object_repr = f"{outcome.name} ({outcome.catalog_number})" if outcome.catalog_number else outcome.name
        if outcome.action == "error":
            result.import_type = RowResult.IMPORT_TYPE_INVALID
            result.validation_error = ValidationError(f"Row {number}: {outcome.message}")
        else:
            result.import_type = {
                "create": RowResult.IMPORT_TYPE_NEW,
                "update": RowResult.IMPORT_TYPE_UPDATE,
                "unchanged": RowResult.IMPORT_TYPE_SKIP,
            }[outcome.action]
        return result
