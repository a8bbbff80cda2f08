"""Faults under load: the database or the cache goes away, and staff write while visitors read.

- PostgreSQL stopped under load (a throwaway cluster of this test's own): every request is still
  answered, the pages that need the database with the friendly 503, never a 500 or a hang; when
  PostgreSQL is back the same gunicorn serves 200s again by itself.
- Redis stopped (a redis-server of this test's own): pages keep being served (the cache is bypassed),
  /healthz stays 200 but says "degraded", cache "unavailable" (the load balancer keeps the server), and
  both come back with Redis. An edit made while Redis is down, and one made after it is back, each show
  on the very next request.
- SQLite with concurrent admin writes and page reads: no "database is locked" anywhere, no lost edit.

Each part skips when its tool is missing (PostgreSQL server binaries, redis-server), and fails
instead under REQUIRE_BROWSER_TESTS=1 (CI).
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from tests.load.support import (
    Browser,
    Sample,
    Traffic,
    errors,
    postgres_tools_missing,
    prepared_site,
    redis_ping,
    require,
    start_redis,
    throwaway_postgres,
)
from tests.prodserver import free_port, manage, production_env, production_server

# How long the tests wait for something that must happen (a 503, a recovery) before calling it a hang:
# far above what it takes, so that a busy machine cannot fail them. How fast is printed, not judged.
PATIENCE = 30.0
DB_PAGES = ["/compounds/milnacipran/", "/compounds/", "/compounds/?q=milna", "/compounds/duloxetine/", "/healthz"]
FRIENDLY_503 = b"Back in a moment"


def describe(samples: list[Sample]) -> str:
    return "; ".join(f"{s.path} {s.status or s.error} in {s.elapsed:.2f}s" for s in samples[:10])


@pytest.fixture(scope="module")
def prepared():
    """Collected static files and a migrated SQLite demo catalog with a superuser, made once for the module."""
    with prepared_site("faults-prepared-") as path:
        yield path


@pytest.fixture
def workdir(prepared):
    """A folder of the test's own holding a copy of the prepared SQLite database."""
    path = Path(tempfile.mkdtemp(prefix="faults-"))
    shutil.copy(prepared / "db.sqlite3", path / "db.sqlite3")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def serve(prepared, workdir):
    """production_server on the test's folder, with the static files and database already prepared."""

    def start(*, workers: int = 2, **env: str):
        static = {"DJANGO_STATIC_ROOT": str(prepared / "static")}
        return production_server(
            workdir, workers=workers, prepare=False, demo=False, log_path=workdir / "gunicorn.log", **static, **env
        )

    return start


def server_log(workdir: Path) -> str:
    return (workdir / "gunicorn.log").read_text(errors="replace")


# PostgreSQL stopped under load ------------------------------------------------------------------------


def test_postgres_outage_answers_503_fast_and_recovers_without_a_restart(workdir, serve):
    missing = postgres_tools_missing()
    require(missing is None, missing or "")
    with throwaway_postgres() as cluster:
        env = {"DATABASE_URL": cluster.url, "DJANGO_REQUEST_LOG": "false"}
        manage(production_env(workdir, **env), "migrate", "--noinput", "-v0")
        manage(production_env(workdir, **env), "load_demo_catalog", "-v0")
        with serve(**env) as base, Traffic(base, DB_PAGES, threads=4, timeout=PATIENCE) as traffic:
            outage = _stop_and_restart(cluster, traffic)
    samples = traffic.samples
    stopping, down, restarting, up, settled, end, time_to_503, time_to_recover = outage
    log = server_log(workdir)
    print(
        f"\nPostgreSQL outage: {len(samples)} requests, {sum(s.status == 503 for s in samples)} answered 503, "
        f"stop took {down - stopping:.2f}s, first 503 {time_to_503}s after the stop, "
        f"start took {up - restarting:.2f}s, all pages 200 again {time_to_recover}s after PostgreSQL was up"
    )

    no_answer = [s for s in samples if s.status is None]
    assert no_answer == [], describe(no_answer)
    assert sorted({s.status for s in samples}) == [200, 503]
    before = traffic.between(0, stopping)
    assert {s.status for s in before} == {200}, describe(before)
    outage = traffic.between(down, restarting)
    assert outage and {s.status for s in outage} == {503}, describe([s for s in outage if s.status != 503])
    pages = [s for s in outage if s.path != "/healthz"]
    assert all(FRIENDLY_503 in s.body and s.headers.get("Retry-After") == "5" for s in pages)
    health = [json.loads(s.body) for s in outage if s.path == "/healthz"]
    assert health and all(h["database"] == "unavailable" for h in health)
    assert (time_to_503 is not None, time_to_recover is not None) == (True, True)
    after = traffic.between(settled, end)
    assert after and {s.status for s in after} == {200}, describe([s for s in after if s.status != 200])
    # Nothing hung or died: no worker was killed for a timeout or booted again (the same two served it all).
    assert ("WORKER TIMEOUT" in log, log.count("Booting worker")) == (False, 2)


