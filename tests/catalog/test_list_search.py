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


def test_list_shows_a_count_when_everything_fits_on_one_page(client, catalog):
    assert "3 compounds." in client.get("/compounds/").text


def test_list_pages_by_seeking_after_the_last_compound(client, db, settings):
    settings.CATALOG_PAGE_SIZE = 2
    compounds = [make_compound(name=f"Compound {n}") for n in range(5)]
    response = client.get("/compounds/", {"after": compounds[3].pk})
    assert listed_names(response) == ["Compound 4"]


def test_next_link_carries_the_last_compound_as_cursor(client, db, settings):
    settings.CATALOG_PAGE_SIZE = 2
    compounds = [make_compound(name=f"Compound {n}") for n in range(3)]
    soup = BeautifulSoup(client.get("/compounds/").content, "html.parser")
    assert (soup.select_one("a[rel=next]")["href"], soup.select_one("a[rel=prev]")) == (
        f"?after={compounds[1].pk}",
        None,
    )


def test_previous_link_goes_back_to_the_page_before(client, db, settings):
    settings.CATALOG_PAGE_SIZE = 2
    compounds = [make_compound(name=f"Compound {n}") for n in range(5)]
    second_page = BeautifulSoup(client.get("/compounds/", {"after": compounds[1].pk}).content, "html.parser")
    back = client.get("/compounds/" + second_page.select_one("a[rel=prev]")["href"])
    assert listed_names(back) == ["Compound 0", "Compound 1"]


def test_same_names_are_ordered_by_id_across_pages(client, db, settings):
    settings.CATALOG_PAGE_SIZE = 1
    first, second = make_compound(name="Twin"), make_compound(name="Twin")
    page = client.get("/compounds/", {"after": first.pk})
    assert [a["href"] for a in BeautifulSoup(page.content, "html.parser").select(".compound-card > a")] == [
        second.get_absolute_url()
    ]


@pytest.mark.parametrize("cursor", ["abc", "-1", "99999999", "1" * 40])
def test_unknown_or_malformed_cursor_shows_the_first_page(client, catalog, cursor):
    response = client.get("/compounds/", {"after": cursor})
    assert (response.status_code, listed_names(response)[0]) == (200, "Duloxetine")


def test_seeking_costs_the_same_queries_deep_in_the_list(client, db, settings, django_assert_num_queries):
    settings.CATALOG_PAGE_SIZE = 2
    compounds = [make_compound(name=f"Compound {n:03d}") for n in range(40)]
    with django_assert_num_queries(3):  # the catalog's revision (the ETag), the anchor row, then the page
        client.get("/compounds/", {"after": compounds[37].pk})


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
    first = make_compound(name="Alpha one")
    make_compound(name="Alpha two")
    soup = BeautifulSoup(client.get("/compounds/?q=alpha").content, "html.parser")
    assert soup.select_one("a[rel=next]")["href"] == f"?q=alpha&after={first.pk}"


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


def test_a_short_query_matches_names_by_prefix_only(client, catalog):
    assert listed_names(client.get("/compounds/?q=mi")) == ["Milnacipran"]


def test_search_indexes_exist_for_this_database(db):
    from django.db import connection

    with connection.cursor() as cursor:
        names = {
            name
            for table in ("catalog_compound", "catalog_synonym")
            for name in connection.introspection.get_constraints(cursor, table)
        }
    expected = {
        "postgresql": {"compound_name_upper_trgm", "synonym_name_upper_trgm", "compound_catalog_number_upper"},
        "sqlite": {"compound_name_nocase", "synonym_name_nocase", "compound_catalog_number_nocase"},
    }[connection.vendor]
    assert expected <= names


def test_search_pages_merge_every_kind_of_match_in_name_order(client, db, settings):
    settings.CATALOG_PAGE_SIZE = 1
    by_synonym = make_compound(name="Alpha")
    Synonym.objects.create(compound=by_synonym, name="zeta-blocker")
    by_name = make_compound(name="Zeta")
    first = client.get("/compounds/", {"q": "zeta"})
    second = client.get("/compounds/", {"q": "zeta", "after": by_synonym.pk})
    assert (listed_names(first), listed_names(second), by_name.name) == (["Alpha"], ["Zeta"], "Zeta")


def test_a_compound_matching_two_ways_is_listed_once(client, db):
    compound = make_compound(name="Cymbalta base")
    Synonym.objects.create(compound=compound, name="Cymbalta")
    assert listed_names(client.get("/compounds/?q=cymbalta")) == ["Cymbalta base"]


def test_search_costs_the_same_queries_however_many_match(client, db, settings, django_assert_num_queries):
    settings.CATALOG_PAGE_SIZE = 2
    for n in range(30):
        make_compound(name=f"Broad {n:02d}")
    # the catalog's revision (the ETag), one query per kind of match (name, synonym, CAS, catalog no.,
    # formula), then the page
    with django_assert_num_queries(7):
        client.get("/compounds/?q=broad")
