"""Bulk import of compounds from SDF or CSV, one record at a time.

Every record is first checked without writing anything: RDKit computes every structure-derived
identifier, model validation runs (CAS check digit, formats, no control characters), and entered
values that disagree with the structure need a ``disagreement_reason``. A dry run stops there; a
commit then writes the record whole in its own transaction. Both modes check a record against the
catalog as it stood before the file plus what the file's earlier records did (``FileState``), never
against the database's rows those records touched, so a dry run reports exactly what a commit does,
record by record, and writes nothing (no INSERT rolled back, so no sequence moves on PostgreSQL).

Files are read as bytes, line by line with a length limit, and decoded one line at a time: a bad
byte, an overlong line or an unclosed quote spoils only its record, which is reported with its
number and reason while the rest go on. Memory stays flat apart from the keys of the records
already imported (catalog number, InChIKey, slug, CAS; a few hundred bytes a record).
Columns are documented in catalog/IMPORT.md.
"""

from __future__ import annotations

import codecs
import csv
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.text import slugify
from rdkit import Chem

from . import checks
from .chemistry import StructureTooLarge, canonicalize, check_mol_size, check_structure_size
from .exporting import COLUMN_FIELDS, COLUMNS, SYNONYM_SEPARATOR, unescape_cell
from .models import Compound, RelatedForm, Synonym
from .validators import RESERVED_SLUGS, validate_single_line

logger = logging.getLogger(__name__)

# A record longer than this is refused unread: far above any real row (a structure at the size limit
# with its InChI and SMILES is a few tens of kB), far below what would strain memory.
MAX_LINE_BYTES = 128 * 1024
MAX_SDF_RECORD_BYTES = 1024 * 1024
SNIFF_BYTES = 8192

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
# What decides "unchanged": the fields the columns hold (the melting point's form compares by catalog
# number, see Importer._plan), and the confirmation a reason records.
COMPARED_FIELDS = [
    *(name for name in COLUMN_FIELDS.values() if name and "__" not in name and name != "catalog_number"),
    "confirmed_disagreements",
]
# What a salt's parent check reads of its linked free base (see FileState.parents).
PARENT_FIELDS = ("name", "molecular_formula", "molecular_weight", "computed_inchikey")


def _within_limits(check, structure) -> None:
    """The size check's refusal as this record's error."""
    try:
        check(structure)
    except StructureTooLarge as error:
        raise RecordError(str(error)) from None


class FileError(ValueError):
    """Why the file as a whole cannot be read (nothing in it is imported)."""


class RecordError(ValueError):
    """Why one record cannot be imported."""


@dataclass
class Line:
    number: int  # 1-based line number in the file
    text: str  # without its line ending; undecodable bytes replaced
    error: str = ""  # why the line cannot be used (not UTF-8, too long)


@dataclass
class Record:
    number: int  # 1-based position of the record in the file
    values: dict[str, str]
    mol_block: str | None = None  # SDF records carry the structure as a MOL block
    error: str = ""  # why the record could not be read


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
        if outcome.action == "error":
            self.errors.append(outcome)

    @property
    def total(self) -> int:
        return self.create + self.update + self.unchanged + self.error


# -- reading -------------------------------------------------------------------------------------------