def _stop_and_restart(cluster, traffic: Traffic) -> tuple:
    """Under traffic: 1.5 s up, stop PostgreSQL, 3 s down, start it, wait for 200s, 1.5 s more."""
    time.sleep(1.5)
    stopping = time.monotonic()
    cluster.stop("fast")
    down = time.monotonic()
    time_to_503 = traffic.wait_until(lambda ss: any(s.status == 503 and s.started >= down for s in ss), PATIENCE)
    time.sleep(3)
    restarting = time.monotonic()
    cluster.start()
    up = time.monotonic()

    def recovered(samples: list[Sample]) -> bool:
        # Every page answered 200 at least twice since PostgreSQL accepted connections again.
        fresh = [s for s in samples if s.started >= up and s.status == 200]
        return all(sum(s.path == p for s in fresh) >= 2 for p in DB_PAGES)

    time_to_recover = traffic.wait_until(recovered, PATIENCE)
    settled = time.monotonic()
    time.sleep(1.5)
    return stopping, down, restarting, up, settled, time.monotonic(), time_to_503, time_to_recover


# Redis stopped ----------------------------------------------------------------------------------------


def test_redis_outage_bypasses_the_cache_and_healthz_tells_the_load_balancer(workdir, serve):
    require(bool(shutil.which("redis-server") and shutil.which("redis-cli")), "redis-server or redis-cli not found")
    port = free_port()
    redis = start_redis(port)
    try:
        with serve(REDIS_URL=f"redis://127.0.0.1:{port}/0") as base:
            browser = Browser(base, timeout=10)
            pages = ["/compounds/milnacipran/", "/compounds/", "/compounds/duloxetine/", "/"]
            for path in pages * 3:  # warm both workers' view of the cache
                assert browser.get(path).status == 200
            assert redis_keys(port) > 0  # Redis really is in use
            healthy = browser.get("/healthz")
            assert (healthy.status, json.loads(healthy.body)) == (
                200,
                {"status": "ok", "database": "ok", "cache": "ok"},
            )

            redis.kill()
            redis.wait(timeout=10)
            assert not redis_ping(port)
            # Warmed pages come from each worker's own memory without asking Redis, so the traffic also
            # asks for one neither worker has served: that one must go to Redis, find it down, and be
            # rendered anyway.
            pages_and_unseen = [*pages, "/compounds/milnacipran-hydrochloride/"]
            with Traffic(base, pages_and_unseen, threads=3, timeout=PATIENCE) as traffic:
                time.sleep(3)
            down = browser.get("/healthz")

            redis = start_redis(port)
            back_after = _wait_for(lambda: json.loads(browser.get("/healthz").body)["status"] == "ok", timeout=10)
            # Each worker skips Redis for 5 s after a failure (ops/cache.py), then uses it again. Pages
            # it has served stay in its own memory (catalog/page_cache.py), so ask for ones it has not.
            unseen = iter(UNSEEN_PAGES * 20)
            cached_again = _wait_for(lambda: browser.get(next(unseen)).status == 200 and redis_keys(port) > 0, 15)
    finally:
        redis.kill()
        redis.wait(timeout=10)
    samples = traffic.samples
    log = server_log(workdir)
    print(
        f"\nRedis outage: {len(samples)} requests while Redis was down, statuses "
        f"{sorted({s.status for s in samples}, key=str)}, slowest {max(s.elapsed for s in samples):.2f}s; "
        f"/healthz ok again {back_after}s after Redis restarted, pages cached again after {cached_again}s"
    )

    assert samples and {s.status for s in samples} == {200}, describe([s for s in samples if s.status != 200])
    assert all(b"Milnacipran" in s.body for s in samples if s.path == "/compounds/milnacipran/")
    # Served from each worker's own memory or rendered afresh; never from the Redis that is down.
    assert {s.headers.get("X-Page-Cache") for s in samples if s.path.startswith("/compounds/")} <= {"hit", "miss"}
    assert (down.status, json.loads(down.body)) == (
        200,
        {"status": "degraded", "database": "ok", "cache": "unavailable"},
    )
    assert "cache unavailable" in log and "Traceback" not in log
    assert back_after is not None
    assert cached_again is not None


