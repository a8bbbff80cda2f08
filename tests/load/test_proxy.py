"""nginx in front of gunicorn (ops/nginx/catalog.conf, as `make serve-proxy` runs it).

- A repeat request for a public page, and any static file, is answered by nginx without reaching
  gunicorn (its request log shows one request for the page, none for the static file).
- An admin edit is visible through the proxy once the page's max-age has passed.
- Admin pages and the CSRF cookie never come from nginx's cache.

Skips without nginx, unless REQUIRE_BROWSER_TESTS=1 (CI installs it).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ops.proxy import nginx_path, running_nginx
from tests.load.support import Browser, prepared_site, require
from tests.prodserver import fetch, free_port, production_server

PAGE = "/compounds/milnacipran/"


@pytest.fixture(scope="module")
def prepared():
    """Collected static files and a migrated SQLite demo catalog with a superuser, made once for the module."""
    require(nginx_path() is not None, "nginx not found (apt-get install nginx)")
    with prepared_site("proxy-prepared-") as path:
        yield path


@contextmanager
def proxied(prepared: Path, cache_seconds: int) -> Iterator[tuple[str, Path]]:
    """gunicorn on a copy of the prepared database, nginx in front; yields (nginx's URL, gunicorn's log)."""
    workdir = Path(tempfile.mkdtemp(prefix="proxy-"))
    shutil.copy(prepared / "db.sqlite3", workdir / "db.sqlite3")
    log = workdir / "gunicorn.log"
    settings = {"DJANGO_STATIC_ROOT": str(prepared / "static"), "DJANGO_HTTP_CACHE_SECONDS": str(cache_seconds)}
    try:
        with (
            production_server(workdir, workers=2, prepare=False, demo=False, log_path=log, **settings) as app,
            running_nginx(port=free_port(), app=app.removeprefix("http://"), static_root=prepared / "static") as base,
        ):
            yield base, log
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def requests_reaching_gunicorn(log: Path, path: str) -> int:
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith('{"event": "request"')]
    return sum(1 for line in lines if line["path"] == path)


@pytest.fixture(scope="module")
def proxy(prepared):
    with proxied(prepared, cache_seconds=300) as running:
        yield running


def test_a_repeat_request_is_answered_by_nginx_alone(proxy):
    base, log = proxy
    first, again = fetch(base + PAGE), fetch(base + PAGE)
    assert (first[1]["X-Cache-Status"], again[1]["X-Cache-Status"], again[2] == first[2]) == ("MISS", "HIT", True)
    assert requests_reaching_gunicorn(log, PAGE) == 1


def test_static_files_are_served_by_nginx(proxy):
    base, log = proxy
    stylesheet = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', fetch(base + "/")[2]).group(1).decode()
    status, headers, _ = fetch(base + stylesheet)
    assert (status, headers["Cache-Control"], requests_reaching_gunicorn(log, stylesheet)) == (
        200,
        "max-age=315360000, public, immutable",
        0,
    )


def test_the_client_cannot_claim_https_through_the_proxy(proxy):
    base, _ = proxy
    _, _, body = fetch(base + "/compounds/duloxetine/", {"X-Forwarded-Proto": "https"})
    assert re.search(rb'<link rel="canonical" href="(\w+)://', body).group(1) == b"http"


def test_the_admin_login_and_its_csrf_cookie_never_come_from_the_cache(proxy):
    base, _ = proxy
    answers = [fetch(base + "/admin/login/") for _ in range(2)]
    tokens = {re.search(r"csrftoken=(\w+)", headers["Set-Cookie"]).group(1) for _, headers, _ in answers}
    assert ([headers["X-Cache-Status"] for _, headers, _ in answers], len(tokens)) == (["MISS", "MISS"], 2)


def test_signed_in_staff_always_reach_the_app(proxy):
    base, _ = proxy
    staff = Browser(base, https=False)
    staff.login()
    answers = [staff.get("/admin/catalog/compound/") for _ in range(2)]
    assert [(a.status, a.headers["X-Cache-Status"]) for a in answers] == [(200, "BYPASS"), (200, "BYPASS")]


def test_an_admin_edit_shows_through_the_proxy_once_max_age_has_passed(prepared):
    with proxied(prepared, cache_seconds=1) as (base, _):
        fetch(base + PAGE), fetch(base + PAGE)  # cached by nginx
        staff = Browser(base, https=False)
        staff.login()
        pk = staff.compound_ids()["Milnacipran"]
        saved = staff.edit_compound(pk, {}, synonym="Edited through the proxy")
        assert saved.status == 302
        # max-age 1 s, then at most 1 s stale while nginx revalidates: bounded well above that.
        deadline = time.monotonic() + 20
        while b"Edited through the proxy" not in fetch(base + PAGE)[2]:
            assert time.monotonic() < deadline, "the edit never showed through the proxy"
            time.sleep(0.25)
