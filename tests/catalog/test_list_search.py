"""The list page, its search box and the jump straight to a compound on an exact identifier."""

import pytest
from bs4 import BeautifulSoup

from catalog.models import Synonym
from tests.factories import make_compound


def listed_names(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text(strip=True) for a in soup.select("main .compound-card > a")]


@pytest.fixture
def catalog(db):
    duloxetine = make_compound(
        name="Duloxetine",
        slug="duloxetine",
        catalog_number="CC0000002",
        cas_number="116539-59-4",
        molecular_formula="C18H19NOS",
        inchikey="ZEUITGRIYCTCEM-KRWDZBQOSA-N",
    )
    Synonym.objects.create(compound=duloxetine, name="Cymbalta")
    make_compound(name="Milnacipran", slug="milnacipran", catalog_number="VC0006221", cas_number="96847-55-1")
    make_compound(name="Levomilnacipran", slug="levomilnacipran", catalog_number="CC0000001", cas_number="96847-54-0")


def test_list_shows_all_compounds_in_name_order(client, catalog):
    assert listed_names(client.get("/compounds/")) == ["Duloxetine", "Levomilnacipran", "Milnacipran"]


def test_list_paginates(client, db, settings):
    settings.CATALOG_PAGE_SIZE = 2
    for n in range(5):
        make_compound(name=f"Compound {n}")
    response = client.get("/compounds/?page=3")
    assert (listed_names(response), "Page 3 of 3" in response.text) == (["Compound 4"], True)


def test_out_of_range_page_shows_the_last_page(client, db, settings):
    settings.CATALOG_PAGE_SIZE = 2
    for n in range(3):
        make_compound(name=f"Compound {n}")
    assert listed_names(client.get("/compounds/?page=99")) == ["Compound 2"]


def test_non_numeric_page_shows_the_first_page(client, catalog):
    assert client.get("/compounds/?page=abc").status_code == 200


def test_search_by_name_part_is_case_insensitive(client, catalog):
    assert listed_names(client.get("/compounds/?q=MILNA")) == ["Levomilnacipran", "Milnacipran"]


def test_search_by_synonym(client, catalog):
    assert listed_names(client.get("/compounds/?q=cymbalta")) == ["Duloxetine"]


def test_search_by_formula(client, catalog):
    assert listed_names(client.get("/compounds/?q=c18h19nos")) == ["Duloxetine"]


def test_search_by_inchikey_skeleton_block(client, catalog):
    assert listed_names(client.get("/compounds/?q=ZEUITGRIYCTCEM")) == ["Duloxetine"]


def test_search_without_hits_says_so(client, catalog):
    response = client.get("/compounds/?q=aspirin")
    assert (listed_names(response), "No compound matches “aspirin”" in response.text) == ([], True)


def test_search_pagination_links_keep_the_query(client, db, settings):
    settings.CATALOG_PAGE_SIZE = 1
    make_compound(name="Alpha one")
    make_compound(name="Alpha two")
    soup = BeautifulSoup(client.get("/compounds/?q=alpha").content, "html.parser")
    assert soup.select_one("a[rel=next]")["href"] == "?q=alpha&page=2"


@pytest.mark.parametrize(
    ("query", "target"),
    [
        ("96847-55-1", "/compounds/milnacipran/"),
        ("vc0006221", "/compounds/milnacipran/"),
        ("ZEUITGRIYCTCEM-KRWDZBQOSA-N", "/compounds/duloxetine/"),
        ("  116539-59-4 ", "/compounds/duloxetine/"),
    ],
)
def test_exact_identifier_goes_straight_to_the_compound(client, catalog, query, target):
    response = client.get("/compounds/", {"q": query})
    assert (response.status_code, response["Location"]) == (302, target)


def test_overlong_search_is_refused(client, catalog):
    response = client.get("/compounds/", {"q": "x" * 201})
    assert (response.status_code, "Search for at most 200 characters." in response.text) == (400, True)


def test_search_is_get_only(client, catalog):
    assert client.post("/compounds/", {"q": "x"}).status_code == 405


def test_home_lists_compounds_and_has_search(client, catalog):
    response = client.get("/")
    soup = BeautifulSoup(response.content, "html.parser")
    assert (listed_names(response), soup.select_one("main form")["action"]) == (
        ["Duloxetine", "Levomilnacipran", "Milnacipran"],
        "/compounds/",
    )


def test_home_leaves_out_synthetic_compounds(client, db):
    make_compound(name="Real one")
    make_compound(name="SYN-000001", is_synthetic=True)
    assert listed_names(client.get("/")) == ["Real one"]
