"""Synthetic compounds for load testing: distinct, RDKit-valid structures made combinatorially.

A structure is one of 16 aromatic scaffolds with one of 50 substituents (hydrogen included) at each of
three positions: 16 × 50³ = 2,000,000 distinct molecules. The scaffolds are chosen so that no two
combinations give the same molecule: each ring system appears once, none has a symmetry that maps its
three positions onto each other, and no scaffold's fixed group (the N-methyl of the azoles, the
benzyloxy of the benzene) is among the substituents. tests/catalog/test_generate_catalog.py checks
that over a subset of risky substituents; the million-compound benchmark checks it on a million.

Synthetic compound number n (``SYN-000123`` is number 123) always gets the same structure for the same
seed: n is mapped to a combination by an affine permutation of the 2,000,000, so consecutive numbers
look unrelated while repeated runs (which continue the numbering) never repeat a structure, as long as
they use the same seed.

This module is free of Django so that worker processes of a ``multiprocessing`` pool can import it
cheaply; everything here is a pure function of its arguments.
"""

from __future__ import annotations

import math
import random
from decimal import Decimal

from rdkit import Chem

from .chemistry import analyse_smiles, structure_field_values
from .structure_search import fingerprint_of_smiles

# Three positions each, written {0} {1} {2}; ring-closure digits 1–3 belong to the scaffolds.
SCAFFOLDS = (
    "c1(OCc3ccccc3)c{0}c{1}c{2}cc1",  # benzyl phenyl ether
    "c1{0}c{1}c{2}ccn1",  # pyridine
    "n1c{0}nc{1}c{2}c1",  # pyrimidine
    "c1{0}ccc2nc{1}cc{2}c2c1",  # quinoline
    "c1{0}ccc2cnc{1}c{2}c2c1",  # isoquinoline
    "Cn1c{0}c{1}c2cc{2}ccc21",  # 1-methylindole
    "o1c{0}c{1}c2cc{2}ccc21",  # benzofuran
    "s1c{0}c{1}c2cc{2}ccc21",  # benzothiophene
    "o1c{0}nc2cc{1}c{2}cc21",  # benzoxazole
    "s1c{0}nc2cc{1}c{2}cc21",  # benzothiazole
    "Cn1c{0}nc2cc{1}c{2}cc21",  # 1-methylbenzimidazole
    "Cn1nc{0}c2cc{1}c{2}cc21",  # 1-methylindazole
    "s1c{0}nc{1}c1{2}",  # thiazole
    "Cn1nc{0}c{1}c1{2}",  # 1-methylpyrazole
    "o1c{0}nc{1}c1{2}",  # oxazole
    "s1nc{0}c{1}c1{2}",  # isothiazole
)

# Drug-like groups without stereocentres or stereo double bonds; "" is hydrogen. Ring closures use 9.
SUBSTITUENTS = (
    "", "F", "Cl", "Br", "I", "C", "CC", "CCC", "C(C)C", "C(C)(C)C",
    "C9CC9", "O", "OC", "OCC", "OC(C)C", "OC(F)(F)F", "OC(F)F", "C(F)(F)F", "C(F)F", "C#N",
    "N", "NC", "N(C)C", "NC(C)=O", "NS(C)(=O)=O", "C(=O)O", "C(=O)OC", "C(=O)OCC", "C(N)=O", "C(=O)NC",
    "C(=O)N(C)C", "C(C)=O", "C=O", "S(C)(=O)=O", "S(N)(=O)=O", "SC", "CO", "CCO", "CN(C)C", "CN",
    "[N+](=O)[O-]", "c9ccccc9", "N9CCOCC9", "N9CCCC9", "N9CCCCC9", "N9CCN(C)CC9", "C#C", "C=C", "OCC9CC9", "CC#N",
)  # fmt: skip

PER_SCAFFOLD = len(SUBSTITUENTS) ** 3
CAPACITY = len(SCAFFOLDS) * PER_SCAFFOLD

# What the page's generated text says, word for word (tests look for it).
DESCRIPTION = "Synthetic test compound generated for load testing; not a real substance."
PLACEHOLDER = "Synthetic placeholder (not real data)"
DESCRIPTION_SOURCE = "generate_catalog (synthetic)"
PK_INTRO = f"{PLACEHOLDER}: the values below are random numbers generated for load testing."
TRIAL_HEADING = f"{PLACEHOLDER}: trial table"
TRIAL_CAPTION = f"{PLACEHOLDER}: random numbers generated for load testing"
TRIAL_NOTES = "No such study exists. These rows are random numbers generated for load testing."


