"""The compound page carries every fact of the seed page, in a fixed number of queries."""

import re
from itertools import pairwise
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from tests.factories import add_rows, make_compound

MILNACIPRAN = "VC0006221"
SEED_PATH = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "000_c9afc962652b4a4c.txt"


def page_text(response) -> str:
    """The visible text of a page with white space folded, as a reader sees it.

    Line-break opportunities (<wbr>) and a formula's subscripts are inside a word, not between words.
    """
    soup = BeautifulSoup(response.content, "html.parser")
    for tag in soup.find_all(["wbr", "sub", "sup"]):
        tag.unwrap()
    soup.smooth()
    return re.sub(r"\s+", " ", soup.get_text(" "))


def seed_texts(entry: dict) -> list[str]:
    """Every text of the milnacipran entry that the page must show word for word."""
    texts = [entry[field] for field in ("iupac_name", "inchi", "inchikey", "isomeric_smiles", "smiles")]
    texts += [entry[field] for field in ("mechanism_of_action", "pharmacokinetics_intro", "pharmacokinetics_summary")]
    texts += [entry["research_use_notice"], entry["cas_number"], entry["molecular_formula"], entry["catalog_number"]]
    texts += [d["text"] for d in entry["descriptions"]]
    texts += [f"{p['label']} {p['value']}" for p in entry["pk_parameters"]]
    for table in entry["trial_tables"]:
        texts += [table[k] for k in ("heading", "subheading", "intro", "caption", "responder_definition", "notes")]
    texts += [section["title"] for section in entry["sections"]]
    return texts


@pytest.fixture
def milnacipran_page(client, demo_catalog):
    return client.get("/compounds/milnacipran/")


def test_milnacipran_page_is_served(milnacipran_page):
    assert milnacipran_page.status_code == 200


def test_every_seed_text_is_on_the_page(milnacipran_page, demo_entries):
    text = page_text(milnacipran_page)
    missing = [t for t in seed_texts(demo_entries[MILNACIPRAN]) if re.sub(r"\s+", " ", t) not in text]
    assert missing == []


def test_molecular_weight_is_shown_as_the_seed_gives_it(milnacipran_page, demo_entries):
    assert f"{demo_entries[MILNACIPRAN]['molecular_weight']} g/mol" in page_text(milnacipran_page)


def test_melting_point_is_shown_with_its_unit(milnacipran_page, demo_entries):
    assert f"{demo_entries[MILNACIPRAN]['melting_point_celsius']} °C" in page_text(milnacipran_page)


def test_trial_table_rows_show_every_number(milnacipran_page, demo_entries):
    soup = BeautifulSoup(milnacipran_page.content, "html.parser")
    table = soup.find("caption", string=demo_entries[MILNACIPRAN]["trial_tables"][0]["caption"]).parent
    rows = [[cell.get_text(strip=True) for cell in tr.find_all(["th", "td"])] for tr in table.tbody.find_all("tr")]
    expected = [
        [
            r["study"],
            r["dose_mg_per_day"],
            r["responders_percent"],
            r["placebo_percent"],
            ("" if r["p_value_relation"] == "=" else r["p_value_relation"]) + r["p_value"],
        ]
        for r in demo_entries[MILNACIPRAN]["trial_tables"][0]["rows"]
    ]
    assert rows == expected


def test_trial_table_headers_have_column_scope(milnacipran_page):
    soup = BeautifulSoup(milnacipran_page.content, "html.parser")
    headers = soup.select("table.trials thead th")
    assert [(th.get_text(strip=True), th["scope"]) for th in headers] == [
        ("Study", "col"),
        ("Dose (mg/day)", "col"),
        ("Composite Responders (%)", "col"),
        ("Placebo (%)", "col"),
        ("p-value", "col"),
    ]


def test_see_also_links_to_the_salt_form(milnacipran_page):
    soup = BeautifulSoup(milnacipran_page.content, "html.parser")
    link = soup.select_one("#see-also a[href='/compounds/milnacipran-hydrochloride/']")
    assert link.parent.get_text(" ", strip=True) == "Milnacipran Hydrochloride (has salt form)"


def test_salt_form_page_links_back_to_the_free_base(client, demo_catalog):
    soup = BeautifulSoup(client.get("/compounds/milnacipran-hydrochloride/").content, "html.parser")
    link = soup.select_one("#see-also a[href='/compounds/milnacipran/']")
    assert link.parent.get_text(" ", strip=True) == (
        "Milnacipran (Milnacipran Hydrochloride is a salt form of Milnacipran)"
    )


def test_headings_do_not_skip_levels(milnacipran_page):
    soup = BeautifulSoup(milnacipran_page.content, "html.parser")
    levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in pairwise(levels))


def test_page_has_main_landmark_and_one_h1(milnacipran_page):
    soup = BeautifulSoup(milnacipran_page.content, "html.parser")
    assert (len(soup.find_all("main")), len(soup.find_all("h1"))) == (1, 1)


def test_page_loads_nothing_from_another_site(milnacipran_page):
    soup = BeautifulSoup(milnacipran_page.content, "html.parser")
    # What the browser fetches: scripts, images, stylesheets and icons (canonical/og links are not fetched).
    fetched = soup.find_all(["script", "img"]) + soup.find_all("link", rel=["stylesheet", "icon", "preload"])
    sources = [tag.get("src") or tag.get("href") for tag in fetched]
    assert [s for s in sources if s and re.match(r"^(https?:)?//", s)] == []


def test_title_names_compound_cas_and_catalog_number(milnacipran_page):
    title = BeautifulSoup(milnacipran_page.content, "html.parser").title.get_text()
    assert title == "Milnacipran (CAS 96847-55-1), VC0006221 | Compound Catalog"


