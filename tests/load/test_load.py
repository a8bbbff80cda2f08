"""A short run of bench/load_test.py: 10 s of wrk on the compound page, a search, the calculator API and the
structure search API at once,
while two staff save a compound each in the admin every second.

The production server (`make serve` settings, 2 workers, SQLite) must answer every request with a 2xx
or 3xx, wrk must see no connection refused, reset or failed write, and the server's own log must show no
5xx, traceback or "database is locked". Nothing here depends on how fast the machine is: wrk's 2 s
timeouts and the latencies are printed, not judged (on a busy 2-core machine they vary); they belong to
`bench/load_test.py`'s 60 s report on SQLite and PostgreSQL + Redis (bench/README-load.md). Skips
without wrk, unless REQUIRE_BROWSER_TESTS=1.
"""

from __future__ import annotations

import pytest

from bench.load_test import run_backend, wrk_path
from tests.load.support import require

SECONDS = 10


@pytest.fixture(scope="module")
def load():
    require(wrk_path() is not None, "wrk not found (apt-get install wrk)")
    return run_backend("sqlite", SECONDS, connections=4)


def test_every_request_is_answered_2xx_or_3xx(load):
    assert [(r.endpoint, r.non_2xx_3xx, r.server_errors) for r in load["results"]] == [
        ("compound page", 0, 0),
        ("search", 0, 0),
        ("calculator API", 0, 0),
        ("structure search API", 0, 0),
    ]


def test_no_connection_is_refused_reset_or_dropped(load):
    for r in load["results"]:
        print(f"{r.endpoint}: {r.requests} requests, p99 {r.p99_ms} ms, {r.socket_errors['timeout']} over 2 s")
    failed = {r.endpoint: {k: v for k, v in r.socket_errors.items() if k != "timeout" and v} for r in load["results"]}
    assert {endpoint: errors for endpoint, errors in failed.items() if errors} == {}


def test_every_endpoint_was_answered(load):
    # A server that stalled completely cannot pass on zero requests; how many is the benchmark's business.
    assert all(r.requests > 0 for r in load["results"]), [(r.endpoint, r.requests) for r in load["results"]]


def test_two_staff_saving_every_second_lose_nothing_and_never_read_a_stale_page(load):
    edits = load["edits"]
    assert (edits.saved > 0, edits.failed, edits.stale_reads, edits.lost) == (True, 0, 0, 0)


def test_server_log_shows_no_5xx_traceback_or_lock(load):
    findings = {k: v for k, v in load["log"].items() if k != "logged requests"}
    assert findings == {"logged 5xx": 0, "tracebacks": 0, "database is locked": 0}
