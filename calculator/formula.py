"""Molecular weight from a molecular formula, with RDKit's atomic weights.

RDKit is the site's one atomic-weight source: the catalog computes MWs with ``Descriptors.MolWt``,
which sums these same standard atomic weights, so a formula typed here gives the MW the compound
page shows (C15H22N2O -> 246.354).

Accepted: element symbols with counts (``C15H22N2O``), parentheses with a count (``Ca(OH)2``), and
components joined by ``.`` or ``·`` with an optional leading count (``C15H22N2O.HCl``,
``CuSO4·5H2O``). ``D`` and ``T`` are hydrogen-2 and hydrogen-3.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rdkit import Chem

MAX_FORMULA_LENGTH = 200
# Atoms in one formula, multipliers applied. The calculator takes MWs up to 1,000,000 g/mol, about
# 140,000 atoms of a protein (an IgG antibody, C6470H10012N1716O2026S44, has 20,268); a count past
# this is a typing slip, and refusing it keeps the arithmetic on small numbers.
MAX_FORMULA_ATOMS = 200_000


class FormulaError(ValueError):
    pass


def _atomic_weights() -> dict[str, Decimal]:
    # Built once, into a dict: asking RDKit about an unknown symbol prints a C++ stack trace.
    table = Chem.GetPeriodicTable()
    weights = {table.GetElementSymbol(n): Decimal(repr(table.GetAtomicWeight(n))) for n in range(1, 119)}
    weights["D"] = Decimal(repr(table.GetMassForIsotope(1, 2)))
    weights["T"] = Decimal(repr(table.GetMassForIsotope(1, 3)))
    return weights


ATOMIC_WEIGHTS = _atomic_weights()
TOKEN = re.compile(r"([A-Z][a-z]?)(\d*)|(\()|(\))(\d*)|(\s+)|(.)")
COMPONENT_COUNT = re.compile(r"^(\d+)(?=[A-Z(])")


def molecular_weight_of_formula(formula: str) -> Decimal:
    """The average molecular weight (g/mol) of ``formula``; ``FormulaError`` with the reason if it cannot be read."""
    text = formula.strip()
    if not text:
        raise FormulaError("Enter a molecular formula, e.g. C15H22N2O.")
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(f"A formula is at most {MAX_FORMULA_LENGTH} characters.")
    weight, atoms = Decimal(0), 0
    for part in re.split(r"[.·•]", text):
        part_weight, part_atoms = _component(part)
        weight, atoms = weight + part_weight, _atoms_within_limit(atoms + part_atoms)
    return weight


def _atoms_within_limit(atoms: int) -> int:
    if atoms > MAX_FORMULA_ATOMS:
        raise FormulaError(f"A formula may have at most {MAX_FORMULA_ATOMS:,} atoms; check the counts.")
    return atoms


def _component(component: str) -> tuple[Decimal, int]:
    """(weight, number of atoms) of one dot-separated component, its leading count applied."""
    component = component.strip()
    if not component:
        raise FormulaError("A formula has an empty part between dots.")
    multiplier = 1
    match = COMPONENT_COUNT.match(component)
    if match:
        multiplier = int(match.group(1))
        component = component[match.end() :]
    weight, atoms = _group(component)
    return multiplier * weight, _atoms_within_limit(multiplier * atoms)


def _group(text: str) -> tuple[Decimal, int]:
    # One (weight, atoms) entry per open parenthesis, the outermost level first.
    stack: list[tuple[Decimal, int]] = [(Decimal(0), 0)]
    for element, count, opening, closing, closing_count, _space, other in TOKEN.findall(text):
        if element:
            n = _count(count)
            weight, atoms = stack[-1]
            stack[-1] = (weight + _element_weight(element) * n, _atoms_within_limit(atoms + n))
        elif opening:
            stack.append((Decimal(0), 0))
        elif closing:
            if len(stack) == 1:
                raise FormulaError("A closing parenthesis has no opening one.")
            group_weight, group_atoms = stack.pop()
            n = _count(closing_count)
            weight, atoms = stack[-1]
            stack[-1] = (weight + group_weight * n, _atoms_within_limit(atoms + group_atoms * n))
        elif other:
            raise FormulaError(f"“{other}” cannot appear in a formula; write elements and counts, e.g. C15H22N2O.")
    if len(stack) != 1:
        raise FormulaError("A parenthesis is not closed.")
    if stack[0][1] == 0:
        raise FormulaError("The formula has no elements.")
    return stack[0]


def _element_weight(symbol: str) -> Decimal:
    try:
        return ATOMIC_WEIGHTS[symbol]
    except KeyError:
        raise FormulaError(f"“{symbol}” is not an element symbol (symbols are case-sensitive: Co, not CO).") from None


def _count(text: str) -> int:
    if not text:
        return 1
    count = int(text)
    if count == 0:
        raise FormulaError("An element count of 0 makes no sense.")
    return count
