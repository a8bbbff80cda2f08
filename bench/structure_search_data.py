"""The benchmark catalog of structure search: rows (id, canonical SMILES, fingerprint blob), cached.

ChEMBL's 2,628 approved drugs (fixtures/chembl_approved_drugs.csv) then synthetic compounds
(catalog/synthetic.py, seed 0) up to the count asked for; ids run from 1 in that order. The SMILES is
RDKit's canonical SMILES (what the catalog stores as the computed canonical SMILES) and the blob is
``fingerprint_bytes`` of it, so the rows are what the database would hand the index. Computing them
takes a few minutes at a million (2 processes); they are cached in bench/tmp/ (gitignored).
"""

from __future__ import annotations

import csv
import multiprocessing
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rdkit import Chem  # noqa: E402

from catalog import synthetic  # noqa: E402
from catalog.structure_search import fingerprint_bytes  # noqa: E402

TMP = ROOT / "bench" / "tmp"
DRUGS = ROOT / "fixtures" / "chembl_approved_drugs.csv"
BATCH = 10_000


def drug_smiles() -> list[str]:
    with DRUGS.open(newline="") as handle:
        return [row["smiles"] for row in csv.DictReader(handle)]


def _row(smiles: str) -> tuple[str, bytes]:
    mol = Chem.MolFromSmiles(smiles)
    canonical = Chem.MolToSmiles(mol)
    return canonical, fingerprint_bytes(Chem.MolFromSmiles(canonical))


def _synthetic_batch(numbers: tuple[int, int]) -> list[tuple[str, bytes]]:
    return [_row(synthetic.smiles_from(*synthetic.combination(n))) for n in range(*numbers)]


def rows(count: int, *, workers: int = 2) -> tuple[list[int], list[str], list[bytes]]:
    """(ids, SMILES, blobs) of the first ``count`` compounds, from the cache when it has them."""
    cache = TMP / f"structure_rows_{count}.pickle"
    if cache.exists():
        with cache.open("rb") as handle:
            return pickle.load(handle)
    drugs = [_row(smiles) for smiles in drug_smiles()[:count]]
    remaining = count - len(drugs)
    batches = [(start, min(start + BATCH, remaining + 1)) for start in range(1, remaining + 1, BATCH)]
    made = list(drugs)
    started = time.monotonic()
    with multiprocessing.Pool(workers) as pool:
        for done, batch in enumerate(pool.imap(_synthetic_batch, batches), start=1):
            made.extend(batch)
            if done % 10 == 0 or done == len(batches):
                print(f"  {len(made):,} rows, {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    result = (list(range(1, count + 1)), [smiles for smiles, _ in made], [blob for _, blob in made])
    TMP.mkdir(exist_ok=True)
    with cache.open("wb") as handle:
        pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return result


if __name__ == "__main__":
    rows(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
