"""Sustained load: the compound page, a search, the calculator API and structure search at once, with zero
errors allowed.

    .venv/bin/python bench/load_test.py                   # 60 s on SQLite, then on PostgreSQL + Redis
    .venv/bin/python bench/load_test.py --seconds 10 --backends sqlite

For each backend it starts the production server as `make serve` does (gunicorn, 2 sync workers,
production settings, WhiteNoise, the demo catalog; SQLite with the local-memory cache, and PostgreSQL +
Redis when both answer at 127.0.0.1:5432 / 127.0.0.1:6379, on a database and a Redis database number
of its own that are removed afterwards). It then runs one wrk per endpoint, all at the same time, for
the whole duration (traffic to 127.0.0.1 only):

- the compound page        /compounds/milnacipran/
- a search                 /compounds/?q=ven
- the calculator API       /api/calculator/molarity?...
- the structure search API /api/compounds/structure-search?q=c1ccccc1&mode=substructure (benzene: the
                           commonest fragment, a page of 20 from this process's index)

It prints, per endpoint, requests, requests per second, p50/p99 latency, 5xx answers (counted by a
small wrk Lua script), other non-2xx/3xx answers, and wrk's socket errors (connect, read, write,
timeout; wrk's timeout is 2 s); it also reads the server's log for 5xx, tracebacks and "database is
locked". It writes the table to bench/results/load-<date>.md and exits 1 when any of those is not zero.
wrk shares the machine's cores with the server, so requests per second are for comparing endpoints
within one run, not across machines; the pass/fail figures are what this script is for.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.load.support import Browser, create_superuser
from tests.prodserver import fetch, production_env, production_server

RESULTS = Path(__file__).parent / "results"
CALC = "solve=mass&concentration=10&concentration_unit=mM&volume=1&volume_unit=mL&mw=246.35"
ENDPOINTS = {
    "compound page": "/compounds/milnacipran/",
    "search": "/compounds/?q=ven",
    "calculator API": f"/api/calculator/molarity?{CALC}",
    "structure search API": "/api/compounds/structure-search?q=c1ccccc1&mode=substructure&limit=20",
}
REDIS_DB = 14  # a Redis database number of the load test's own, flushed afterwards

# Counts 5xx answers in each wrk thread and prints the total as the last line of wrk's output.
COUNT_5XX = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) server_errors = 0 end
function response(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("server_errors") end
  io.write(string.format("5xx responses: %d\\n", total))
end
"""


@dataclass
class Result:
    endpoint: str
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    server_errors: int  # 5xx
    non_2xx_3xx: int  # wrk's count, 5xx included
    socket_errors: dict[str, int]

    @property
    def ok(self) -> bool:
        return self.server_errors == 0 and self.non_2xx_3xx == 0 and not any(self.socket_errors.values())


def parse_wrk(endpoint: str, output: str) -> Result:
    """wrk --latency output → Result (wrk leaves out the Non-2xx and Socket errors lines when they are zero)."""
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return Result(
        endpoint=endpoint,
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        p99_ms=_ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        server_errors=int(re.search(r"5xx responses: (\d+)", output).group(1)),
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=dict(
            zip(
                ["connect", "read", "write", "timeout"], map(int, sockets.groups()) if sockets else [0] * 4, strict=True
            )
        ),
    )


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk_path() -> str | None:
    return shutil.which("wrk")


