"""Which similarity engine: the index's numpy search, RDKit's BulkTanimotoSimilarity, FPSim2's kernel.

    .venv/bin/python bench/similarity_engines_bench.py [--count N]

Same rows as bench/structure_search_bench.py (cached in bench/tmp/), same queries, one process per
engine so that memory is measured alone. FPSim2 is measured only where it is installed (it is not a
dependency; to measure it, run this with a Python that has ``fpsim2==0.7.4``). Its public engine reads an
HDF5 file or a SQLAlchemy table, so its C++ kernel (``FPSim2.FPSim2lib.GenericSearch``) is called on an
array laid out as FPSim2 lays it out (id, words from ``process_fp``, popcount; sorted by popcount).
Writes bench/results/similarity-engines-<count>.md.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.structure_search_bench import SIMILARITY, p95, rss_mb  # noqa: E402
from bench.structure_search_data import rows  # noqa: E402
from catalog.structure_search import StructureIndex, parse_query  # noqa: E402
from catalog.structure_search.fingerprints import MORGAN_BYTES  # noqa: E402

RESULTS = ROOT / "bench" / "results"
MORGAN = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
REPEAT = 5


def bit_vectors(blobs: list[bytes]) -> list[DataStructs.ExplicitBitVect]:
    vectors = []
    for blob in blobs:
        bits = np.unpackbits(np.frombuffer(blob, dtype=np.uint8, count=MORGAN_BYTES, offset=1), bitorder="little")
        vector = DataStructs.ExplicitBitVect(2048)
        vector.SetBitsFromList(np.flatnonzero(bits).tolist())
        vectors.append(vector)
    return vectors


def popcount_bounds(counts: np.ndarray, query_count: int, threshold: float) -> tuple[int, int]:
    low = int(np.searchsorted(counts, math.floor(threshold * query_count), "left"))
    return low, int(np.searchsorted(counts, query_count / threshold, "right"))


def engine(name: str, count: int):
    """A search function ``(mol, threshold) -> hit count``, built from the cached rows."""
    ids, smiles, blobs = rows(count)
    if name == "index (numpy)":
        index = StructureIndex.build(zip(ids, smiles, blobs, strict=True))
        return lambda mol, threshold: index.similarity(_query(mol), threshold=threshold).count
    vectors = bit_vectors(blobs)
    counts = np.array([vector.GetNumOnBits() for vector in vectors])
    order = np.argsort(counts, kind="stable")
    counts = counts[order]
    if name == "RDKit BulkTanimotoSimilarity":
        vectors = [vectors[i] for i in order]

        def bulk(mol, threshold):
            fp = MORGAN.GetFingerprint(mol)
            low, high = popcount_bounds(counts, fp.GetNumOnBits(), threshold)
            return sum(score >= threshold for score in DataStructs.BulkTanimotoSimilarity(fp, vectors[low:high]))

        return bulk
    from FPSim2.FPSim2lib import GenericSearch
    from FPSim2.io.chem import process_fp

    table = np.array([process_fp(vectors[i], int(i)) for i in order], dtype=np.uint64)

    def fpsim2(mol, threshold):
        query = np.array(process_fp(MORGAN.GetFingerprint(mol), 0), dtype=np.uint64)
        low, high = popcount_bounds(counts, int(query[-1]), threshold)
        return len(GenericSearch(query, table, threshold, 0, 0, low, high))

    return fpsim2


def _query(mol):
    return parse_query(Chem.MolToSmiles(mol), "similarity")


def measure(name: str, count: int) -> list[str]:
    before = rss_mb()
    started = time.perf_counter()
    search = engine(name, count)
    build = time.perf_counter() - started
    memory = rss_mb() - before
    lines = []
    for label, text, threshold in SIMILARITY:
        mol = Chem.MolFromSmiles(text)
        hits = search(mol, threshold)
        samples = []
        for _ in range(REPEAT):
            began = time.perf_counter()
            search(mol, threshold)
            samples.append((time.perf_counter() - began) * 1000)
        lines.append(f"| {name} | {label} | {statistics.median(samples):.0f} | {p95(samples):.0f} | {hits:,} |")
    lines.append(f"| {name} | build {build:.1f} s; RSS {memory:.0f} MB incl. the loaded rows | | | |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--engine")
    args = parser.parse_args()
    if args.engine:  # one engine, in its own process
        sys.stdout.write("\n".join(measure(args.engine, args.count)) + "\n")
        return
    rows(args.count)  # fill the cache once
    names = ["index (numpy)", "RDKit BulkTanimotoSimilarity"]
    try:
        import FPSim2  # noqa: F401

        names.append("FPSim2 0.7.4 kernel")
    except ImportError:
        pass
    lines = ["| engine | query | p50 ms | p95 ms | hits |", "|---|---|---:|---:|---:|"]
    for name in names:
        command = [sys.executable, __file__, "--count", str(args.count), "--engine", name]
        lines += subprocess.run(command, check=True, capture_output=True, text=True).stdout.splitlines()
    load = os.getloadavg()
    text = "\n".join(
        [
            f"# Similarity engines at {args.count:,} compounds",
            "",
            f"{REPEAT} runs a query; shared 2-core machine, load average "
            f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}.",
            "",
            *lines,
            "",
        ]
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"similarity-engines-{args.count}.md").write_text(text, encoding="utf-8")
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
