"""What HTTP caches may keep: validators from the catalog's revisions, 304s without rendering, public vs private."""

import re

import pytest
from django.utils.http import http_date

from catalog.models import CatalogState
from catalog.page_cache import release, release_time
from catalog.selectors import CompoundQuerySet
from tests.factories import make_compound

PUBLIC = "public, max-age=60, s-maxage=60, stale-while-revalidate=60"


@pytest.fixture
def compound(db):
    return make_compound(name="Milnacipran", slug="milnacipran", isomeric_smiles="CCN(CC)C(=O)C1(c2ccccc2)CC1CN")


def page_etag(compound) -> str:
    """The compound's revision, the catalog's structure revision (its "Similar compounds" panel), the code."""
    return f'W/"compound-{compound.pk}-{compound.revision}-{CatalogState.current_structure()}-{release()}"'


@pytest.fixture
def no_rendering(monkeypatch):
    """Any attempt to load a compound page for rendering fails the request."""

    def refuse(queryset):
        raise AssertionError("the page was rendered")

    monkeypatch.setattr(CompoundQuerySet, "for_page", refuse)


def test_compound_page_etag_names_its_revision_and_the_code(client, compound):
    response = client.get("/compounds/milnacipran/")
    assert response["ETag"] == page_etag(compound)


def test_compound_page_etag_changes_with_a_structure_elsewhere(client, compound):
    before = client.get("/compounds/milnacipran/")["ETag"]
    make_compound(name="Another", isomeric_smiles="CCO")
    assert client.get("/compounds/milnacipran/")["ETag"] != before


def test_compound_page_is_public_for_a_minute(client, compound):
    assert client.get("/compounds/milnacipran/")["Cache-Control"] == PUBLIC


def test_compound_page_last_modified_is_its_last_change_or_the_code_if_newer(client, compound):
    newest = max(compound.updated_at, release_time())
    assert client.get("/compounds/milnacipran/")["Last-Modified"] == http_date(newest.timestamp())


def test_matching_etag_is_answered_304_without_rendering(client, compound, no_rendering):
    etag = page_etag(compound)
    response = client.get("/compounds/milnacipran/", headers={"If-None-Match": etag})
    assert (response.status_code, response.content, response["ETag"]) == (304, b"", etag)


def test_a_304_keeps_the_public_cache_policy(client, compound):
    etag = client.get("/compounds/milnacipran/")["ETag"]
    assert client.get("/compounds/milnacipran/", headers={"If-None-Match": etag})["Cache-Control"] == PUBLIC


def test_matching_date_is_answered_304_without_rendering(client, compound, no_rendering, settings):
    settings.CATALOG_PAGE_CACHE_SECONDS = 0  # not even our own page cache may answer
    response = client.get("/compounds/milnacipran/", headers={"If-Modified-Since": http_date(2**32)})
    assert response.status_code == 304


def test_an_edit_changes_the_etag_and_the_page_is_sent_again(client, compound):
    old = client.get("/compounds/milnacipran/")["ETag"]
    compound.iupac_name = "a new IUPAC name"
    compound.save()
    response = client.get("/compounds/milnacipran/", headers={"If-None-Match": old})
    assert (response.status_code, "a new IUPAC name" in response.text) == (200, True)


def test_pages_with_calculator_inputs_revalidate_too(client, compound, no_rendering):
    etag = page_etag(compound)
    response = client.get("/compounds/milnacipran/?calc-solve=mass", headers={"If-None-Match": etag})
    assert response.status_code == 304


@pytest.mark.parametrize("suffix", ["structure.svg", "structure-large.svg", ".mol", ".sdf"])
def test_structure_downloads_carry_the_page_etag_and_revalidate(client, compound, suffix):
    path = f"/compounds/milnacipran/{suffix}" if suffix.endswith("svg") else f"/compounds/milnacipran{suffix}"
    first = client.get(path)
    again = client.get(path, headers={"If-None-Match": first["ETag"]})
    assert (first.status_code, first["Cache-Control"], again.status_code) == (200, PUBLIC, 304)


@pytest.mark.parametrize("path", ["/", "/compounds/", "/compounds/?q=milna"])
def test_catalog_pages_revalidate_on_the_catalog_revision(client, compound, path):
    first = client.get(path)
    again = client.get(path, headers={"If-None-Match": first["ETag"]})
    assert (re.fullmatch(r'W/"catalog-\d+-[0-9a-f]{12}"', first["ETag"]) is not None, again.status_code) == (True, 304)


def test_a_new_compound_changes_the_list_etag(client, compound):
    old = client.get("/compounds/")["ETag"]
    make_compound(name="Duloxetine")
    assert client.get("/compounds/", headers={"If-None-Match": old}).status_code == 200


def test_not_found_is_not_public(client, db):
    assert "public" not in client.get("/compounds/nothing-here/").get("Cache-Control", "")


def test_admin_login_sets_its_csrf_cookie_privately(client, db, settings):
    response = client.get(f"/{settings.ADMIN_PATH}login/")
    assert (
        "csrftoken" in response.cookies,
        "private" in response["Cache-Control"],
        "public" in response["Cache-Control"],
    ) == (
        True,
        True,
        False,
    )


def test_admin_pages_are_never_stored(staff_client, compound, settings):
    response = staff_client.get(f"/{settings.ADMIN_PATH}catalog/compound/{compound.pk}/change/")
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives and "public" not in directives


def test_htmx_fragments_are_private(client, compound):
    response = client.get(
        "/calculator/widget/milnacipran/",
        {"calc-solve": "mass", "calc-concentration": "10", "calc-concentration_unit": "mM"},
        headers={"HX-Request": "true"},
    )
    assert (response.status_code, response["Cache-Control"]) == (200, "private")


def test_htmx_history_restore_gets_the_public_page(client, compound):
    response = client.get(
        "/compounds/milnacipran/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert response["Cache-Control"] == PUBLIC
