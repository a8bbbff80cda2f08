"""A short run of bench/load_test.py: 10 s of wrk on the compound page, a search and the calculator API at once.

The production server (`make serve` settings, 2 workers, SQLite) must answer every request with a 2xx
or 3xx and wrk must see no socket error (connect, read, write, or a 2 s timeout); the server's own log
must show no 5xx, traceback or "database is locked". The 60 s run on SQLite and PostgreSQL + Redis is
`bench/load_test.py` (see bench/README-load.md). Skips without wrk, unless REQUIRE_BROWSER_TESTS=1.
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
    ]


def test_no_socket_errors(load):
    assert {r.endpoint: r.socket_errors for r in load["results"] if any(r.socket_errors.values())} == {}


def test_every_endpoint_was_loaded(load):
    # At least a few requests a second each, so a server that stalled cannot pass on zero requests.
    assert all(r.requests >= 5 * SECONDS for r in load["results"]), [(r.endpoint, r.requests) for r in load["results"]]


def test_server_log_shows_no_5xx_traceback_or_lock(load):
    findings = {k: v for k, v in load["log"].items() if k != "logged requests"}
    assert findings == {"logged 5xx": 0, "tracebacks": 0, "database is locked": 0}
