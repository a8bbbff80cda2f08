"""Two app servers, one PostgreSQL and one Redis: an edit saved through A is on B's very next response.

Both gunicorn instances run the production settings against a database of this test's own on the
shared PostgreSQL at 127.0.0.1:5432 (created and dropped here) and a Redis database number of its
own on the shared Redis at 127.0.0.1:6379 (flushed afterwards). B's page is warmed first, so what
the test proves is that the cached copy is not served after the edit, not merely a cold render.
Skips (fails under REQUIRE_BROWSER_TESTS=1) when PostgreSQL or Redis does not answer.
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import tempfile
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.load.support import Browser, create_superuser, errors, form_data, redis_ping, require
from tests.prodserver import manage, production_env, production_server

PG = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
# A Redis database number for this test alone; the page keys also carry each server's host:port.
REDIS_DB = 13
# Both servers get the Host a load balancer would pass on, so they share cache entries as in production.
HOST = "localhost"


def browser(base: str) -> Browser:
    return Browser(base, host=HOST)


def postgres_answers() -> bool:
    if not shutil.which("pg_isready") or not shutil.which("psql"):
        return False
    return subprocess.run(["pg_isready", *PG, "-q"], check=False).returncode == 0


def psql(sql: str, database: str = "postgres") -> str:
    result = subprocess.run(
        ["psql", *PG, "-d", database, "-v", "ON_ERROR_STOP=1", "-qtAc", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.fixture(scope="module")
def deployment():
    """(A, B, env): base URLs of two gunicorn instances sharing one database and one Redis, and the
    environment a third process (a management command) needs to work on the same catalog."""
    require(postgres_answers(), "no PostgreSQL answering at 127.0.0.1:5432 (pg_isready, psql)")
    require(bool(shutil.which("redis-cli")) and redis_ping(6379), "no Redis answering at 127.0.0.1:6379")
    database = f"catalog_multi_{secrets.token_hex(4)}"
    workdir = Path(tempfile.mkdtemp(prefix="multi-server-"))
    env = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "DJANGO_REQUEST_LOG": "false",
    }
    psql(f"CREATE DATABASE {database}")
    try:
        with ExitStack() as stack:
            a = stack.enter_context(production_server(workdir, workers=1, **env))
            create_superuser(production_env(workdir, **env))
            # B shares A's database and collected static files: nothing to prepare again.
            b = stack.enter_context(production_server(workdir, workers=1, prepare=False, demo=False, **env))
            yield a, b, production_env(workdir, **env)
    finally:
        psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        subprocess.run(["redis-cli", "-n", str(REDIS_DB), "flushdb"], capture_output=True, check=False)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def servers(deployment):
    """(A, B): base URLs of the two gunicorn instances."""
    return deployment[:2]


def test_the_two_servers_are_separate_processes_on_one_database(servers):
    a, b = servers
    pages = [browser(base).get("/compounds/milnacipran/") for base in (a, b)]
    assert (a != b, [p.status for p in pages]) == (True, [200, 200])


def test_a_page_rendered_by_a_is_served_by_b_from_the_shared_cache(servers):
    a, b = servers
    page = "/compounds/levomilnacipran/"
    first, second = browser(a).get(page), browser(b).get(page)
    assert (first.headers.get("X-Page-Cache"), second.headers.get("X-Page-Cache")) == ("miss", "hit")
    assert first.body == second.body


def test_edit_through_a_is_on_bs_next_response(servers):
    a, b = servers
    marker = f"edited-{secrets.token_hex(4)}"
    reader = browser(b)
    page = "/compounds/milnacipran/"
    # Warm B: its second request is served from the shared cache.
    warm = [reader.get(page) for _ in range(2)]
    assert [(w.status, w.headers.get("X-Page-Cache")) for w in warm][1] == (200, "hit")
    assert marker not in warm[1].text

    staff = browser(a)
    staff.login()
    pk = staff.compound_ids()["Milnacipran"]
    path = f"/admin/catalog/compound/{pk}/change/"
    iupac = form_data(staff.get(path).body)["iupac_name"]
    saved = staff.edit_compound(pk, {"iupac_name": f"{iupac} {marker}"}, synonym=f"SYN {marker}")
    assert (saved.status, errors(saved.body)) == (302, [])

    after = reader.get(page)
    assert (after.status, f"{iupac} {marker}" in after.text, f"SYN {marker}" in after.text) == (200, True, True)
    assert after.headers.get("X-Page-Cache") == "miss"  # the edit made B render afresh, not serve its copy


def test_edits_are_seen_both_ways_and_the_new_page_is_cached(servers):
    a, b = servers
    staff_on_b = browser(b)
    staff_on_b.login()
    reader = browser(a)
    page = "/compounds/duloxetine/"
    reader.get(page)
    pk = staff_on_b.compound_ids()["Duloxetine"]
    marker = f"mechanism-{secrets.token_hex(4)}"
    saved = staff_on_b.edit_compound(pk, {"mechanism_of_action": marker})
    assert (saved.status, errors(saved.body)) == (302, [])
    first, second = reader.get(page), reader.get(page)
    assert (marker in first.text, marker in second.text) == (True, True)
    assert (first.headers.get("X-Page-Cache"), second.headers.get("X-Page-Cache")) == ("miss", "hit")


NITRILE_SEARCH = "/api/compounds/structure-search?q=C%23N&mode=substructure"


def test_a_structure_edit_is_in_the_next_search_on_both_servers(deployment):
    """Both servers have searched (each built its index); a third process changes a structure; each
    server's next search has it (the structure revision, announced over Redis, makes them catch up)."""
    a, b, env = deployment
    before = [json.loads(browser(base).get(NITRILE_SEARCH).body)["count"] for base in (a, b)]
    code = (
        "from catalog.models import Compound; c = Compound.objects.get(slug='bupropion'); "
        "c.isomeric_smiles = 'N#CCC(NC(C)(C)C)C(=O)c1cccc(Cl)c1'; c.save()"
    )
    manage(env, "shell", "-c", code)
    after = [json.loads(browser(base).get(NITRILE_SEARCH).body) for base in (a, b)]
    slugs = [[row["slug"] for row in answer["results"]] for answer in after]
    assert (before, slugs) == ([0, 0], [["bupropion"], ["bupropion"]])


def test_a_deleted_compound_leaves_the_next_search_on_both_servers(deployment):
    a, b, env = deployment
    search = "/api/compounds/structure-search?q=c1ccccc1&mode=substructure&limit=100"
    before = [[row["slug"] for row in json.loads(browser(base).get(search).body)["results"]] for base in (a, b)]
    manage(env, "shell", "-c", "from catalog.models import Compound; Compound.objects.get(slug='atomoxetine').delete()")
    after = [[row["slug"] for row in json.loads(browser(base).get(search).body)["results"]] for base in (a, b)]
    assert (["atomoxetine" in slugs for slugs in before], after) == (
        [True, True],
        [[slug for slug in slugs if slug != "atomoxetine"] for slugs in before],
    )