def _wait_for(condition, timeout: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return round(time.monotonic() - started, 2)
        time.sleep(0.2)
    return None


UNSEEN_PAGES = [
    "/compounds/venlafaxine/",
    "/compounds/fluoxetine/",
    "/compounds/atomoxetine/",
    "/compounds/bupropion/",
    "/compounds/amitriptyline/",
    "/compounds/imipramine/",
    "/compounds/desvenlafaxine/",
    "/compounds/levomilnacipran/",
]


def redis_keys(port: int) -> int:
    result = subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", str(port), "dbsize"], capture_output=True, text=True, check=False
    )
    return int(result.stdout.strip() or 0)


def subscribed_processes(port: int) -> int:
    """How many processes listen for catalog changes on this Redis (catalog/revisions.py)."""
    result = subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", str(port), "pubsub", "numsub", "catalog:changes"],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = result.stdout.split()
    return int(lines[1]) if len(lines) == 2 else 0


def test_edits_during_and_after_a_redis_outage_show_on_the_next_request(workdir, serve):
    """Workers that remember revisions while subscribed must forget them when Redis goes, and again listen
    (so an edit still shows on the next request) once it is back."""
    require(bool(shutil.which("redis-server") and shutil.which("redis-cli")), "redis-server or redis-cli not found")
    port = free_port()
    redis = start_redis(port)
    page = "/compounds/milnacipran/"
    try:
        with serve(REDIS_URL=f"redis://127.0.0.1:{port}/0") as base:
            reader, staff = Browser(base, timeout=10), Browser(base, timeout=10)
            staff.login()
            pk = staff.compound_ids()["Milnacipran"]

            def both_workers_listening() -> bool:
                reader.get(page)  # a request subscribes its worker, or serves from what it remembers
                return subscribed_processes(port) == 2

            def edit_then_read(marker: str) -> list[bool]:
                saved = staff.edit_compound(pk, {"mechanism_of_action": marker})
                assert (saved.status, errors(saved.body)) == (302, [])
                return [marker in reader.get(page).text for _ in range(6)]

            listening_before = _wait_for(both_workers_listening, timeout=15)
            redis.kill()
            redis.wait(timeout=10)
            during = edit_then_read("edited-while-redis-was-down")

            redis = start_redis(port)
            # Each worker subscribes again on a request once its 5 s pause after the failure is over.
            listening_again = _wait_for(both_workers_listening, timeout=20)
            after = edit_then_read("edited-after-redis-came-back")
    finally:
        redis.kill()
        redis.wait(timeout=10)
    assert (listening_before is not None, listening_again is not None) == (True, True)
    assert (during, after) == ([True] * 6, [True] * 6)
    assert "could not announce a catalog change" in server_log(workdir)  # the edit made while Redis was down


def test_an_edit_saved_while_redis_is_frozen_shows_on_every_following_request(workdir, serve):
    """A Redis that stops answering without closing its sockets (SIGSTOP) can neither deliver the change's
    announcement nor tell the workers it is down: the workers' lease runs out, and the save waits until it
    has, so every request after the save is answered from the database, never from a stale memory."""
    require(bool(shutil.which("redis-server") and shutil.which("redis-cli")), "redis-server or redis-cli not found")
    port = free_port()
    redis = start_redis(port)
    page = "/compounds/milnacipran/"
    try:
        with serve(REDIS_URL=f"redis://127.0.0.1:{port}/0") as base:
            reader, staff = Browser(base, timeout=PATIENCE), Browser(base, timeout=PATIENCE)
            staff.login()
            pk = staff.compound_ids()["Milnacipran"]
            listening = _wait_for(lambda: reader.get(page) and subscribed_processes(port) == 2, timeout=15)
            for _ in range(6):
                reader.get(page)  # both workers remember the page's revision and serve it from memory
            redis.send_signal(signal.SIGSTOP)
            try:
                saved = staff.edit_compound(pk, {}, synonym="Saved while Redis was frozen")
                after = ["Saved while Redis was frozen" in reader.get(page).text for _ in range(12)]
            finally:
                redis.send_signal(signal.SIGCONT)
    finally:
        redis.kill()
        redis.wait(timeout=10)
    assert (listening is not None, saved.status, errors(saved.body)) == (True, 302, [])
    assert after == [True] * 12


