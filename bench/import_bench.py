"""Import speed: generate N distinct structures, import them with `import_compounds --commit`, report
records per second and the importer's peak memory (max RSS of the child process).

    .venv/bin/python bench/import_bench.py                 # 10,000 records, SDF and CSV
    .venv/bin/python bench/import_bench.py --records 2000 --formats csv

Runs against a throwaway SQLite file in bench/tmp/ (or $DATABASE_URL if you pass --use-database-url),
so the catalog is not touched. Running two sizes shows whether memory stays flat as the file grows.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TMP = ROOT / "bench" / "tmp"

# Three independent choices give distinct, drug-like, parseable structures.
CHAINS = ["C" * n for n in range(1, 21)]
AMINES = ["N(C)C", "N(CC)CC", "N1CCCC1", "N1CCCCC1", "N1CCOCC1", "NC1CC1", "N", "N1CCN(C)CC1", "NC(C)C", "N(C)CC=C"]
ARYLS = [
    "c1ccccc1", "c1ccc(F)cc1", "c1ccc(Cl)cc1", "c1ccc(OC)cc1", "c1ccc(C(F)(F)F)cc1", "c1ccc2ccccc2c1",
    "c1cccs1", "c1ccncc1", "c1ccc(O)cc1", "c1ccc(C#N)cc1", "c1cc(Cl)cc(Cl)c1", "c1ccc(N(C)C)cc1",
    "c1ccoc1", "c1cnccn1", "c1ccc(S(C)(=O)=O)cc1", "c1ccc(Br)cc1", "c1ccc(C)cc1", "c1ccc2[nH]ccc2c1",
    "c1ccc(OC(F)(F)F)cc1", "c1ccc(C(=O)N)cc1", "c1ccc(CO)cc1", "c1cc(F)c(F)cc1", "c1ccc(SC)cc1",
    "c1ccc(NC(C)=O)cc1", "c1ccc2OCOc2c1", "c1ccc(I)cc1", "c1cnc2ccccc2c1", "c1ccc(CC)cc1",
    "c1ccc(C(C)C)cc1", "c1ccc(OCC)cc1", "c1ccc(-c2ccccc2)cc1", "c1ccc(C(C)(C)C)cc1", "c1ccc(N)cc1",
    "c1ccc([N+](=O)[O-])cc1", "c1ccc(CN)cc1", "c1ccc(OCc2ccccc2)cc1", "c1cc2ccccc2o1", "c1cc2ccccc2s1",
    "c1ccc(C(=O)OC)cc1", "c1ccc(F)c(Cl)c1", "c1ccc(OC)c(OC)c1", "c1ccc(CF)cc1", "c1ccn(C)c1",
    "c1cscn1", "c1cocn1", "c1ncc(C)s1", "c1ccc(P(C)(C)=O)cc1", "c1ccc(B(O)O)cc1", "c1ccc(CC#N)cc1",
    "c1ccc(C=C)cc1",
]  # fmt: skip


def structures(n: int):
    if n > len(CHAINS) * len(AMINES) * len(ARYLS):
        # Past 10,000, the synthetic catalog's structures (2,000,000 distinct; catalog/synthetic.py).
        sys.path.insert(0, str(ROOT))
        from catalog.synthetic import smiles_for

        yield from ((i, smiles_for(i)) for i in range(1, n + 1))
        return
    combos = itertools.product(CHAINS, AMINES, ARYLS)
    for i, (chain, amine, aryl) in enumerate(itertools.islice(combos, n), start=1):
        yield i, f"{amine}{chain}C(=O){aryl}"


def write_csv(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("catalog_number,name,smiles\n")
        for i, smiles in structures(n):
            out.write(f"BX{i:07d},Bench compound {i},{smiles}\n")


def write_sdf(path: Path, n: int) -> None:
    sys.path.insert(0, str(ROOT))
    from catalog.chemistry import sdf_record

    with path.open("w", encoding="utf-8") as out:
        for i, smiles in structures(n):
            name = f"Bench compound {i}"
            out.write(sdf_record(smiles, name=name, properties={"name": name, "catalog_number": f"BX{i:07d}"}))


def run_import(path: Path, database: str) -> tuple[float, float, str]:
    """(seconds, peak RSS of the import process in MB, its last output line)."""
    env = {**os.environ, "DATABASE_URL": database, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    script = (
        "import resource, sys, time, django; django.setup();"
        "from django.core.management import call_command; t=time.perf_counter();"
        f"call_command('import_compounds', {str(path)!r}, '--commit', '--no-progress', verbosity=0);"
        "sys.stderr.write(f'{time.perf_counter()-t} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n')"
    )
    result = subprocess.run([python, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    seconds, maxrss_kb = result.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(maxrss_kb) / 1024, result.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--formats", nargs="+", choices=["sdf", "csv"], default=["sdf", "csv"])
    parser.add_argument("--use-database-url", action="store_true", help="Import into $DATABASE_URL instead.")
    args = parser.parse_args()
    limit = 2_000_000
    TMP.mkdir(parents=True, exist_ok=True)
    print(f"{'format':<6} {'records':>8} {'seconds':>8} {'records/s':>10} {'peak RSS MB':>12}")
    for fmt in args.formats:
        for n in args.records:
            if n > limit:
                sys.exit(f"At most {limit} distinct structures; asked for {n}.")
            data = TMP / f"bench_{n}.{fmt}"
            (write_sdf if fmt == "sdf" else write_csv)(data, n)
            if args.use_database_url:
                database = os.environ["DATABASE_URL"]
            else:
                db_file = TMP / f"bench_{fmt}_{n}.sqlite3"
                for leftover in TMP.glob(db_file.name + "*"):
                    leftover.unlink()
                database = f"sqlite:///{db_file}"
            started = time.perf_counter()
            seconds, peak_mb, last_line = run_import(data, database)
            rate = n / seconds
            print(f"{fmt:<6} {n:>8,} {seconds:>8.1f} {rate:>10.0f} {peak_mb:>12.0f}   ({last_line})", flush=True)
            del started


if __name__ == "__main__":
    main()