def check_head(head: bytes) -> None:
    """Refuse, from its first bytes, a file that is not UTF-8 text at all (UTF-16, a workbook, binary)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileError("The file is UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8.")
    if b"\x00" not in head:
        return
    if max(head[0::2].count(0), head[1::2].count(0)) > len(head) // 4:
        raise FileError("The file looks like UTF-16 (every other byte is zero): save it as UTF-8.")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        raise FileError(
            "The file is not text (it holds zero bytes and bytes that are not UTF-8): give a CSV or SDF file "
            "saved as UTF-8 (a spreadsheet's .xlsx must be saved as CSV first)."
        ) from None


class LineReader:
    """A binary stream's lines, decoded one by one; counts the bytes read, for a progress bar.

    A line is read up to MAX_LINE_BYTES: a longer one is skipped to its end and reported, so memory
    stays bounded whatever the file holds. A byte that is not UTF-8 spoils only its line.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.bytes_read = 0

    def __iter__(self) -> Iterator[Line]:
        number = 0
        while raw := self._read():
            number += 1
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                size = self._skip_rest_of_line(len(raw))
                yield Line(
                    number,
                    "",
                    f"Line {number} is {size:,} bytes long; a line may have at most {MAX_LINE_BYTES:,} "
                    "(is a cell pasted in by mistake?).",
                )
                continue
            raw = raw.removesuffix(b"\n").removesuffix(b"\r")
            try:
                yield Line(number, raw.decode("utf-8"))
            except UnicodeDecodeError as error:
                column = len(raw[: error.start].decode("utf-8", "replace")) + 1
                yield Line(
                    number,
                    raw.decode("utf-8", "replace"),
                    f"Line {number} is not UTF-8 (byte 0x{raw[error.start]:02X} at character {column}): "
                    "save the file as UTF-8.",
                )

    def _read(self, limit: int = MAX_LINE_BYTES + 1) -> bytes:
        raw = self.stream.readline(limit)
        self.bytes_read += len(raw)
        return raw

    def _skip_rest_of_line(self, size: int) -> int:
        """Reads on to the end of an overlong line, keeping nothing; returns its length without the line end."""
        while chunk := self._read():
            size += len(chunk)
            if chunk.endswith(b"\n"):
                return size - (len(chunk) - len(chunk.rstrip(b"\r\n")))
        return size


def _csv_header(lines: Iterator[Line]) -> list[str]:
    line = next((line for line in lines if line.text.strip() or line.error), None)
    if line is None:
        raise FileError("The file is empty: a CSV needs a header row (see catalog/IMPORT.md).")
    if line.error:
        raise FileError(f"The header row cannot be read. {line.error}")
    try:
        header = [name.strip() for name in next(csv.reader([line.text], strict=True))]
    except csv.Error as error:
        raise FileError(f"The header row (line {line.number}) is not valid CSV: {error}.") from None
    if "smiles" not in header and "plain_smiles" not in header:
        raise FileError("The CSV needs a header row with at least a smiles column (see catalog/IMPORT.md).")
    unknown = set(header) - set(COLUMNS)
    if unknown:
        raise FileError(f"Unknown CSV columns: {', '.join(sorted(unknown))} (see catalog/IMPORT.md).")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise FileError(f"Columns given twice in the header: {', '.join(repeated)}.")
    return header


def _csv_cells(line: Line, header: list[str]) -> tuple[list[str], str]:
    """A line's cells, and why the line is not a good row ("" when it is). Every row is one line: no
    column holds line breaks, so a quote left open spoils its own line and never swallows the next."""
    try:
        cells = next(csv.reader([line.text], strict=True))
    except csv.Error as error:
        try:  # which cell the open quote starts: close it and count
            cells = next(csv.reader([line.text + '"'], strict=True))
        except csv.Error:
            return [], f"Line {line.number} is not valid CSV: {error}."
        column = header[len(cells) - 1] if len(cells) <= len(header) else f"number {len(cells)}"
        return cells, (
            f"Line {line.number}: the quote that opens the {column} cell is not closed on this line "
            "(a cell cannot run over several lines)."
        )
    if len(cells) != len(header):
        return cells, f"Line {line.number} has {len(cells)} cells; the header has {len(header)} columns."
    return cells, ""


def read_csv(lines: Iterable[Line]) -> Iterator[Record]:
    """One record per non-blank line after the header; a line that cannot be read is a bad record."""
    lines = iter(lines)
    header = _csv_header(lines)
    number = 0
    for line in lines:
        if not line.text.strip() and not line.error:
            continue
        number += 1
        cells, problem = _csv_cells(line, header)
        values = {name: unescape_cell(cell.strip()) for name, cell in zip(header, cells, strict=False)}
        yield Record(number, values, error=line.error or problem)


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
            value_lines.append(line)
    if key is not None:
        properties[key] = "\n".join(value_lines).strip()
    return properties


