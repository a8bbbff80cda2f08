"""Reading a search query: SMILES, SMARTS, InChI, InChIKey or MOL block, within bounds.

Every refusal is a ``QueryError`` whose message can be shown to the user as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from rdkit import Chem, RDLogger

from ..chemistry import MAX_ATOMS, StructureError, check_mol_size, check_smiles_text, formula_counts

RDLogger.DisableLog("rdApp.*")  # parse failures are reported as QueryError, not on stderr

Mode = Literal["exact", "substructure", "similarity"]
MODES: tuple[str, ...] = ("exact", "substructure", "similarity")
Kind = Literal["smiles", "smarts", "inchi", "inchikey", "molblock"]

# The bound on a typed query (SMILES, SMARTS, InChI, InChIKey). A MOL block spends about 70
# characters an atom and 22 a bond, so a 30-atom drug is already about 2,800 characters: MOL blocks get
# their own bound, enough for a structure at chemistry.MAX_ATOMS.
MAX_QUERY_LENGTH = 2_000
MAX_MOLBLOCK_LENGTH = 32_000
# A substructure query's matching time grows steeply with the number of atoms that can map onto many
# different target atoms (``*``, ``A``, ``a``, ``[!#1]``, ``[C,N,O]`` ...), above all in rings and long
# chains: a 50-atom ``*~*~...`` chain takes 0.1 s on one steroid-sized drug, and a million targets
# multiply that. Such atoms are limited, as are SMARTS atoms and recursive SMARTS (``$(...)``), whose
# cost multiplies per atom. A SMILES query is specific (each atom pins its element) and is bounded by
# chemistry's size limits alone.
MAX_SMARTS_ATOMS = 40
MAX_UNSPECIFIC_ATOMS = 12
MAX_RECURSIVE_SMARTS = 4
MAX_RECURSION_DEPTH = 2
# A query atom counts as unspecific when it matches atoms of three or more of these elements.
_PROBE = Chem.MolFromSmiles("CN(O)SP(Cl)Br.c1cc[nH]c1.o1cccc1.s1cccc1")
_UNSPECIFIC_ELEMENTS = 3

_INCHIKEY = re.compile(r"[A-Z]{14}-[A-Z]{10}-[A-Z]")
_MOLBLOCK_MARKERS = ("M  END", "V2000", "V3000")


class QueryError(ValueError):
    """The query cannot be searched; the message says why, in words for the user."""


@dataclass(frozen=True)
class Query:
    """A query as read. ``mol`` is None only for an InChIKey (which names a structure, not describes it)."""

    text: str  # as entered, stripped
    mode: str
    kind: Kind
    mol: Chem.Mol | None
    smiles: str  # RDKit's canonical SMILES for display ("" for SMARTS and InChIKey)
    inchikey: str  # "" where undefined (SMARTS; structures InChI cannot describe)

    @property
    def skeleton(self) -> str:
        """The InChIKey's first block (connectivity): matches every stereoisomer, isotopologue, charge form."""
        return self.inchikey.split("-", 1)[0]

    @property
    def display(self) -> str:
        """What to show as the query: the canonical SMILES, else the text (SMARTS, InChIKey)."""
        return self.smiles or self.text

    @property
    def recursive(self) -> bool:
        """Whether the query holds recursive SMARTS (RDKit then guards matching across threads)."""
        return self.kind == "smarts" and "$(" in self.text


def parse_query(text: str, mode: str) -> Query:
    """Read ``text`` for a search in ``mode`` ("exact", "substructure" or "similarity").

    Tried in this order: an InChIKey (exact search only), an InChI, a MOL block (V2000/V3000), a SMILES,
    and only for substructure search a SMARTS. Raises ``QueryError`` with a message for the user.
    """
    if mode not in MODES:
        raise QueryError(f"Unknown search mode {_shorten(mode)}: choose exact, substructure or similarity.")
    raw = text or ""
    text = raw.strip()
    if not text:
        raise QueryError("Enter a structure: a SMILES, SMARTS, InChI, InChIKey or MOL block.")
    is_molblock = "\n" in text and any(marker in text for marker in _MOLBLOCK_MARKERS)
    if is_molblock:
        text = raw.rstrip()  # a MOL block's first line (the name) may be blank, and leading spaces count
    limit = MAX_MOLBLOCK_LENGTH if is_molblock else MAX_QUERY_LENGTH
    if len(text) > limit:
        what = "MOL block" if is_molblock else "query"
        raise QueryError(f"The {what} is {len(text):,} characters long; the limit is {limit:,}.")
    if _INCHIKEY.fullmatch(text):
        return _inchikey_query(text, mode)
    if text.startswith("InChI="):
        kind, mol = "inchi", _mol_from_inchi(text)
    elif is_molblock:
        kind, mol = "molblock", _mol_from_molblock(text)
    else:
        kind, mol = _mol_from_line(text, mode)
    if mol.GetNumAtoms() == 0:
        raise QueryError("The query has no atoms.")
    try:
        check_mol_size(mol)
    except StructureError as error:
        raise QueryError(str(error)) from None
    if mode == "substructure":
        _check_query_complexity(mol, kind, text)
    if kind == "smarts":
        return Query(text=text, mode=mode, kind=kind, mol=mol, smiles="", inchikey="")
    # The catalog's keys are standard InChIKeys of its structures: computed the same way from the query's.
    inchikey = Chem.MolToInchiKey(mol)
    if mode == "exact" and not inchikey:
        raise QueryError("RDKit cannot compute an InChIKey for this structure, so it cannot be looked up exactly.")
    return Query(text=text, mode=mode, kind=kind, mol=mol, smiles=Chem.MolToSmiles(mol), inchikey=inchikey or "")


