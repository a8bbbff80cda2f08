"""No input gives a 500: hostile values in every GET parameter of every public page, in cookies, and in staff URLs.

The parameters come from the pages themselves (every field of every form they show) plus the ones
links carry (paging cursors), so a new field is fuzzed without editing this file. Runs on whichever
database the suite runs on (SQLite, and PostgreSQL in CI, which refuses NUL bytes in text).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

PUBLIC_PAGES = [
    "/",
    "/compounds/",
    "/compounds/milnacipran/",
    "/compounds/milnacipran/structure.svg",
    "/compounds/milnacipran.mol",
    "/compounds/milnacipran.sdf",
    "/compounds/structure/",
    "/compounds/structure/preview",
    "/api/compounds/structure-search",
    "/calculator/",
    "/calculator/dilution/",
    "/calculator/widget/milnacipran/",
    "/api/calculator/molarity",
    "/api/calculator/dilution",
    "/sitemap.xml",
    "/robots.txt",
    "/healthz",
]
LINK_PARAMETERS = ["after", "before", "q", "page"]

# Each one broke something somewhere once: NUL (PostgreSQL refuses it), digits int() refuses, numbers
# past a bigint, overlong text, markup, lone surrogates and bytes that are not UTF-8 (raw, below).
HOSTILE = [
    "",
    "\x00",
    "a\x00b",
    "²",
    "٣",
    "-1",
    "0",
    "99999999999999999999999",
    "9" * 19,
    "1e309",
    "nan",
    "-inf",
    "'; DROP TABLE catalog_compound; --",
    "<script>alert(1)</script>",
    "x" * 5000,
    "%",
    "\u202e\u200b",
    "SPAM",
]
RAW_QUERIES = ["{name}=%ff%fe", "{name}=%ed%a0%80", "{name}", "{name}={name}={name}", "{name}=1&{name}=2"]


@pytest.fixture
def catalog(db):
    call_command("load_demo_catalog", verbosity=0)


@pytest.fixture(autouse=True)
def answers_not_exceptions(client):
    """A 500 is recorded as a status (so one run lists them all), not raised into the test."""
    client.raise_request_exception = False


def parameters_of(client, path: str) -> set[str]:
    """Every form field the page shows, plus the link parameters (cursors, search)."""
    response = client.get(path)
    names = set(LINK_PARAMETERS)
    if "html" in response.get("Content-Type", ""):
        soup = BeautifulSoup(response.content, "html.parser")
        names |= {field["name"] for field in soup.select("form [name]") if field.get("name")}
    return names


def test_no_public_page_answers_500_to_any_parameter(client, catalog):
    failures = []
    for path in PUBLIC_PAGES:
        for name in sorted(parameters_of(client, path)):
            queries = [f"{quote(name)}={quote(value)}" for value in HOSTILE]
            queries += [raw.format(name=quote(name)) for raw in RAW_QUERIES]
            for query in queries:
                status = client.get(path, QUERY_STRING=query).status_code
                if status >= 500:
                    failures.append((path, query[:80], status))
    assert failures == []


# As a WSGI server hands the Cookie header over: bytes read as Latin-1 (the emoji is its UTF-8 bytes).
ODD_COOKIES = ["\x00", "a" * 5000, "x\x00y", "%00", "😀".encode().decode("latin-1"), '"', "a;b", "=" * 40]


@pytest.mark.parametrize("cookie", ["sessionid", "csrftoken", "messages"])
@pytest.mark.parametrize("value", ODD_COOKIES)
def test_odd_cookies_never_give_500(client, catalog, settings, cookie, value):
    paths = ("/compounds/milnacipran/", "/compounds/?q=milna", f"/{settings.ADMIN_PATH}login/")
    statuses = [client.get(path, HTTP_COOKIE=f"{cookie}={value}").status_code for path in paths]
    assert max(statuses) < 500


STAFF_PATHS = [
    "catalog/compound/",
    "catalog/compound/{pk}/change/",
    "catalog/compound/{pk}/history/",
    "catalog/trialtable/",
    "autocomplete/",
]
STAFF_PARAMETERS = ["q", "o", "p", "e", "is_synthetic__exact", "updated_at__gte", "_changelist_filters", "term"]


def test_no_staff_page_answers_500_to_any_parameter(staff_client, catalog, settings):
    from catalog.models import Compound

    pk = Compound.objects.get(slug="milnacipran").pk
    failures = []
    for path in STAFF_PATHS:
        url = f"/{settings.ADMIN_PATH}{path.format(pk=pk)}"
        for name in STAFF_PARAMETERS:
            for value in HOSTILE:
                status = staff_client.get(url, QUERY_STRING=f"{name}={quote(value)}").status_code
                if status >= 500:
                    failures.append((url, name, value[:20], status))
    assert failures == []


@pytest.mark.parametrize("history_id", ["abc", "0", "-1", "99999999999999999999999", "1.5", "²"])
def test_admin_history_with_a_bad_id_is_404(staff_client, catalog, settings, history_id):
    from catalog.models import Compound

    pk = Compound.objects.get(slug="milnacipran").pk
    response = staff_client.get(f"/{settings.ADMIN_PATH}catalog/compound/{pk}/history/{history_id}/")
    assert response.status_code == 404


def test_autocomplete_with_hostile_terms_never_gives_500(staff_client, catalog, settings):
    url = f"/{settings.ADMIN_PATH}autocomplete/"
    base = "app_label=catalog&model_name=relatedform&field_name=related"
    statuses = [staff_client.get(url, QUERY_STRING=f"{base}&term={quote(v)}").status_code for v in HOSTILE]
    assert max(statuses) < 500


@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "%00=1", "after=1&q=x%00"])
def test_a_nul_in_the_query_string_is_a_400(client, db, query):
    assert client.get("/compounds/", QUERY_STRING=query).status_code == 400


def test_a_nul_in_the_path_is_a_400(client, db):
    assert client.get("/compounds/milna%00cipran/").status_code == 400