def run_wrk_all(base: str, seconds: int, connections: int, workdir: Path) -> list[Result]:
    """One wrk per endpoint, all running at the same time for `seconds`."""
    script = workdir / "count_5xx.lua"
    script.write_text(COUNT_5XX)
    outputs: dict[str, str] = {}

    def run(label: str, path: str) -> None:
        # X-Forwarded-Proto as the load balancer sends it; the pages are the HTTPS ones visitors get.
        command = [wrk_path(), "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script)]
        command += ["-H", "X-Forwarded-Proto: https", base + path]
        outputs[label] = subprocess.run(
            command, capture_output=True, text=True, check=True, timeout=seconds + 60
        ).stdout

    threads = [threading.Thread(target=run, args=item) for item in ENDPOINTS.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    missing = set(ENDPOINTS) - set(outputs)
    if missing:
        raise RuntimeError(f"wrk did not finish for {', '.join(sorted(missing))}")
    return [parse_wrk(label, outputs[label]) for label in ENDPOINTS]


def log_findings(log: str) -> dict[str, int]:
    """What the server's own log says: 5xx it answered (JSON request log), tracebacks, locked SQLite."""
    statuses = [
        json.loads(line).get("status", 0) for line in log.splitlines() if line.startswith('{"event": "request"')
    ]
    return {
        "logged requests": len(statuses),
        "logged 5xx": sum(status >= 500 for status in statuses),
        "tracebacks": log.count("Traceback"),
        "database is locked": log.count("database is locked"),
    }


@dataclass
class Edits:
    """What the editors saw: saves answered, saves refused or failed, and reads after a save that missed it."""

    saved: int = 0
    failed: int = 0
    stale_reads: int = 0  # the compound's page, read right after the save returned, without the edit
    lost: int = 0  # an editor's last edit missing from the page at the end

    @property
    def ok(self) -> bool:
        return self.saved > 0 and self.failed == self.stale_reads == self.lost == 0


EDITED = {"Milnacipran": "/compounds/milnacipran/", "Duloxetine": "/compounds/duloxetine/"}


def edit_every_second(base: str, seconds: int) -> Edits:
    """Two staff, each saving one compound in the admin about once a second, each save then read back."""
    edits, lock = Edits(), threading.Lock()
    deadline = time.monotonic() + seconds

    def editor(name: str, page: str) -> None:
        staff, reader = Browser(base, timeout=30), Browser(base, timeout=30)
        staff.login()
        pk, marker = staff.compound_ids()[name], ""
        while time.monotonic() < deadline:
            started = time.monotonic()
            candidate = f"{name} load edit {started:.3f}"
            answer = staff.edit_compound(pk, {"mechanism_of_action": candidate})
            with lock:
                if answer.status != 302:
                    edits.failed += 1
                    continue
                edits.saved += 1
            marker = candidate
            if marker not in reader.get(page).text:
                with lock:
                    edits.stale_reads += 1
            time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
        if marker and marker not in Browser(base, timeout=30).get(page).text:
            with lock:
                edits.lost += 1

    threads = [threading.Thread(target=editor, args=item) for item in EDITED.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return edits


def run_backend(name: str, seconds: int, connections: int, **env: str) -> dict:
    """Production server on this backend, warmed, then wrk on every endpoint at once while two staff edit."""
    workdir = Path(tempfile.mkdtemp(prefix=f"load-{name}-"))
    log_path = workdir / "server.log"
    try:
        with production_server(workdir, workers=2, log_path=log_path, **env) as base:
            create_superuser(production_env(workdir, **env))
            for path in ENDPOINTS.values():
                status = fetch(base + path, {"X-Forwarded-Proto": "https"})[0]
                if status != 200:
                    raise RuntimeError(f"{path} answered {status} before the load started")
            edits: list[Edits] = []
            editing = threading.Thread(target=lambda: edits.append(edit_every_second(base, seconds)))
            editing.start()
            results = run_wrk_all(base, seconds, connections, workdir)
            editing.join()
        findings = log_findings(log_path.read_text(errors="replace"))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    ok = all(r.ok for r in results) and edits[0].ok
    ok = ok and not any(v for k, v in findings.items() if k != "logged requests")
    return {"results": results, "edits": edits[0], "log": findings, "ok": ok}


def postgres_and_redis_answer() -> bool:
    if not (shutil.which("pg_isready") and shutil.which("psql") and shutil.which("redis-cli")):
        return False
    pg = subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False).returncode == 0
    redis = subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True, text=True, check=False)
    return pg and redis.stdout.strip() == "PONG"


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql], check=True, capture_output=True)


def run_postgres_redis(seconds: int, connections: int) -> dict:
    database = f"catalog_load_{secrets.token_hex(4)}"
    psql(f"CREATE DATABASE {database}")
    try:
        return run_backend(
            "postgres",
            seconds,
            connections,
            DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
            REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
        )
    finally:
        psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        subprocess.run(["redis-cli", "-n", str(REDIS_DB), "flushdb"], capture_output=True, check=False)


def table(backends: dict[str, dict]) -> str:
    lines = [
        "| backend | endpoint | requests | req/s | p50 ms | p99 ms | 5xx | other non-2xx/3xx | socket errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for backend, data in backends.items():
        for r in data["results"]:
            sockets = ", ".join(f"{k} {v}" for k, v in r.socket_errors.items())
            lines.append(
                f"| {backend} | {r.endpoint} | {r.requests} | {r.rps:.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} "
                f"| {r.server_errors} | {r.non_2xx_3xx - r.server_errors} | {sockets} |"
            )
    return "\n".join(lines)


def log_lines(backends: dict[str, dict]) -> str:
    return "\n".join(
        f"- {backend}: server log: "
        + ", ".join(f"{k} {v}" for k, v in data["log"].items())
        + f"; two staff editing: {data['edits'].saved} saves, {data['edits'].failed} refused or failed, "
        f"{data['edits'].stale_reads} stale reads after a save, {data['edits'].lost} lost edits"
        for backend, data in backends.items()
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="how long the load runs on each backend")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections per endpoint")
    parser.add_argument("--backends", choices=["all", "sqlite", "postgres"], default="all")
    args = parser.parse_args()
    if wrk_path() is None:
        print("wrk not found: apt-get install wrk", file=sys.stderr)
        return 2
    started = datetime.now(UTC)
    backends: dict[str, dict] = {}
    if args.backends in ("all", "sqlite"):
        print(f"SQLite, local-memory cache: {args.seconds} s", flush=True)
        backends["SQLite"] = run_backend("sqlite", args.seconds, args.connections)
    if args.backends in ("all", "postgres"):
        if postgres_and_redis_answer():
            print(f"PostgreSQL + Redis: {args.seconds} s", flush=True)
            backends["PostgreSQL + Redis"] = run_postgres_redis(args.seconds, args.connections)
        else:
            print("PostgreSQL or Redis is not answering at 127.0.0.1: skipping that backend", flush=True)
    ok = all(data["ok"] for data in backends.values())
    passed = "PASS: zero 5xx, zero other errors, zero socket errors, no lost or stale edit"
    verdict = passed if ok else "FAIL: see the table"
    setup = (
        f"gunicorn 2 sync workers (`make serve` settings); {len(ENDPOINTS)} wrk at once, "
        f"each -t1 -c{args.connections} -d{args.seconds}s, on the same machine"
    )
    machine = (
        f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )
    report = (
        f"# Load test, {started.isoformat(timespec='seconds')}\n\n{machine}; {setup}.\n\n"
        f"{table(backends)}\n\n{log_lines(backends)}\n\n**{verdict}**\n"
    )
    print(report)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"load-{started.date().isoformat()}.md").write_text(report)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
