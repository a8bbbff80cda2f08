"""Bulk import of compounds from SDF or CSV, one record at a time.

Each record is read, checked and written inside its own transaction: it is saved whole or not at
all, and a bad record is reported with its number and reason without stopping the rest. Files are
streamed (read record by record), so memory stays flat however long the file is; the only state
kept across records is the catalog numbers seen so far (to report duplicates within the file).

The same rules as the admin apply: every structure-derived identifier is computed by RDKit, model
validation runs (CAS check digit, formats), and entered values that disagree with the structure
need a ``disagreement_reason``. Columns are documented in catalog/IMPORT.md.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.text import slugify
from rdkit import Chem

from . import checks
from .chemistry import canonicalize
from .exporting import COLUMNS, SYNONYM_SEPARATOR
from .models import Compound, Synonym

# Column → model field, for the values stored as entered.
TEXT_FIELDS = {
    "name": "name",
    "cas": "cas_number",
    "iupac_name": "iupac_name",
    "slug": "slug",
    "molecular_formula": "molecular_formula",
    "inchi": "inchi",
    "inchikey": "inchikey",
    "canonical_smiles": "canonical_smiles",
    "melting_point_note": "melting_point_note",
    "disagreement_reason": "disagreement_reason",
}
# Entered identifiers that are filled from the structure when left blank.
FROM_STRUCTURE = {
    "molecular_formula": "computed_formula",
    "molecular_weight": "computed_molecular_weight",
    "inchi": "computed_inchi",
    "inchikey": "computed_inchikey",
    "canonical_smiles": "computed_canonical_smiles",
}
COMPARED_FIELDS = [
    "name",
    "slug",
    "cas_number",
    "iupac_name",
    "isomeric_smiles",
    "smiles",
    "molecular_formula",
    "molecular_weight",
    "inchi",
    "inchikey",
    "canonical_smiles",
    "melting_point_celsius",
    "melting_point_form_id",
    "melting_point_note",
    "disagreement_reason",
    "confirmed_disagreements",
]


class RecordError(ValueError):
    """Why one record cannot be imported."""


@dataclass
class Record:
    number: int  # 1-based position of the record in the file
    values: dict[str, str]
    mol_block: str | None = None  # SDF records carry the structure as a MOL block


@dataclass
class Outcome:
    number: int
    action: str  # "create", "update", "unchanged" or "error"
    catalog_number: str = ""
    name: str = ""
    message: str = ""


@dataclass
class Summary:
    create: int = 0
    update: int = 0
    unchanged: int = 0
    error: int = 0
    errors: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome.action, getattr(self, outcome.action) + 1)

    @property
    def total(self) -> int:
        return self.create + self.update + self.unchanged + self.error


# -- reading -------------------------------------------------------------------------------------------


class CountingLines:
    """Iterates a text file's lines and counts the bytes read, for a progress bar."""

    def __init__(self, stream: io.TextIOBase) -> None:
        self.stream = stream
        self.bytes_read = 0

    def __iter__(self) -> Iterator[str]:
        for line in self.stream:
            self.bytes_read += len(line.encode("utf-8", "replace"))
            yield line


def read_csv(lines) -> Iterator[Record]:
    reader = csv.DictReader(lines)
    unknown = set(reader.fieldnames or []) - set(COLUMNS)
    if not reader.fieldnames or ("smiles" not in reader.fieldnames and "plain_smiles" not in reader.fieldnames):
        raise RecordError("The CSV needs a header row with at least a smiles column (see catalog/IMPORT.md).")
    if unknown:
        raise RecordError(f"Unknown CSV columns: {', '.join(sorted(unknown))} (see catalog/IMPORT.md).")
    for number, row in enumerate(reader, start=1):
        if None in row:
            yield Record(number, {"__error__": "the row has more cells than the header has columns"})
            continue
        yield Record(number, {key: (value or "").strip() for key, value in row.items()})


def _sdf_properties(lines: list[str]) -> dict[str, str]:
    """The ``> <name>`` data items after ``M  END``; a value may span lines and ends at a blank line."""
    properties: dict[str, str] = {}
    key = None
    value_lines: list[str] = []
    for line in lines:
        if key is None:
            if line.startswith(">") and "<" in line and ">" in line[line.index("<") :]:
                key = line[line.index("<") + 1 : line.index(">", line.index("<"))]
                value_lines = []
        elif line.strip() == "":
            properties[key] = "\n".join(value_lines).strip()
            key = None
        else:
            value_lines.append(line.rstrip("\r\n"))
    if key is not None:
        properties[key] = "\n".join(value_lines).strip()
    return properties