def name_for(number: int) -> str:
    return f"SYN-{number:06d}"


def slug_for(number: int) -> str:
    return f"syn-{number:06d}"


def catalog_number_for(number: int) -> str:
    return f"SYN{number:06d}"


def _permutation(seed: int) -> tuple[int, int]:
    """(a, b) of the affine bijection i ↦ (a·i + b) mod CAPACITY chosen by the seed."""
    rng = random.Random(seed)
    while True:
        a = rng.randrange(CAPACITY // 3, CAPACITY)
        if math.gcd(a, CAPACITY) == 1:
            return a, rng.randrange(CAPACITY)


def combination(number: int, seed: int = 0) -> tuple[int, int, int, int]:
    """(scaffold, substituent, substituent, substituent) indices of synthetic compound ``number`` (from 1)."""
    if not 1 <= number <= CAPACITY:
        raise ValueError(f"Synthetic compound numbers run from 1 to {CAPACITY:,}; got {number}.")
    a, b = _permutation(seed)
    index = (a * (number - 1) + b) % CAPACITY
    scaffold, rest = divmod(index, PER_SCAFFOLD)
    n = len(SUBSTITUENTS)
    return scaffold, rest // (n * n), rest // n % n, rest % n


def smiles_from(scaffold: int, *substituents: int) -> str:
    """The (not yet canonical) SMILES of one combination."""
    groups = (SUBSTITUENTS[i] for i in substituents)
    return SCAFFOLDS[scaffold].format(*(f"({group})" if group else "" for group in groups))


def smiles_for(number: int, seed: int = 0) -> str:
    """RDKit's canonical SMILES of synthetic compound ``number``."""
    return Chem.CanonSmiles(smiles_from(*combination(number, seed)))


def structure_fields(smiles: str) -> dict:
    """The structure-derived fields of Compound, computed properties included, as ``Compound.refresh_structure``
    computes them.

    Two differences, both deliberate: no depiction is drawn (``structure_svg`` stays empty; an SVG costs
    about 2 ms and 11 KB a compound, 11 GB for a million), and so ``structure_hash`` stays empty too.
    ``catalog.drawings.structure_svg`` then draws the structure on first view (cached by its hash), and the next
    ``save()`` stores it. A hash that claimed the empty SVG was current would show no drawing at all.
    """
    values = structure_field_values(analyse_smiles(smiles))
    fingerprint = fingerprint_of_smiles(values["computed_canonical_smiles"])
    return {
        "structure_hash": "",
        "structure_error": "",
        "structure_svg": "",
        **values,
        "structure_fingerprint": fingerprint,
    }


def placeholder_numbers(number: int, seed: int = 0) -> dict:
    """Random but reproducible numbers for the placeholder pharmacokinetics and trial rows."""
    rng = random.Random(seed * 10_000_019 + number)
    pk = [
        ("Half-life", f"{PLACEHOLDER}: {rng.uniform(0.5, 24):.1f} h"),
        ("Oral bioavailability", f"{PLACEHOLDER}: {rng.randint(5, 95)} %"),
        ("Plasma protein binding", f"{PLACEHOLDER}: {rng.randint(10, 99)} %"),
    ]
    rows = []
    for arm in range(1, rng.randint(2, 3) + 1):
        placebo = rng.randint(5, 40)
        p_value = Decimal(rng.randint(1, 50_000)) / 1_000_000
        rows.append(
            {
                "study": f"{PLACEHOLDER}: study arm {arm}",
                "dose_mg_per_day": Decimal(rng.choice((10, 25, 50, 100, 150, 200, 400))),
                "responders_percent": Decimal(rng.randint(placebo, 90)),
                "placebo_percent": Decimal(placebo),
                "p_value_relation": "<" if p_value < Decimal("0.001") else "=",
                "p_value": max(p_value, Decimal("0.001")),
            }
        )
    return {"pk": pk, "rows": rows}


def build_entries(numbers: tuple[int, int], seed: int = 0) -> list[dict]:
    """Everything one batch of compounds needs, numbers ``start`` to ``stop - 1``: runs in a pool worker."""
    start, stop = numbers
    entries = []
    for number in range(start, stop):
        smiles = smiles_for(number, seed)
        entry = {"number": number, "smiles": smiles, "structure": structure_fields(smiles)}
        entries.append(entry | placeholder_numbers(number, seed))
    return entries
