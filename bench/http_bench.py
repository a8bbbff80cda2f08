"""`make bench`: throughput and latency of the production server, as ratios to a static file.

Starts the production server (gunicorn, production settings, WhiteNoise) on SQLite and, when PostgreSQL
and Redis answer, on PostgreSQL + Redis; drives it with wrk from the same machine; prints requests
per second and p50/p99 latency for each endpoint, and each as a ratio to a static file the size of
the compound page served by the same server in the same run. Absolute numbers on a shared 2-core
machine mean little; the ratios are what to compare. Results go to bench/results/.

The machine's speed drifts by a quarter from minute to minute, so one static-file figure taken at the
start would skew every ratio after it. Each endpoint is instead measured in rounds, each right after
a static-file run on the same server, and its ratio is the median of the rounds' ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.prodserver import fetch, production_server

RESULTS = Path(__file__).parent / "results"
CALC = "solve=mass&concentration=10&concentration_unit=mM&volume=1&volume_unit=mL&mw=246.35"
STATIC_LABEL, STATIC = "static file (page-sized)", "/static/bench/page.html"
ENDPOINTS = {
    STATIC_LABEL: STATIC,
    "bare Django view": "/bench/bare/",
    "compound page, warm": "/compounds/milnacipran/",
    "list page": "/compounds/",
    "search": "/compounds/?q=milna",
    "calculator API": f"/api/calculator/molarity?{CALC}",
}
COLD = "compound page, cold"
TARGETS = {"compound page, warm": 0.8, "calculator API": 0.5, COLD: 0.3}


def wrk(url: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {
        "rps": rps,
        "p50_ms": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99_ms": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(0) if errors else "",
    }


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def page_sized_static_file(static_root: Path, html: bytes) -> None:
    """A static file as big as the compound page, so the ceiling is measured on equal bytes."""
    target = static_root / "bench" / "page.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(html)


def run_backend(name: str, seconds: int, connections: int, rounds: int, **env: str) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    common = {"DJANGO_SETTINGS_MODULE": "config.settings.bench", "DJANGO_REQUEST_LOG": "false", **env}
    with production_server(workdir, workers=2, **common) as base:
        html = fetch(base + "/compounds/milnacipran/")[2]
    page_sized_static_file(workdir / "static", html)  # WhiteNoise indexes files at start-up: restart
    results, static_runs = {}, []
    with production_server(workdir, workers=2, **common) as base:
        for label, path in ENDPOINTS.items():
            if path != STATIC:
                results[label] = paired_with_static(base, path, seconds, connections, rounds, static_runs)
                print(f"  {name}: {label}: {results[label]['ratio']:.2f} of the static file", flush=True)
    with production_server(workdir, workers=2, DJANGO_PAGE_CACHE_SECONDS="0", **common) as base:
        results[COLD] = paired_with_static(base, "/compounds/milnacipran/", seconds, connections, rounds, static_runs)
        print(f"  {name}: {COLD}: {results[COLD]['ratio']:.2f} of the static file", flush=True)
    static_runs.sort(key=lambda run: run["rps"])
    static = {**static_runs[len(static_runs) // 2], "ratio": 1.0}  # the median run
    return {"bytes": len(html), "results": {STATIC_LABEL: static, **results}}


def paired_with_static(base: str, path: str, seconds: int, connections: int, rounds: int, static_runs: list) -> dict:
    """The endpoint's median round, each round a static-file run then the endpoint's, on one server."""
    fetch(base + path)  # warm the cache and the worker
    measured = []
    for _ in range(rounds):
        static = wrk(base + STATIC, seconds, connections)
        static_runs.append(static)
        run = wrk(base + path, seconds, connections)
        measured.append({**run, "ratio": round(run["rps"] / static["rps"], 3)})
    measured.sort(key=lambda run: run["ratio"])
    return measured[len(measured) // 2]


def postgres_and_redis_answer() -> bool:
    pg = subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False).returncode == 0
    redis = subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True, text=True, check=False)
    return pg and redis.stdout.strip() == "PONG"


def fresh_postgres_database(name: str) -> str:
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql], check=True)
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def table(report: dict) -> str:
    lines = [
        "| backend | endpoint | req/s | p50 ms | p99 ms | ratio to static | target | non-2xx |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for backend, data in report["backends"].items():
        for label, r in data["results"].items():
            target = TARGETS.get(label)
            mark = "" if target is None else f"≥ {target} {'✓' if r['ratio'] >= target else '✗'}"
            lines.append(
                f"| {backend} | {label} | {r['rps']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} "
                f"| {r['ratio']:.2f} | {mark} | {r['non_2xx']} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3, help="wrk duration of each run")
    parser.add_argument("--rounds", type=int, default=3, help="static-then-endpoint rounds per endpoint")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}",
        "setup": f"gunicorn 2 sync workers; wrk -t1 -c{args.connections} -d{args.seconds}s on the same machine; "
        f"each ratio the median of {args.rounds} rounds of a static-file run then the endpoint's",
        "backends": {},
    }
    print("SQLite, local-memory cache")
    report["backends"]["SQLite"] = run_backend("sqlite", args.seconds, args.connections, args.rounds)
    if postgres_and_redis_answer():
        print("PostgreSQL + Redis")
        report["backends"]["PostgreSQL + Redis"] = run_backend(
            "postgres",
            args.seconds,
            args.connections,
            args.rounds,
            DATABASE_URL=fresh_postgres_database("catalog_bench"),
            REDIS_URL="redis://127.0.0.1:6379/3",
        )
    else:
        print("PostgreSQL or Redis is not answering at 127.0.0.1: skipping that backend")
    rendered = table(report)
    print(rendered)
    RESULTS.mkdir(exist_ok=True)
    stamp = report["date"][:10]
    (RESULTS / f"http-{stamp}.json").write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / f"http-{stamp}.md").write_text(
        f"# HTTP benchmark, {report['date']}\n\n{report['machine']}; {report['setup']}.\n\n{rendered}\n"
    )


if __name__ == "__main__":
    main()