def read_sdf(lines) -> Iterator[Record]:
    block: list[str] = []
    number = 0
    for line in lines:
        if line.rstrip("\r\n") == "$$$$":
            number += 1
            yield _sdf_record(number, block)
            block = []
        else:
            block.append(line)
    if any(line.strip() for line in block):
        number += 1
        yield _sdf_record(number, block)


def _sdf_record(number: int, block: list[str]) -> Record:
    end = next((i for i, line in enumerate(block) if line.startswith("M  END")), None)
    if end is None:
        return Record(number, {"__error__": "no MOL block (missing 'M  END')"}, mol_block="")
    properties = _sdf_properties(block[end + 1 :])
    properties = {key: value for key, value in properties.items() if key in COLUMNS}
    if not properties.get("name") and block[0].strip():
        properties["name"] = block[0].strip()
    return Record(number, properties, mol_block="".join(block[: end + 1]))


def file_format(path: Path, requested: str | None = None) -> str:
    if requested:
        return requested
    suffix = path.suffix.lower()
    if suffix in {".sdf", ".sd", ".mol"}:
        return "sdf"
    if suffix == ".csv":
        return "csv"
    raise RecordError(f"Cannot tell the format of {path.name}: use a .sdf or .csv file, or --format.")


def read_records(lines, fmt: str) -> Iterator[Record]:
    return read_sdf(lines) if fmt == "sdf" else read_csv(lines)


# -- writing -------------------------------------------------------------------------------------------


def _decimal(value: str, column: str) -> Decimal | None:
    if value == "":
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        raise RecordError(f"{column} {value!r} is not a number.") from None


def _error_text(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)


