"""Structure-derived identifiers computed with RDKit (the field's standard toolkit).

Average molecular weights use RDKit's atomic weights (``Descriptors.MolWt``); we name that source
wherever an MW is shown as computed, since other tables (e.g. molmass) differ in the third decimal.

The structure's source of truth is a compound's isomeric SMILES, or its plain SMILES when no
isomeric one is entered (``structure_source``). Everything else that follows from the structure
(canonical SMILES, InChI, InChIKey, formula, masses, CIP labels, the parent of a salt) is computed
here and stored on the compound, never typed in.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from rdkit import Chem, RDLogger
from rdkit.Chem import Descriptors, rdCIPLabeler, rdDepictor, rdMolDescriptors
from rdkit.Chem.MolStandardize import rdMolStandardize

# RDKit logs parse failures to stderr; we report them ourselves.
RDLogger.DisableLog("rdApp.*")


class StructureError(ValueError):
    """The structure could not be parsed."""


@dataclass(frozen=True)
class StructureIdentifiers:
    canonical_smiles: str
    molecular_formula: str
    molecular_weight: Decimal
    monoisotopic_mass: Decimal
    inchi: str
    inchikey: str


@dataclass(frozen=True)
class StructureAnalysis:
    """Everything we derive from one structure, ready to store on a compound."""

    identifiers: StructureIdentifiers
    flat_canonical_smiles: str  # canonical SMILES without stereo, to compare non-stereo entries with
    cip_labels: tuple[str, ...]  # R/S of every stereocentre the structure defines, in atom order
    bond_labels: tuple[str, ...]  # E/Z of every stereo double bond
    undefined_stereocentres: int
    fragment_count: int
    parent: StructureIdentifiers | None  # the largest fragment (free base) when there are several


def structure_source(*, isomeric_smiles: str, smiles: str) -> str:
    """The SMILES that is the compound's structure: the isomeric one, else the plain one."""
    return (isomeric_smiles or smiles or "").strip()


def structure_hash(*parts: str) -> str:
    """A stable fingerprint of the structure (and whatever else a stored artefact was made from)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def mol_from_smiles(smiles: str) -> Chem.Mol:
    mol = Chem.MolFromSmiles(smiles) if smiles else None
    if mol is None:
        raise StructureError(f"RDKit cannot parse the SMILES {smiles!r}.")
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


def parent_mol(mol: Chem.Mol) -> Chem.Mol:
    """The free base of a salt: the largest organic fragment (RDKit's LargestFragmentChooser)."""
    return rdMolStandardize.LargestFragmentChooser(preferOrganic=True).choose(mol)


def cip_labels(mol: Chem.Mol) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """CIP labels from RDKit's new labeler (rdCIPLabeler): (atom R/S labels, bond E/Z labels)."""
    mol = Chem.Mol(mol)
    rdCIPLabeler.AssignCIPLabels(mol)
    atoms = tuple(a.GetProp("_CIPCode") for a in mol.GetAtoms() if a.HasProp("_CIPCode"))
    bonds = tuple(b.GetProp("_CIPCode") for b in mol.GetBonds() if b.HasProp("_CIPCode"))
    return atoms, bonds


def analyse_mol(mol: Chem.Mol) -> StructureAnalysis:
    atoms, bonds = cip_labels(mol)
    centres = Chem.FindMolChiralCenters(mol, includeUnassigned=True, useLegacyImplementation=False)
    fragment_count = len(Chem.GetMolFrags(mol))
    return StructureAnalysis(
        identifiers=identifiers_from_mol(mol),
        flat_canonical_smiles=Chem.MolToSmiles(mol, isomericSmiles=False),
        cip_labels=tuple(label for label in atoms if label in {"R", "S"}),
        bond_labels=tuple(label for label in bonds if label in {"E", "Z"}),
        undefined_stereocentres=sum(1 for _, label in centres if label == "?"),
        fragment_count=fragment_count,
        parent=identifiers_from_mol(parent_mol(mol)) if fragment_count > 1 else None,
    )


def analyse_smiles(smiles: str) -> StructureAnalysis:
    return analyse_mol(mol_from_smiles(smiles))


@lru_cache(maxsize=4096)
def canonicalize(smiles: str) -> tuple[str, str, bool] | None:
    """(isomeric canonical SMILES, canonical SMILES without stereo, whether the input carries stereo).

    None when RDKit cannot parse it. Memoised: a pure function of its argument, so a per-process
    cache is safe and saves re-parsing the same entered SMILES on every page view.
    """
    mol = Chem.MolFromSmiles(smiles) if smiles else None
    if mol is None:
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


def mol_with_coordinates(smiles: str, *, name: str = "") -> Chem.Mol:
    """The structure with 2D coordinates (so a MOL file carries wedges for its stereo)."""
    mol = mol_from_smiles(smiles)
    rdDepictor.SetPreferCoordGen(True)
    rdDepictor.Compute2DCoords(mol)
    if name:
        mol.SetProp("_Name", name)
    return mol


def mol_block(smiles: str, *, name: str = "") -> str:
    """A V2000 MOL file of the structure (all components of a salt), named in its header line."""
    return Chem.MolToMolBlock(mol_with_coordinates(smiles, name=name))


def sdf_record(smiles: str, *, name: str, properties: dict[str, str]) -> str:
    """One SD file record: the MOL block then ``> <key>`` data items, ending with ``$$$$``."""
    mol = mol_with_coordinates(smiles, name=name)
    for key, value in properties.items():
        mol.SetProp(key, str(value))
    buffer = io.StringIO()
    writer = Chem.SDWriter(buffer)
    writer.SetProps(list(properties))
    writer.write(mol)
    writer.close()
    return buffer.getvalue()