# SQLite: concurrent admin writes and page reads -------------------------------------------------------

WRITERS = ["Milnacipran", "Duloxetine", "Venlafaxine", "Fluoxetine"]
ROUNDS = 2
FIELDS = ["mechanism_of_action", "research_use_notice", "pharmacokinetics_summary"]
SHOWN = FIELDS[:2]  # the page shows the PK summary only beside PK parameters, which not all have


def test_sqlite_concurrent_admin_writes_and_reads_lose_nothing_and_never_lock(workdir, serve):
    log_path = workdir / "gunicorn.log"
    with serve(workers=3) as base:
        staff = Browser(base)
        staff.login()
        ids = staff.compound_ids()
        reads = ["/compounds/milnacipran/", "/compounds/duloxetine/", "/compounds/venlafaxine/"]
        reads += ["/compounds/fluoxetine/", "/compounds/", "/compounds/?q=ven", "/healthz"]
        reads += [
            "/api/calculator/molarity?solve=mass&concentration=10&concentration_unit=mM&volume=1&volume_unit=mL&mw=246.35"
        ]
        results: dict[str, list] = {name: [] for name in WRITERS}
        failures: list[str] = []

        def write(name: str) -> None:
            try:
                staff = Browser(base, timeout=30)
                staff.login()
                for round_ in range(ROUNDS):
                    for field in FIELDS:  # the same compound's fields, one save after another
                        answer = staff.edit_compound(ids[name], {field: f"{name} {field} r{round_}"})
                        results[name].append((field, answer.status, errors(answer.body), answer.text))
                    answer = staff.edit_compound(ids[name], {}, synonym=f"{name} synonym r{round_}")
                    results[name].append(("synonym", answer.status, errors(answer.body), answer.text))
            except Exception as error:  # reported below, with the thread's name
                failures.append(f"{name}: {error!r}")

        writers = [threading.Thread(target=write, args=(name,)) for name in WRITERS]
        started = time.monotonic()
        with Traffic(base, reads, threads=4, timeout=30) as traffic:
            for thread in writers:
                thread.start()
            for thread in writers:
                thread.join(timeout=50)
        took = time.monotonic() - started
        final_pages = {name: Browser(base).get(f"/compounds/{name.lower()}/").text for name in WRITERS}
    log = log_path.read_text(errors="replace")
    saves = [r for rs in results.values() for r in rs]
    print(
        f"\nSQLite: {len(saves)} admin saves from {len(WRITERS)} staff and {len(traffic.samples)} page reads "
        f"in {took:.1f}s; read statuses {sorted({s.status for s in traffic.samples}, key=str)}"
    )

    assert failures == []
    assert [(n, f, s, e) for n, rs in results.items() for f, s, e, _ in rs if s != 302] == []
    assert len(saves) == len(WRITERS) * ROUNDS * (len(FIELDS) + 1)
    assert {s.status for s in traffic.samples} == {200}, describe([s for s in traffic.samples if s.status != 200])
    bodies = [s.body for s in traffic.samples] + [text.encode() for *_, text in saves]
    assert not any(b"database is locked" in body for body in bodies)
    assert ("database is locked" in log, "Traceback" in log) == (False, False)

    # No lost edit: every compound holds its last value of every field, and both synonyms.
    with sqlite3.connect(workdir / "db.sqlite3") as db:
        for name in WRITERS:
            row = db.execute(f"SELECT id, {', '.join(FIELDS)} FROM catalog_compound WHERE name = ?", (name,)).fetchone()
            assert list(row[1:]) == [f"{name} {field} r{ROUNDS - 1}" for field in FIELDS]
            synonyms = {s for (s,) in db.execute("SELECT name FROM catalog_synonym WHERE compound_id = ?", (row[0],))}
            assert {f"{name} synonym r{r}" for r in range(ROUNDS)} <= synonyms
    for name, page in final_pages.items():
        assert all(f"{name} {field} r{ROUNDS - 1}" in page for field in SHOWN)
        assert f"{name} synonym r{ROUNDS - 1}" in page