def _sdf_record(number: int, block: list[str], error: str) -> Record:
    """A record from its lines; one with a reading ``error`` keeps what could be read, for the report."""
    end = next((i for i, line in enumerate(block) if line.startswith("M  END")), None)
    if end is None:
        return Record(number, {}, mol_block="", error=error or "No MOL block (missing 'M  END').")
    properties = _sdf_properties(block[end + 1 :])
    properties = {key: value for key, value in properties.items() if key in COLUMNS}
    if not properties.get("name") and block[0].strip():
        properties["name"] = block[0].strip()
    return Record(number, properties, mol_block="\n".join(block[: end + 1]) + "\n", error=error)


def read_sdf(lines: Iterable[Line]) -> Iterator[Record]:
    """One record per ``$$$$``-terminated block; a block with a bad line, or longer than
    MAX_SDF_RECORD_BYTES (kept no further than that), is a bad record."""
    block: list[str] = []
    first, size, error, number = 0, 0, "", 0
    for line in lines:
        if line.text.rstrip() == "$$$$" and not line.error:
            number += 1
            yield _sdf_record(number, block, error)
            block, size, error = [], 0, ""
            continue
        first = line.number if not (block or size) else first
        error = error or line.error
        size += len(line.text) + 1
        if size > MAX_SDF_RECORD_BYTES:
            error = error or f"The record from line {first} is longer than {MAX_SDF_RECORD_BYTES:,} bytes."
            block = []
        else:
            block.append(line.text)
    if error or any(text.strip() for text in block):
        number += 1
        yield _sdf_record(number, block, error)


def file_format(path: Path, requested: str | None = None) -> str:
    if requested:
        return requested
    suffix = path.suffix.lower()
    if suffix in {".sdf", ".sd", ".mol"}:
        return "sdf"
    if suffix == ".csv":
        return "csv"
    raise FileError(f"Cannot tell the format of {path.name}: use a .sdf or .csv file, or --format.")


def read_records(lines: Iterable[Line], fmt: str) -> Iterator[Record]:
    return read_sdf(lines) if fmt == "sdf" else read_csv(lines)


# -- checking and writing ------------------------------------------------------------------------------


def _decimal(value: str, column: str) -> Decimal | None:
    if value == "":
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise RecordError(f"{column} {value!r} is not a number.") from None
    if not number.is_finite():
        raise RecordError(f"{column} {value!r} is not a number.")
    return number


def _error_text(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)


class FileState:
    """What the file's earlier records did (or, in a dry run, would have done) to the catalog.

    Lookups combine it with the database, leaving out the rows those records touched: in a commit the
    database holds their new values and in a dry run their old ones, so reading either would make the
    two modes disagree. Each compound may be touched once per file.
    """

    def __init__(self) -> None:
        self.by_number: dict[str, tuple[int, int | None]] = {}  # catalog number → (record, pk or None)
        self.by_inchikey: dict[str, list[tuple[int, str]]] = {}  # structure → [(record, catalog number)]
        self.by_slug: dict[str, str] = {}  # slug → catalog number
        self.by_cas: dict[str, list[tuple[str, str]]] = {}  # CAS → [(catalog number, name)]
        self.touched: set[int] = set()  # pks of database rows the file wrote
        self.parents: dict[int, tuple] = {}  # pk → PARENT_FIELDS after the file's record, for salts' checks

    def remember(self, record: int, compound: Compound, *, existed: bool) -> None:
        number = compound.catalog_number
        self.by_number[number] = (record, compound.pk)
        self.by_inchikey.setdefault(compound.computed_inchikey, []).append((record, number))
        self.by_slug[compound.slug] = number
        if compound.cas_number:
            self.by_cas.setdefault(compound.cas_number, []).append((number, compound.name))
        if compound.pk is not None:
            self.touched.add(compound.pk)
        if existed:
            self.parents[compound.pk] = tuple(getattr(compound, name) for name in PARENT_FIELDS)


