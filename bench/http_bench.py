"""`make bench`: throughput and latency of what `make serve` serves, as ratios to a static file.

Every headline row measures the README's own configuration: `make serve` as it stands (production
settings, request logging on, gunicorn with config/gunicorn.py and 2 workers, the SQLite default with
the local-memory cache), and the same with `DATABASE_URL` and `REDIS_URL` when PostgreSQL and Redis
answer. The only other servers are the bare-view row's (bench settings: the framework's floor), the
cold page's (`DJANGO_PAGE_CACHE_SECONDS=0`: nothing cached) and nginx in front (`make serve-proxy`'s
configuration). wrk drives them from the same machine; each endpoint's requests per second is
divided by a static file the size of the compound page served by the same server. Absolute numbers
on a shared 2-core machine mean little; the ratios are what to compare. Results go to bench/results/.

The machine's speed drifts by a quarter from minute to minute, so one static-file figure taken at the
start would skew every ratio after it. Each endpoint is instead measured in rounds, each right after
a static-file run on the same server, and its ratio is the median of the rounds' ratios.

`make serve` uses the project's own database file (db.sqlite3) and static folder, as it does for you:
the benchmark adds one file, static/bench/page.html, under STATIC_ROOT while it runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.settings.base import STATIC_ROOT
from ops.proxy import running_nginx
from tests.prodserver import fetch, free_port, make_serve

RESULTS = Path(__file__).parent / "results"
CALC = "solve=mass&concentration=10&concentration_unit=mM&volume=1&volume_unit=mL&mw=246.35"
PAGE = "/compounds/milnacipran/"
STATIC_LABEL, STATIC = "static file (page-sized)", "/static/bench/page.html"
STATIC_FILE = Path(STATIC_ROOT) / "bench" / "page.html"
ENDPOINTS = {
    "compound page, warm": PAGE,
    "list page": "/compounds/",
    "search": "/compounds/?q=milna",
    "calculator API": f"/api/calculator/molarity?{CALC}",
}
BARE, COLD, PROXY = "bare Django view (bench settings)", "compound page, cold (no cache)", "compound page, via nginx"
TARGETS = {"compound page, warm": 0.8, "calculator API": 0.5}


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


def paired_with_static(base: str, path: str, seconds: int, connections: int, rounds: int, statics: list) -> dict:
    """The endpoint's median round, each round a static-file run then the endpoint's, on one server."""
    # Warm every worker, not just the one that answers first: a worker's first request for a page renders
    # it into its own cache (the cold row measures that) and may stall a round for half a second.
    wrk(base + path, 1, connections)
    wrk(base + STATIC, 1, connections)
    measured = []
    for _ in range(rounds):
        static = wrk(base + STATIC, seconds, connections)
        statics.append(static)
        run = wrk(base + path, seconds, connections)
        measured.append({**run, "ratio": round(run["rps"] / static["rps"], 3)})
    measured.sort(key=lambda run: run["ratio"])
    return measured[len(measured) // 2]


def run_backend(name: str, seconds: int, connections: int, rounds: int, **env: str) -> dict:
    """Every row for one backend; env adds DATABASE_URL and REDIS_URL, nothing else."""
    port = free_port()
    with make_serve(port, **env) as base:
        html = fetch(base + PAGE)[2]
    STATIC_FILE.parent.mkdir(parents=True, exist_ok=True)
    STATIC_FILE.write_bytes(html)  # WhiteNoise indexes files at start-up: serve again to pick it up
    results, statics = {}, []

    def measure(label: str, base: str, path: str) -> None:
        results[label] = paired_with_static(base, path, seconds, connections, rounds, statics)
        print(f"  {name}: {label}: {results[label]['ratio']:.2f} of the static file", flush=True)

    try:
        with make_serve(port, **env) as base:
            for label, path in ENDPOINTS.items():
                measure(label, base, path)
            with running_nginx(port=free_port(), app=f"127.0.0.1:{port}", static_root=Path(STATIC_ROOT)) as proxy:
                measure(PROXY, proxy, PAGE)
        with make_serve(port, DJANGO_PAGE_CACHE_SECONDS="0", **env) as base:
            measure(COLD, base, PAGE)
        with make_serve(port, settings_module="config.settings.bench", **env) as base:
            measure(BARE, base, "/bench/bare/")
    finally:
        STATIC_FILE.unlink(missing_ok=True)
    statics.sort(key=lambda run: run["rps"])
    static = {**statics[len(statics) // 2], "ratio": 1.0}  # the median run
    return {"bytes": len(html), "results": {STATIC_LABEL: static, **results}}


def postgres_and_redis_answer() -> bool:
    pg = subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False).returncode == 0
    redis = subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True, text=True, check=False)
    return pg and redis.stdout.strip() == "PONG"


def fresh_postgres_database(name: str) -> str:
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
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
    parser.add_argument("--backends", choices=["all", "sqlite", "postgres"], default="all")
    args = parser.parse_args()
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}",
        "setup": f"`make serve` as the README gives it (gunicorn 2 sync workers, production settings, request log "
        f"on); wrk -t1 -c{args.connections} -d{args.seconds}s on the same machine; each ratio the median of "
        f"{args.rounds} rounds of a static-file run then the endpoint's, on the same server",
        "backends": {},
    }
    measure = {"seconds": args.seconds, "connections": args.connections, "rounds": args.rounds}
    if args.backends in ("all", "sqlite"):
        print("make serve: SQLite (the default), local-memory cache")
        report["backends"]["SQLite"] = run_backend("sqlite", **measure)
    if args.backends in ("all", "postgres"):
        if postgres_and_redis_answer():
            print("make serve with DATABASE_URL (PostgreSQL) and REDIS_URL")
            report["backends"]["PostgreSQL + Redis"] = run_backend(
                "postgres",
                **measure,
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
