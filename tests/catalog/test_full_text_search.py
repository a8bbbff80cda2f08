"""Word search over the pages' text, after the name and identifier matches, and suggestions when nothing
matches (issue 16, point 5). Runs on SQLite (FTS5) and PostgreSQL (full-text search) alike."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection

from catalog.db_indexes import ensure_full_text
from catalog.models import Compound, Description, Section
from tests.factories import make_compound


def names(response, where: str) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text(strip=True) for a in soup.select(f"{where} .compound-card > a")]


def by_name(response) -> list[str]:
    """The name and identifier matches (the list before the text section)."""
    soup = BeautifulSoup(response.content, "html.parser")
    first = soup.select_one("main > ul.compound-list")
    return [a.get_text(strip=True) for a in first.select(".compound-card > a")] if first else []


def in_text(response) -> list[str]:
    return names(response, "main section[aria-labelledby=in-text]")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Only milnacipran has text (the seed page's, which says "(SNRI)" and "SNRIs"); the other SNRIs of
        # the demo catalog have none, so a word search does not find them.
        ("SNRI", ["Milnacipran"]),
        ("fibromyalgia", ["Milnacipran"]),
        ("spinal cord", ["Milnacipran"]),  # every word must occur
    ],
)
def test_words_in_the_demo_catalogs_text_find_its_compounds(client, demo_catalog, query, expected):
    assert sorted(in_text(client.get("/compounds/", {"q": query}))) == expected


def test_serotonin_finds_milnacipran_by_its_text(client, demo_catalog):
    assert "Milnacipran" in in_text(client.get("/compounds/", {"q": "serotonin"}))


def test_name_matches_come_before_text_matches_and_are_not_repeated(client, db):
    make_compound(name="Duloxetine")
    mentions = make_compound(name="Milnacipran")
    mentions.descriptions.create(text="A profile distinct from other SNRIs like duloxetine or venlafaxine.")
    response = client.get("/compounds/", {"q": "duloxetine"})
    assert (by_name(response), in_text(response)) == (["Duloxetine"], ["Milnacipran"])


def test_stemming_matches_other_forms_of_a_word(client, db):
    make_compound(name="Milnacipran").descriptions.create(text="It inhibits the reuptake of noradrenaline.")
    assert in_text(client.get("/compounds/", {"q": "inhibit"})) == ["Milnacipran"]


@pytest.mark.parametrize("field", ["description", "section title", "section body", "mechanism"])
def test_each_kind_of_text_is_searched(client, db, field):
    compound = make_compound(name="Milnacipran")
    if field == "description":
        compound.descriptions.create(text="Approved for fibromyalgia.")
    elif field == "section title":
        compound.sections.create(title="Fibromyalgia outcomes", body="")
    elif field == "section body":
        compound.sections.create(title="Outcomes", body="Pain in fibromyalgia.")
    else:
        compound.mechanism_of_action = "Relieves fibromyalgia pain."
        compound.save()
    assert in_text(client.get("/compounds/", {"q": "fibromyalgia"})) == ["Milnacipran"]


def test_an_edited_text_is_found_by_its_new_words_only(client, db):
    description = make_compound(name="Milnacipran").descriptions.create(text="Treats depression.")
    description.text = "Treats fibromyalgia."
    description.save()
    found = (in_text(client.get("/compounds/?q=fibromyalgia")), in_text(client.get("/compounds/?q=depression")))
    assert found == (["Milnacipran"], [])


def test_a_deleted_text_is_no_longer_found(client, db):
    compound = make_compound(name="Milnacipran")
    compound.sections.create(title="Fibromyalgia", body="")
    Section.objects.filter(compound=compound).delete()
    assert in_text(client.get("/compounds/?q=fibromyalgia")) == []


def test_a_deleted_compound_is_no_longer_found(client, db):
    compound = make_compound(name="Milnacipran", mechanism_of_action="Relieves fibromyalgia pain.")
    compound.descriptions.create(text="Approved for fibromyalgia.")
    compound.delete()
    assert in_text(client.get("/compounds/?q=fibromyalgia")) == []


def test_a_cleared_mechanism_is_no_longer_found(client, db):
    compound = make_compound(name="Milnacipran", mechanism_of_action="Relieves fibromyalgia pain.")
    compound.mechanism_of_action = ""
    compound.save()
    assert in_text(client.get("/compounds/?q=fibromyalgia")) == []


def test_filters_apply_to_text_matches(client, db):
    make_compound(name="Milnacipran", molecular_weight="246.35").descriptions.create(text="An SNRI.")
    make_compound(name="Duloxetine", molecular_weight="297.42").descriptions.create(text="An SNRI.")
    assert in_text(client.get("/compounds/", {"q": "SNRI", "mw_max": "250"})) == ["Milnacipran"]


def test_text_matches_come_on_the_last_page_of_name_matches(client, db, settings):
    settings.CATALOG_PAGE_SIZE = 1
    first = make_compound(name="Serotonin one")
    make_compound(name="Serotonin two")
    make_compound(name="Milnacipran").descriptions.create(text="A serotonin reuptake inhibitor.")
    first_page = client.get("/compounds/", {"q": "serotonin"})
    last_page = client.get("/compounds/", {"q": "serotonin", "after": first.pk})
    assert (in_text(first_page), by_name(last_page), in_text(last_page)) == ([], ["Serotonin two"], ["Milnacipran"])


@pytest.mark.parametrize("query", ['"unclosed', "NEAR(a b", "a AND OR NOT", "*", "fibro*", "title:x", "-", "'; --"])
def test_search_syntax_in_a_query_is_read_as_words(client, db, query):
    assert client.get("/compounds/", {"q": query}).status_code == 200


def test_a_name_cut_short_is_found_by_name_not_suggested(client, db):
    make_compound(name="Sertraline")
    response = client.get("/compounds/", {"q": "sertralin"})
    assert (by_name(response), "Did you mean" in response.text) == (["Sertraline"], False)


@pytest.mark.parametrize(("query", "suggestion"), [("setraline", "Sertraline"), ("imatinb", "Imatinib")])
def test_a_misspelt_name_gets_a_suggestion(client, db, query, suggestion):
    for name in ("Sertraline", "Imatinib", "Milnacipran"):
        make_compound(name=name, slug=name.lower())
    soup = BeautifulSoup(client.get("/compounds/", {"q": query}).content, "html.parser")
    links = [(a.get_text(strip=True), a["href"]) for a in soup.select("main p a[href^='/compounds/']")]
    assert links[0] == (suggestion, f"/compounds/{suggestion.lower()}/")


def test_a_synonym_close_to_the_query_suggests_its_compound(client, db):
    make_compound(name="Duloxetine", slug="duloxetine").synonyms.create(name="Cymbalta")
    soup = BeautifulSoup(client.get("/compounds/", {"q": "cimbalta"}).content, "html.parser")
    assert soup.select_one("main p a[href^='/compounds/duloxetine/']").get_text(strip=True) == "Duloxetine"


def test_synthetic_compounds_are_never_suggested(client, db):
    make_compound(name="Sertraline", is_synthetic=True)
    assert "Did you mean" not in client.get("/compounds/", {"q": "setraline"}).text


def test_a_search_without_results_links_back_to_the_list(client, db):
    make_compound(name="Milnacipran")
    soup = BeautifulSoup(client.get("/compounds/", {"q": "zzzzqqq"}).content, "html.parser")
    assert [a["href"] for a in soup.select("main p a")] == ["/compounds/"]


def test_text_search_costs_a_fixed_number_of_queries(client, db, django_assert_num_queries):
    for n in range(5):
        make_compound(name=f"Drug {n}", mechanism_of_action="Blocks serotonin reuptake.").descriptions.create(
            text="A serotonin reuptake inhibitor."
        )
    # the ETag's revision, the five name/identifier branches (none finds anything: no page query), then the
    # words: on PostgreSQL one query per kind of text (3), on SQLite one; which match by name; their rows
    expected = 6 + (3 if connection.vendor == "postgresql" else 1) + 2
    with django_assert_num_queries(expected):
        client.get("/compounds/", {"q": "serotonin"})


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 copy of the texts")
def test_the_text_copy_is_refilled_when_it_lost_rows(client, db):
    make_compound(name="Milnacipran").descriptions.create(text="Approved for fibromyalgia.")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalog_fulltext")
    ensure_full_text(connection)  # what runs after every migrate
    assert in_text(client.get("/compounds/?q=fibromyalgia")) == ["Milnacipran"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's expression indexes")
@pytest.mark.parametrize(
    ("model", "index"),
    [(Compound, "compound_mechanism_fts"), (Description, "description_text_fts"), (Section, "section_text_fts")],
)
def test_the_word_query_is_the_expression_its_index_is_built_on(db, model, index):
    from catalog.full_text import word_sources

    manager, vector, _ = next(source for source in word_sources("fibromyalgia")[1] if source[0].model is model)
    queryset = manager.annotate(document=vector).filter(document=word_sources("fibromyalgia")[0])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert index in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 triggers")
def test_triggers_dropped_by_a_table_rebuild_come_back_after_migrate(client, db):
    from catalog.db_indexes import recreate_search_indexes

    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER catalog_description_fts_insert")  # what SQLite's table rebuild does
    recreate_search_indexes(sender=None, using="default")  # the post_migrate receiver
    make_compound(name="Milnacipran").descriptions.create(text="Approved for fibromyalgia.")
    assert in_text(client.get("/compounds/?q=fibromyalgia")) == ["Milnacipran"]