@dataclass
class Plan:
    """A checked record, ready to write."""

    action: str  # "create", "update" or "unchanged"
    compound: Compound
    synonyms: list[str] | None  # None: leave them as they are


class Importer:
    """Imports records one by one; ``commit=False`` (the default) checks them and writes nothing."""

    def __init__(self, *, commit: bool = False) -> None:
        self.commit = commit
        self.state = FileState()
        self.summary = Summary()

    def run(self, records: Iterable[Record]) -> Iterator[Outcome]:
        for record in records:
            outcome = self.import_record(record)
            self.summary.add(outcome)
            yield outcome

    def import_record(self, record: Record) -> Outcome:
        try:
            if self.commit:
                with transaction.atomic():
                    plan = self._plan(record)
                    self._write(plan)
            else:
                plan = self._plan(record)
        except RecordError as error:
            return self._bad(record, str(error))
        except ValidationError as error:
            return self._bad(record, _error_text(error))
        except DatabaseError as error:  # a constraint the checks did not foresee, or the database went away
            return self._bad(record, f"The database refused it: {error}".strip())
        except Exception as error:  # a bug must not cost the rest of the file its report
            logger.exception("Unexpected error importing record %s", record.number)
            return self._bad(record, f"Unexpected error ({type(error).__name__}: {error}); nothing of it was saved.")
        compound = plan.compound
        self.state.remember(record.number, compound, existed=plan.action != "create")
        return Outcome(record.number, plan.action, compound.catalog_number, compound.name)

    @staticmethod
    def _bad(record: Record, message: str) -> Outcome:
        values = record.values
        return Outcome(record.number, "error", values.get("catalog_number", ""), values.get("name", ""), message)

    # -- checking: reads only ----------------------------------------------------------------------

    @staticmethod
    def _check_text(values: dict[str, str]) -> None:
        # Before any lookup: PostgreSQL refuses a NUL even in a query. Every column holds one line.
        for column, value in values.items():
            try:
                validate_single_line(value)
            except ValidationError as error:
                raise RecordError(f"{column}: {' '.join(error.messages)}") from None

    @staticmethod
    def _structure(record: Record) -> tuple[str, str]:
        """(isomeric SMILES to store, plain SMILES to store) after checking the structure parses."""
        values = record.values
        isomeric, plain = values.get("smiles", ""), values.get("plain_smiles", "")
        if record.mol_block is not None:
            mol = Chem.MolFromMolBlock(record.mol_block) if record.mol_block else None
            if mol is None:
                raise RecordError("Unparsable structure: RDKit cannot read the MOL block.")
            _within_limits(check_mol_size, mol)  # before InChI and SMILES, which crash on huge chains
            key = Chem.MolToInchiKey(mol)
            if isomeric:
                parsed = Chem.MolFromSmiles(isomeric)
                if parsed is None or Chem.MolToInchiKey(parsed) != key:
                    raise RecordError("The smiles data item is not the structure in the MOL block.")
            else:
                isomeric = Chem.MolToSmiles(mol)
        if not (isomeric or plain):
            raise RecordError("No structure: give smiles (or plain_smiles).")
        for smiles in filter(None, (isomeric, plain)):
            _within_limits(check_structure_size, smiles)
            if canonicalize(smiles) is None:
                raise RecordError(f"Unparsable structure: RDKit cannot parse the SMILES {smiles!r}.")
        return isomeric, plain

    def _untouched(self, queryset) -> list:
        """The rows of a (small) lookup that no earlier record of the file touched."""
        return [row for row in queryset if row.pk not in self.state.touched]

    def _same_structure(self, inchikey: str) -> str:
        """Where a structure already is (for a message), or "" when nowhere."""
        in_file = self.state.by_inchikey.get(inchikey)
        if in_file:
            return f"in this file: record {in_file[0][0]} imports it as {in_file[0][1]}"
        rows = Compound.objects.filter(computed_inchikey=inchikey).order_by("pk").only("catalog_number")[:20]
        in_catalog = self._untouched(rows)
        return f"in the catalog as {in_catalog[0].catalog_number}" if in_catalog else ""

    def _target(self, catalog_number: str, inchikey: str) -> Compound | None:
        """The compound the record updates, or None when it creates one."""
        if catalog_number:
            existing = Compound.objects.filter(catalog_number=catalog_number).first()
            if existing is not None:
                return existing  # untouched: its number would be in by_number otherwise
            where = self._same_structure(inchikey)
            if where:
                raise RecordError(
                    f"The same structure (InChIKey {inchikey}) is already {where}; give that catalog number to "
                    "update it."
                )
            return None
        in_file = self.state.by_inchikey.get(inchikey)
        if in_file:
            raise RecordError(
                f"No catalog number, and record {in_file[0][0]} of this file already imports this structure "
                f"(as {in_file[0][1]})."
            )
        by_key = self._untouched(Compound.objects.filter(computed_inchikey=inchikey).order_by("pk")[:20])
        if len(by_key) > 1:
            raise RecordError(f"Several compounds have InChIKey {inchikey}; give the catalog number to update one.")
        if not by_key:
            raise RecordError("No catalog number, and no compound in the catalog has this structure.")
        return by_key[0]

    def _form(self, catalog_number: str) -> int | None:
        """The pk of the compound a melting point belongs to (None: imported earlier in a dry run)."""
        if catalog_number in self.state.by_number:
            return self.state.by_number[catalog_number][1]
        pk = Compound.objects.filter(catalog_number=catalog_number).values_list("pk", flat=True).first()
        if pk is None:
            raise RecordError(
                f"melting_point_form {catalog_number} is not in the catalog (import that compound first)."
            )
        return pk

    def _slug_user(self, slug: str, compound: Compound) -> str:
        """The catalog number of another compound with this slug, or ""."""
        in_file = self.state.by_slug.get(slug, "")
        if in_file and in_file != compound.catalog_number:
            return in_file
        rows = self._untouched(Compound.objects.filter(slug=slug).exclude(pk=compound.pk).only("catalog_number"))
        return rows[0].catalog_number if rows else ""

    def _free_slug(self, compound: Compound) -> str:
        base = slugify(compound.name)[:180] or slugify(compound.catalog_number)
        if base not in RESERVED_SLUGS and not self._slug_user(base, compound):
            return base
        return f"{base}-{slugify(compound.catalog_number)}"[:200]

    def _cas_others(self, compound: Compound) -> list[Compound]:
        """Other compounds with the same CAS number, as the file leaves the catalog."""
        if not compound.cas_number:
            return []
        others = [pair for pair in self.state.by_cas.get(compound.cas_number, []) if pair[0] != compound.catalog_number]
        rows = Compound.objects.filter(cas_number=compound.cas_number).exclude(pk=compound.pk)
        others += [(row.catalog_number, row.name) for row in self._untouched(rows.only("catalog_number", "name"))]
        return [Compound(catalog_number=number, name=name) for number, name in sorted(others)]

    def _load_salt_parents(self, compound: Compound) -> None:
        """The free bases linked to this salt, with the values the file gave them (its parent check reads them)."""
        links = RelatedForm.objects.select_related("compound")
        prefetch_related_objects([compound], Prefetch("related_to", queryset=links))
        for link in compound.related_to.all():
            for name, value in zip(PARENT_FIELDS, self.state.parents.get(link.compound_id, ()), strict=False):
                setattr(link.compound, name, value)

    def _confirm(self, compound: Compound, keep_previous: bool) -> None:
        """Disagreements with the structure need a reason in the file (or an earlier confirmation)."""
        if compound.pk is not None:
            self._load_salt_parents(compound)
        results = checks.check_compound(compound, cas_others=self._cas_others(compound))
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

    @staticmethod
    def _synonyms(values: dict[str, str]) -> list[str]:
        synonyms = list(dict.fromkeys(s.strip() for s in values.get("synonyms", "").split(SYNONYM_SEPARATOR)))
        synonyms = [s for s in synonyms if s]
        name_field = Synonym._meta.get_field("name")
        for synonym in synonyms:
            try:
                name_field.run_validators(synonym)
            except ValidationError as error:
                raise RecordError(f"synonyms: {synonym[:40]!r}: {' '.join(error.messages)}") from None
        return synonyms

    def _plan(self, record: Record) -> Plan:
        """Check one record against the catalog and the file so far; returns what to write. Reads only."""
        if record.error:
            raise RecordError(record.error)
        values = record.values
        self._check_text(values)
        catalog_number = values.get("catalog_number", "")
        if catalog_number in self.state.by_number:
            first = self.state.by_number[catalog_number][0]
            raise RecordError(f"Duplicate catalog number {catalog_number}: record {first} has it.")
        isomeric, plain = self._structure(record)

        inchikey = Chem.MolToInchiKey(Chem.MolFromSmiles(isomeric or plain))
        existing = self._target(catalog_number, inchikey)
        compound = existing or Compound(catalog_number=catalog_number)
        before = self._comparable(compound, self._form_number(compound)) if existing else {}
        synonyms_before = list(compound.synonyms.values_list("name", flat=True)) if existing else []

        compound.isomeric_smiles, compound.smiles = isomeric, plain
        for column, field_name in TEXT_FIELDS.items():
            if column in values:
                setattr(compound, field_name, values[column])
        if "molecular_weight" in values:
            compound.molecular_weight = _decimal(values["molecular_weight"], "molecular_weight")
        if "melting_point_celsius" in values:
            compound.melting_point_celsius = _decimal(values["melting_point_celsius"], "melting_point_celsius")
        form_number = values.get("melting_point_form")
        if form_number is not None:
            compound.melting_point_form_id = self._form(form_number) if form_number else None
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

        # Field validators give the friendly messages. Uniqueness and the melting point's form are checked
        # against the file so far (above and below), not by full_clean's queries, which would see the
        # database as a dry run left it; the check constraints are covered by the validators.
        compound.full_clean(exclude=["melting_point_form"], validate_unique=False, validate_constraints=False)
        slug_user = self._slug_user(compound.slug, compound)
        if slug_user:
            raise RecordError(f"slug: {compound.slug!r} is already the address of {slug_user}.")
        self._confirm(compound, existing is not None and "disagreement_reason" not in values)

        synonyms = self._synonyms(values) if "synonyms" in values else None
        if existing is None:
            return Plan("create", compound, synonyms)
        # The melting point's form compares by catalog number: in a dry run a form the file creates has no pk.
        after = self._comparable(compound, before["form"] if form_number is None else form_number)
        if after == before and synonyms in (None, synonyms_before):
            return Plan("unchanged", compound, None)
        return Plan("update", compound, None if synonyms == synonyms_before else synonyms)

    @staticmethod
    def _form_number(compound: Compound) -> str:
        if compound.melting_point_form_id is None:
            return ""
        numbers = Compound.objects.filter(pk=compound.melting_point_form_id).values_list("catalog_number", flat=True)
        return numbers.first() or ""

    @staticmethod
    def _comparable(compound: Compound, form_number: str) -> dict:
        return {name: getattr(compound, name) for name in COMPARED_FIELDS} | {"form": form_number}

    # -- writing: commit only ----------------------------------------------------------------------

    @staticmethod
    def _write(plan: Plan) -> None:
        if plan.action == "unchanged":
            return
        compound = plan.compound
        compound.save()
        if plan.synonyms is not None:
            Synonym.objects.filter(compound=compound).delete()
            Synonym.objects.bulk_create(
                Synonym(compound=compound, name=name, position=i) for i, name in enumerate(plan.synonyms)
            )