class Importer:
    """Imports records one by one; ``commit=False`` (the default) rolls every record back."""

    def __init__(self, *, commit: bool = False) -> None:
        self.commit = commit
        self.seen: dict[str, int] = {}  # catalog number → record number, for duplicates within the file
        self.summary = Summary()

    def run(self, records: Iterator[Record]) -> Iterator[Outcome]:
        for record in records:
            outcome = self.import_record(record)
            self.summary.add(outcome)
            if outcome.action == "error":
                self.summary.errors.append(outcome)
            yield outcome

    def import_record(self, record: Record) -> Outcome:
        catalog_number = record.values.get("catalog_number", "")
        try:
            with transaction.atomic():
                outcome = self._apply(record)
                if not self.commit:
                    transaction.set_rollback(True)
        except RecordError as error:
            return Outcome(record.number, "error", catalog_number, record.values.get("name", ""), str(error))
        except ValidationError as error:
            return Outcome(record.number, "error", catalog_number, record.values.get("name", ""), _error_text(error))
        except DatabaseError as error:  # a constraint the validation did not foresee
            return Outcome(record.number, "error", catalog_number, record.values.get("name", ""), str(error))
        if outcome.catalog_number:
            self.seen.setdefault(outcome.catalog_number, record.number)
        return outcome

    # The steps of one record, inside its transaction.

    def _structure(self, record: Record) -> tuple[str, str]:
        """(isomeric SMILES to store, plain SMILES to store) after checking the structure parses."""
        values = record.values
        isomeric, plain = values.get("smiles", ""), values.get("plain_smiles", "")
        if record.mol_block is not None:
            mol = Chem.MolFromMolBlock(record.mol_block) if record.mol_block else None
            if mol is None:
                raise RecordError("Unparsable structure: RDKit cannot read the MOL block.")
            key = Chem.MolToInchiKey(mol)
            if isomeric:
                parsed = Chem.MolFromSmiles(isomeric)
                if parsed is None or Chem.MolToInchiKey(parsed) != key:
                    raise RecordError("The smiles data item is not the structure in the MOL block.")
            else:
                isomeric = Chem.MolToSmiles(mol)
        source = isomeric or plain
        if not source:
            raise RecordError("No structure: give smiles (or plain_smiles).")
        for smiles in filter(None, (isomeric, plain)):
            if canonicalize(smiles) is None:
                raise RecordError(f"Unparsable structure: RDKit cannot parse the SMILES {smiles!r}.")
        return isomeric, plain

    def _find(self, catalog_number: str, inchikey: str) -> Compound | None:
        if catalog_number:
            existing = Compound.objects.filter(catalog_number=catalog_number).first()
            if existing is not None:
                return existing
        by_key = Compound.objects.filter(computed_inchikey=inchikey).order_by("pk")[:2]
        by_key = list(by_key)
        if len(by_key) > 1:
            raise RecordError(f"Several compounds have InChIKey {inchikey}; give the catalog number to update one.")
        if by_key and catalog_number:
            raise RecordError(
                f"The same structure (InChIKey {inchikey}) is already in the catalog as {by_key[0].catalog_number}; "
                "give that catalog number to update it."
            )
        if not by_key and not catalog_number:
            raise RecordError("No catalog number, and no compound in the catalog has this structure.")
        return by_key[0] if by_key else None

    def _apply(self, record: Record) -> Outcome:
        values = record.values
        if "__error__" in values:
            raise RecordError(values["__error__"].capitalize() + ".")
        catalog_number = values.get("catalog_number", "")
        if catalog_number in self.seen:
            raise RecordError(f"Duplicate catalog number {catalog_number}: record {self.seen[catalog_number]} has it.")
        isomeric, plain = self._structure(record)

        inchikey = Chem.MolToInchiKey(Chem.MolFromSmiles(isomeric or plain))
        existing = self._find(catalog_number, inchikey)
        compound = existing or Compound(catalog_number=catalog_number)
        before = {name: getattr(compound, name) for name in COMPARED_FIELDS} if existing else None
        synonyms_before = list(compound.synonyms.values_list("name", flat=True)) if existing else []

        compound.isomeric_smiles, compound.smiles = isomeric, plain
        for column, field_name in TEXT_FIELDS.items():
            if column in values:
                setattr(compound, field_name, values[column])
        if "molecular_weight" in values:
            compound.molecular_weight = _decimal(values["molecular_weight"], "molecular_weight")
        if "melting_point_celsius" in values:
            compound.melting_point_celsius = _decimal(values["melting_point_celsius"], "melting_point_celsius")
        if "melting_point_form" in values:
            compound.melting_point_form = self._form(values["melting_point_form"])
        if not compound.name:
            raise RecordError("No name.")
        if not compound.slug:
            compound.slug = self._free_slug(compound)
        compound.refresh_structure()
        if compound.structure_error:
            raise RecordError(f"Unparsable structure: {compound.structure_error}")
        # Blank entered identifiers are filled from the structure for a new compound (and always for the
        # required formula and MW); an existing compound keeps a blank as blank, so exports round-trip.
        for column, computed in FROM_STRUCTURE.items():
            name = TEXT_FIELDS.get(column, column)
            required = column in {"molecular_formula", "molecular_weight"}
            if getattr(compound, name) in ("", None) and (existing is None or required):
                setattr(compound, name, getattr(compound, computed))

        # Field validators and uniqueness give the friendly messages; the check constraints (non-empty
        # name, positive MW, ...) are covered by those and by the database itself, and validating them
        # in Python costs a query each, a third of the import time.
        compound.full_clean(validate_constraints=False)
        self._confirm(compound, existing is not None and "disagreement_reason" not in values)

        synonyms = list(dict.fromkeys(s.strip() for s in values.get("synonyms", "").split(SYNONYM_SEPARATOR)))
        synonyms = [s for s in synonyms if s]
        synonyms_change = "synonyms" in values and synonyms != synonyms_before
        if existing is not None:
            after = {name: getattr(compound, name) for name in COMPARED_FIELDS}
            if after == before and not synonyms_change:
                return Outcome(record.number, "unchanged", compound.catalog_number, compound.name)
        compound.save()
        if synonyms_change or (existing is None and synonyms):
            Synonym.objects.filter(compound=compound).delete()
            Synonym.objects.bulk_create(
                Synonym(compound=compound, name=name, position=i) for i, name in enumerate(synonyms)
            )
        action = "update" if existing is not None else "create"
        return Outcome(record.number, action, compound.catalog_number, compound.name)

    def _confirm(self, compound: Compound, keep_previous: bool) -> None:
        """Disagreements with the structure need a reason in the file (or an earlier confirmation)."""
        results = checks.full_check(compound)
        if not checks.disagreements(results):
            compound.confirmed_disagreements = ""
            return
        pending = checks.unconfirmed(compound, results)
        if not pending:
            return
        if compound.disagreement_reason.strip() and not keep_previous:
            checks.confirm(compound, results, compound.disagreement_reason)
            return
        listed = "; ".join(f"{r.label}: {r.message} (entered {r.entered}; structure {r.computed})" for r in pending)
        raise RecordError(
            f"Entered values disagree with the structure: {listed}. Correct them, or give a disagreement_reason."
        )

    def _form(self, catalog_number: str) -> Compound | None:
        if not catalog_number:
            return None
        form = Compound.objects.filter(catalog_number=catalog_number).first()
        if form is None:
            raise RecordError(
                f"melting_point_form {catalog_number} is not in the catalog (import that compound first)."
            )
        return form

    @staticmethod
    def _free_slug(compound: Compound) -> str:
        base = slugify(compound.name)[:180] or slugify(compound.catalog_number)
        if not Compound.objects.filter(slug=base).exists():
            return base
        return f"{base}-{slugify(compound.catalog_number)}"[:200]
