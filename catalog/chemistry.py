"""Structure-derived identifiers computed with RDKit (the field's standard toolkit).

Average molecular weights use RDKit's atomic weights (``Descriptors.MolWt``); we name that source
wherever an MW is shown as computed, since other tables (e.g. molmass) differ in the third decimal.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rdkit import Chem, RDLogger
from rdkit.Chem import Descriptors, rdMolDescriptors

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


def mol_from_smiles(smiles: str) -> Chem.Mol:
    mol = Chem.MolFromSmiles(smiles) if smiles else None
    if mol is None:
        raise StructureError(f"RDKit cannot parse the SMILES {smiles!r}.")
    return mol


def identifiers_from_smiles(smiles: str) -> StructureIdentifiers:
    """Canonical SMILES, Hill formula, average MW (3 decimals), monoisotopic mass, InChI and InChIKey."""
    mol = mol_from_smiles(smiles)
    inchi = Chem.MolToInchi(mol)
    return StructureIdentifiers(
        canonical_smiles=Chem.MolToSmiles(mol),
        molecular_formula=rdMolDescriptors.CalcMolFormula(mol),
        molecular_weight=Decimal(str(round(Descriptors.MolWt(mol), 3))),
        monoisotopic_mass=Decimal(str(round(Descriptors.ExactMolWt(mol), 4))),
        inchi=inchi,
        inchikey=Chem.InchiToInchiKey(inchi),
    )