def _inchikey_query(text: str, mode: str) -> Query:
    if mode != "exact":
        raise QueryError(
            "An InChIKey names a compound but does not describe its structure: use exact search, "
            "or enter a SMILES, InChI or MOL block."
        )
    return Query(text=text, mode=mode, kind="inchikey", mol=None, smiles="", inchikey=text)


def _mol_from_inchi(text: str) -> Chem.Mol:
    # RDKit builds every atom the formula layer names: count them before it does.
    layers = text.split("/")
    counts = formula_counts(layers[1]) if len(layers) > 1 else None
    if counts is not None:
        heavy = sum(count for element, count in counts.items() if element != "H")
        if heavy > MAX_ATOMS:
            raise QueryError(f"The structure has {heavy:,} atoms; structures are limited to {MAX_ATOMS:,} atoms.")
    mol = Chem.MolFromInchi(text)
    if mol is None:
        raise QueryError(f"RDKit cannot read the InChI {_shorten(text)}.")
    return mol


def _mol_from_molblock(text: str) -> Chem.Mol:
    mol = Chem.MolFromMolBlock(text)
    if mol is None:
        raise QueryError("RDKit cannot read this MOL block (check the atom and bond lines, and the valences).")
    return mol


def _mol_from_line(text: str, mode: str) -> tuple[Kind, Chem.Mol]:
    try:
        check_smiles_text(text)  # counts atoms and rings of SMARTS as well
    except StructureError as error:
        raise QueryError(str(error)) from None
    mol = Chem.MolFromSmiles(text)
    if mol is not None:
        return "smiles", mol
    if mode == "substructure":
        mol = Chem.MolFromSmarts(text)
        if mol is not None:
            return "smarts", mol
        raise QueryError(f"{_shorten(text)} is not a SMILES, SMARTS, InChI, InChIKey or MOL block that RDKit can read.")
    if Chem.MolFromSmarts(text) is not None:
        raise QueryError(
            f"{_shorten(text)} is a SMARTS pattern, not a structure: SMARTS can only be used in substructure search."
        )
    raise QueryError(f"{_shorten(text)} is not a SMILES, InChI, InChIKey or MOL block that RDKit can read.")


def _check_query_complexity(mol: Chem.Mol, kind: str, text: str) -> None:
    """Refuse substructure queries whose matching could take far too long (see the limits above)."""
    if kind == "smarts" and mol.GetNumAtoms() > MAX_SMARTS_ATOMS:
        raise QueryError(
            f"The SMARTS pattern has {mol.GetNumAtoms()} atoms; patterns are limited to {MAX_SMARTS_ATOMS} atoms."
        )
    if kind == "smarts":
        recursive = text.count("$(")
        if recursive > MAX_RECURSIVE_SMARTS or _recursion_depth(text) > MAX_RECURSION_DEPTH:
            raise QueryError(
                f"The SMARTS pattern has too much recursion ($(...)): at most {MAX_RECURSIVE_SMARTS} recursive "
                f"parts, nested at most {MAX_RECURSION_DEPTH} deep."
            )
    unspecific = sum(1 for atom in mol.GetAtoms() if _is_unspecific(atom))
    if unspecific > MAX_UNSPECIFIC_ATOMS:
        raise QueryError(
            f"The query has {unspecific} atoms that match almost any atom (such as *, A, a or [!#1]); at most "
            f"{MAX_UNSPECIFIC_ATOMS} are allowed. Name the elements of some of them."
        )


def _is_unspecific(atom: Chem.Atom) -> bool:
    if not atom.HasQuery():
        return False  # a plain atom (from a SMILES or MOL block) pins its element
    elements = {probe.GetAtomicNum() for probe in _PROBE.GetAtoms() if atom.Match(probe)}
    return len(elements) >= _UNSPECIFIC_ELEMENTS


def _recursion_depth(text: str) -> int:
    """How deeply recursive SMARTS ``$(...)`` nest in ``text``."""
    depth = deepest = 0
    stack: list[bool] = []  # for each open parenthesis: does it open a recursive SMARTS?
    for index, char in enumerate(text):
        if char == "(":
            recursive = index > 0 and text[index - 1] == "$"
            stack.append(recursive)
            depth += recursive
            deepest = max(deepest, depth)
        elif char == ")" and stack:
            depth -= stack.pop()
    return deepest


def _shorten(text: str, length: int = 60) -> str:
    """The text quoted for a message, cut to ``length`` characters."""
    text = str(text)
    return repr(text if len(text) <= length else text[: length - 1] + "…")
