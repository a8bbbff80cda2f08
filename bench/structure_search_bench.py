"""Structure search at catalog scale: build time, memory per worker, and p50/p95 per query.

    .venv/bin/python bench/structure_search_bench.py                   # 1,000,000 compounds
    .venv/bin/python bench/structure_search_bench.py --count 100000 --repeat 10

The catalog is ChEMBL's approved drugs plus synthetic compounds (bench/structure_search_data.py; the
rows are computed once, in a few minutes, and cached in bench/tmp/). The index is built from those rows
as the app would build it from the database, then:

- memory: the process's RSS before the rows are loaded and after the index is built and the rows freed
  (an upper bound: freed memory the allocator keeps counts too); then two forked children (as gunicorn
  forks workers from a preloaded app) each run every query, and their PSS and private memory are read
  from /proc/<pid>/smaps_rollup: what each worker costs beyond what they share;
- time: each query ``--repeat`` times after one warm-up, p50 and p95 of wall time in the search call.

Writes bench/results/structure-search-<count>.md. The machine is shared; its load average is recorded.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.structure_search_data import rows  # noqa: E402
from catalog.structure_search import StructureIndex, parse_query  # noqa: E402

RESULTS = ROOT / "bench" / "results"

ATORVASTATIN = "CC(C)c1c(C(=O)Nc2ccccc2)c(-c2ccccc2)c(-c2ccc(F)cc2)n1CC[C@@H](O)C[C@@H](O)CC(=O)O"
# (label, query text); substructure first page: 20 hits, counted up to 1,000, budget 2 s.
SUBSTRUCTURE = [
    ("benzene (very common)", "c1ccccc1"),
    ("quinoline (1 in 16 synthetic)", "c1ccc2ncccc2c1"),
    ("carboxylic acid, SMARTS", "[CX3](=O)[OX2H1]"),
    ("beta-lactam (rare: drugs only)", "O=C1CCN1"),
    ("steroid core (rare: drugs only)", "C1CCC2C(C1)CCC1C2CCC2CCCC21"),
    ("dibenzofuran (no match: full scan)", "c1ccc2c(c1)oc1ccccc12"),
    ("12-ring of any aliphatic atom (worst allowed)", "A1AAAAAAAAAAA1"),
    ("chain of 12 any atoms, any bonds (worst allowed)", "~".join(["[!#1]"] * 12)),
]  # fmt: skip
SIMILARITY = [
    ("milnacipran, 0.7", "CCN(CC)C(=O)C1(c2ccccc2)CC1CN", 0.7),
    ("prazosin, 0.7", "COc1cc2nc(N3CCN(C(=O)c4ccco4)CC3)nc(N)c2cc1OC", 0.7),
    ("a synthetic compound, 0.7", "Cc1c(OCc2ccccc2)ccc(N2CCCCC2)c1OC(F)(F)F", 0.7),
    ("a synthetic compound, 0.5", "Cc1c(OCc2ccccc2)ccc(N2CCCCC2)c1OC(F)(F)F", 0.5),
    ("benzene, 0.7 (few bits)", "c1ccccc1", 0.7),
    ("atorvastatin, 0.3 (low threshold)", ATORVASTATIN, 0.3),
]  # fmt: skip
SIMILAR_TO = [("a drug (id 3)", 3), ("a synthetic compound (id 500,000)", 500_000)]


def rss_mb(pid: str = "self") -> float:
    with open(f"/proc/{pid}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def smaps_mb(pid: int) -> dict[str, float]:
    values = {}
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            parts = line.split()
            if parts[0].rstrip(":") in {"Rss", "Pss", "Private_Clean", "Private_Dirty", "Shared_Clean", "Shared_Dirty"}:
                values[parts[0].rstrip(":")] = int(parts[1]) / 1000
    return values


def timed(call, repeat: int) -> tuple[list[float], object]:
    result = call()  # warm-up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples, result


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1] if len(samples) > 1 else samples[0]


def run_queries(index: StructureIndex, repeat: int) -> list[str]:
    lines = ["| query | p50 ms | p95 ms | result |", "|---|---:|---:|---|"]
    for label, text in SUBSTRUCTURE:
        query = parse_query(text, "substructure")
        samples, result = timed(lambda q=query: index.substructure(q, limit=20), repeat)
        more = "more than " if result.truncated else ("at least " if result.partial else "")
        what = f"page of {len(result.hits)}, {more}{result.count:,} matches" + (", PARTIAL" if result.partial else "")
        lines.append(f"| substructure: {label} | {statistics.median(samples):.1f} | {p95(samples):.1f} | {what} |")
    for label, text, threshold in SIMILARITY:
        query = parse_query(text, "similarity")
        samples, result = timed(lambda q=query, t=threshold: index.similarity(q, threshold=t, limit=50), repeat)
        what = f"{result.count:,} at or above" + (", PARTIAL" if result.partial else "")
        lines.append(f"| similarity: {label} | {statistics.median(samples):.1f} | {p95(samples):.1f} | {what} |")
    for label, compound_id in SIMILAR_TO:
        samples, hits = timed(lambda i=compound_id: index.similar_to(i), repeat)
        lines.append(
            f"| similar compounds (≥ 0.5, 6): {label} | {statistics.median(samples):.1f} | {p95(samples):.1f} "
            f"| {len(hits)} shown |"
        )
    samples, query = timed(lambda: parse_query("CCN(CC)C(=O)C1(c2ccccc2)CC1CN", "exact"), repeat)
    lines.append(
        f"| exact: query → InChIKey (the lookup is the database's) | {statistics.median(samples):.2f} "
        f"| {p95(samples):.2f} | {query.inchikey} |"
    )
    return lines


def fork_worker(index: StructureIndex, repeat: int, *, inherited: tuple[int, ...] = ()) -> tuple[int, list[str], int]:
    """(pid, report lines, release fd) of a forked child that ran the queries and now waits for the fd to close.

    ``inherited``: the release fds of earlier children, which this child must close (or they never see EOF).
    """
    out_read, out_write = os.pipe()
    hold_read, hold_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        for fd in (out_read, hold_write, *inherited):
            os.close(fd)
        with os.fdopen(out_write, "w") as pipe:
            pipe.write("\n".join(run_queries(index, repeat)))
        os.read(hold_read, 1)  # returns when the parent closes its end
        os._exit(0)
    os.close(out_write)
    os.close(hold_read)
    with os.fdopen(out_read) as pipe:
        lines = pipe.read().splitlines()
    return pid, lines, hold_write


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    before = rss_mb()
    ids, smiles, blobs = rows(args.count)
    loaded = rss_mb()
    started = time.perf_counter()
    index = StructureIndex.build(zip(ids, smiles, blobs, strict=True))
    build_seconds = time.perf_counter() - started
    del ids, smiles, blobs
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    index_mb = rss_mb() - before

    # Incremental changes on the full index.
    started = time.perf_counter()
    for n in range(100):
        index.add(args.count + 1 + n, "CCN(CC)C(=O)C1(c2ccc(F)cc2)CC1CN")
    add_ms = (time.perf_counter() - started) * 1000 / 100
    started = time.perf_counter()
    for n in range(100):
        index.remove(args.count + 1 + n)
    remove_ms = (time.perf_counter() - started) * 1000 / 100

    # Two forked "workers" run the queries one after the other (the first only twice each: to touch what a
    # worker touches), and stay alive until both have been measured.
    first = fork_worker(index, 2)
    workers = [first, fork_worker(index, args.repeat, inherited=(first[2],))]
    memory = [smaps_mb(pid) for pid, _, _ in workers]
    lines = workers[1][1]
    for pid, _, release in workers:
        os.close(release)
        os.waitpid(pid, 0)

    load = os.getloadavg()
    report = [
        f"# Structure search at scale, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"{len(index):,} compounds (2,628 ChEMBL approved drugs, the rest synthetic: bench/structure_search_data.py); "
        f"{args.repeat} runs a query after a warm-up, in a forked worker; {os.cpu_count()}-core machine shared "
        f"with other work (load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}).",
        "",
        "## Index",
        "",
        f"- build from stored fingerprint blobs: {build_seconds:.1f} s "
        f"({build_seconds / len(index) * 1e6:.1f} µs a compound)",
        f"- process memory: {before:.0f} MB before the rows, {loaded:.0f} MB with the rows loaded, "
        f"index alone ≤ {index_mb:.0f} MB (RSS growth after the rows were freed)",
        f"- add / replace one compound: {add_ms:.2f} ms; remove one: {remove_ms:.3f} ms",
        "",
        "Two forked workers after the build (gunicorn --preload), each having run every query:",
        "",
        "| worker | RSS MB | PSS MB | private MB | shared MB |",
        "|---|---:|---:|---:|---:|",
    ]
    for worker, values in enumerate(memory, start=1):
        private = values["Private_Clean"] + values["Private_Dirty"]
        shared = values["Shared_Clean"] + values["Shared_Dirty"]
        report.append(f"| {worker} | {values['Rss']:.0f} | {values['Pss']:.0f} | {private:.0f} | {shared:.0f} |")
    report += ["", "## Queries", "", *lines, ""]
    text = "\n".join(report)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"structure-search-{args.count}.md").write_text(text + "\n", encoding="utf-8")
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