def test_calculator_region_is_reserved(milnacipran_page):
    soup = BeautifulSoup(milnacipran_page.content, "html.parser")
    assert soup.select_one("section#calculator")["aria-labelledby"] == "calculator-heading"


def test_unknown_slug_is_a_friendly_404(client, db):
    response = client.get("/compounds/no-such-compound/")
    assert (response.status_code, "We could not find that page" in response.text) == (404, True)


@pytest.fixture
def no_page_cache(settings):
    settings.CATALOG_PAGE_CACHE_SECONDS = 0


# A cached "Similar compounds" panel costs one query: the structure revision it is cached under (a
# compound without a structure has no panel, so the query-count tests give theirs one).
PANEL_QUERIES = 1
STRUCTURE = "CCN(CC)C(=O)C1(c2ccccc2)CC1CN"


@pytest.mark.parametrize("rows", [1, 12])
def test_query_count_does_not_grow_with_rows(client, db, no_page_cache, django_assert_num_queries, rows):
    compound = make_compound(isomeric_smiles=STRUCTURE)
    add_rows(compound, rows)
    # The page's revisions (its ETag, one statement), the compound, then one query per child table (trial
    # rows and the links either way included), then the "Similar compounds" panel's: the structure
    # revision, building this process's index (its rows and the recently changed ids), and the compounds
    # sharing its skeleton (no similar compound: none loaded).
    with django_assert_num_queries(15):
        response = client.get(compound.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.skipif(not SEED_PATH.exists(), reason=f"seed page not found at {SEED_PATH}")
def test_fixture_texts_are_the_seeds_word_for_word(demo_entries):
    """Guards the fixture itself: every milnacipran text occurs verbatim in the seed page."""
    seed = SEED_PATH.read_text(encoding="utf-8")
    entry = demo_entries[MILNACIPRAN]
    texts = [t for t in seed_texts(entry) if not t.startswith(tuple(p["label"] for p in entry["pk_parameters"]))]
    texts += [p["value"] for p in entry["pk_parameters"]]
    assert [t for t in texts if t not in seed] == []


def test_calculation_with_bad_input_is_a_400_with_the_page(client, demo_catalog):
    response = client.get(
        "/compounds/milnacipran/", {"solve": "mass", "concentration": "-1", "concentration_unit": "mM"}
    )
    heading = BeautifulSoup(response.content, "html.parser").h1.get_text()
    assert (response.status_code, heading) == (400, "Milnacipran")


def test_melting_point_of_another_form_costs_no_extra_query(client, db, no_page_cache, django_assert_num_queries):
    salt = make_compound(name="Salt")
    compound = make_compound(melting_point_celsius=179, melting_point_form=salt, isomeric_smiles=STRUCTURE)
    add_rows(compound, 1)
    client.get(compound.get_absolute_url())  # the "Similar compounds" panel is cached from now on
    with django_assert_num_queries(11 + PANEL_QUERIES):
        client.get(compound.get_absolute_url())


def test_pharmacokinetics_text_shows_without_parameter_rows(client, db):
    compound = make_compound(pharmacokinetics_intro="Intro text.", pharmacokinetics_summary="Summary text.")
    text = page_text(client.get(compound.get_absolute_url()))
    assert ("Pharmacokinetics Intro text." in text, "Summary text." in text) == (True, True)


def test_linked_forms_cost_no_lazy_queries(client, demo_catalog, no_page_cache, django_assert_num_queries):
    """Milnacipran links a salt, an enantiomer and a melting point's form: still the page's fixed queries."""
    client.get("/compounds/milnacipran/")  # the "Similar compounds" panel is cached from now on
    with django_assert_num_queries(11 + PANEL_QUERIES):
        client.get("/compounds/milnacipran/")


def test_salt_page_checks_its_free_base_without_lazy_queries(
    client, demo_catalog, no_page_cache, django_assert_num_queries
):
    client.get("/compounds/milnacipran-hydrochloride/")  # the "Similar compounds" panel is cached from now on
    with django_assert_num_queries(10 + PANEL_QUERIES):  # no trial tables, so no trial-row query
        response = client.get("/compounds/milnacipran-hydrochloride/")
    assert "The linked free base matches the salt" in response.content.decode()


def test_identifiers_are_marked_for_copying_with_their_exact_text(milnacipran_page, milnacipran_copyable):
    soup = BeautifulSoup(milnacipran_page.content, "html.parser")
    copyable = {span["data-copy-label"]: span.get_text() for span in soup.select("#identifiers .copyable")}
    assert copyable == milnacipran_copyable


def test_the_formula_is_shown_with_subscripts(milnacipran_page):
    soup = BeautifulSoup(milnacipran_page.content, "html.parser")
    formula = soup.select_one(".key-facts div:nth-of-type(3) dd")
    assert formula.decode_contents() == "C<sub>15</sub>H<sub>22</sub>N<sub>2</sub>O"


def test_every_trial_number_is_labelled_with_its_column_for_a_phone(milnacipran_page):
    soup = BeautifulSoup(milnacipran_page.content, "html.parser")
    headers = [th.get_text() for th in soup.select("table.trials thead th")][1:]
    rows = soup.select("table.trials tbody tr")
    assert {tuple(td["data-label"] for td in row.select("td")) for row in rows} == {tuple(headers)}


def test_a_link_on_the_first_screen_jumps_to_the_calculator_which_follows_the_article(milnacipran_page):
    soup = BeautifulSoup(milnacipran_page.content, "html.parser")
    jump = soup.select_one(".compound-header h1 + .jump-to-calculator a")
    calculator = soup.select_one("main.compound-page > article.compound + section#calculator")
    assert (jump["href"], calculator is not None) == ("#calculator", True)
