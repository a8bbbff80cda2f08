"""The list's filters, orders, thumbnails and keyset pages for every order (issue 14, point 7).

The compounds are real drugs: properties computed by RDKit from their SMILES on save, approval years
as ChEMBL gives them (fixtures/chembl_approved_drugs.csv), caffeine's log S from Huuskonen's set.
RDKit's values: aspirin MW 180.159, cLogP 1.31, TPSA 63.6, HBD 1, HBA 4; caffeine 194.194, -1.03, 61.82,
0, 6; imatinib 493.615, 4.59, 86.28, 2, 8; rifampicin 822.953, 4.34, 220.15, 6, 16, three rule-of-five
violations.
"""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from catalog.chemistry import identifiers_from_smiles
from catalog.models import Compound, RelatedForm, SolubilityBasis
from tests.factories import make_compound

STRUCTURES = {
    "Aspirin": ("CC(=O)Oc1ccccc1C(=O)O", 1950),
    "Caffeine": ("Cn1c(=O)c2c(ncn2C)n(C)c1=O", 1948),
    "Imatinib": ("Cc1ccc(NC(=O)c2ccc(CN3CCN(C)CC3)cc2)cc1Nc1nccc(-c2cccnc2)n1", 2001),
    "Imatinib mesylate": ("CS(=O)(=O)O.Cc1ccc(NC(=O)c2ccc(CN3CCN(C)CC3)cc2)cc1Nc1nccc(-c2cccnc2)n1", 2001),
    "Rifampicin": (
        "CO[C@H]1/C=C/O[C@@]2(C)Oc3c(C)c(O)c4c(O)c(c(/C=N/N5CCN(C)CC5)c(O)c4c3C2=O)NC(=O)/C(C)=C\\C=C\\"
        "[C@H](C)[C@H](O)[C@@H](C)[C@@H](O)[C@@H](C)[C@H](OC(C)=O)[C@@H]1C",
        1971,
    ),
}


def drug(name: str, *, year: int | None = None) -> Compound:
    smiles, chembl_year = STRUCTURES[name]
    ids = identifiers_from_smiles(smiles)
    return make_compound(
        name=name,
        slug=name.lower().replace(" ", "-"),
        isomeric_smiles=smiles,
        molecular_formula=ids.molecular_formula,
        molecular_weight=ids.molecular_weight,
        first_approval_year=chembl_year if year is None else year,
    )


def listed_names(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text(strip=True) for a in soup.select("main .compound-card > a")]


@pytest.fixture
def drugs(db):
    made = {name: drug(name) for name in STRUCTURES}
    RelatedForm.objects.create(
        compound=made["Imatinib"], related=made["Imatinib mesylate"], relation=RelatedForm.Relation.SALT_FORM
    )
    Compound.objects.filter(pk=made["Caffeine"].pk).update(
        solubility_log_s=Decimal("-0.97"), solubility_basis=SolubilityBasis.COMPOUND, solubility_source="Huuskonen"
    )
    # The seed's compound, before the reference import attaches an approval year to it.
    made["Milnacipran"] = make_compound(
        name="Milnacipran", isomeric_smiles="CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)C2=CC=CC=C2", molecular_weight="246.35"
    )
    return made


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"mw_min": "190", "mw_max": "500"}, ["Caffeine", "Imatinib", "Milnacipran"]),
        ({"logp_min": "1.31", "logp_max": "4.34"}, ["Aspirin", "Milnacipran", "Rifampicin"]),
        ({"tpsa_max": "63.6"}, ["Aspirin", "Caffeine", "Milnacipran"]),
        ({"hbd_max": "1"}, ["Aspirin", "Caffeine"]),
        ({"hbd_max": "0"}, ["Caffeine"]),  # zero is a bound, not "no filter"
        ({"hba_max": "6"}, ["Aspirin", "Caffeine", "Milnacipran"]),
        ({"ro5": "1"}, ["Aspirin", "Caffeine", "Imatinib", "Imatinib mesylate", "Milnacipran"]),
        ({"year_min": "1950", "year_max": "2000"}, ["Aspirin", "Rifampicin"]),
        ({"salts": "1"}, ["Imatinib"]),
        ({"solubility": "1"}, ["Caffeine"]),
    ],
)
def test_each_filter_keeps_the_compounds_within_it(client, drugs, params, expected):
    assert listed_names(client.get("/compounds/", params)) == expected


def test_a_salts_properties_are_its_parents(client, drugs):
    # Imatinib mesylate weighs 589.7 but its cLogP is imatinib's (4.59): the properties are the parent's.
    assert listed_names(client.get("/compounds/", {"logp_min": "4.5"})) == ["Imatinib", "Imatinib mesylate"]


def test_filters_combine_with_each_other(client, drugs):
    assert listed_names(client.get("/compounds/", {"ro5": "1", "hbd_max": "0"})) == ["Caffeine"]


def test_filters_combine_with_the_search_box(client, drugs):
    assert listed_names(client.get("/compounds/", {"q": "imatinib", "salts": "1"})) == ["Imatinib"]


# Equal values go by id (the order the fixture creates them): Imatinib before Imatinib mesylate, also
# when descending (the two share 2001), where the id goes down with the value.
ORDERS = {
    "name": ["Aspirin", "Caffeine", "Imatinib", "Imatinib mesylate", "Milnacipran", "Rifampicin"],
    "-name": ["Rifampicin", "Milnacipran", "Imatinib mesylate", "Imatinib", "Caffeine", "Aspirin"],
    "mw": ["Aspirin", "Caffeine", "Milnacipran", "Imatinib", "Imatinib mesylate", "Rifampicin"],
    "-mw": ["Rifampicin", "Imatinib mesylate", "Imatinib", "Milnacipran", "Caffeine", "Aspirin"],
    "year": ["Caffeine", "Aspirin", "Rifampicin", "Imatinib", "Imatinib mesylate", "Milnacipran"],
    "-year": ["Imatinib mesylate", "Imatinib", "Rifampicin", "Aspirin", "Caffeine", "Milnacipran"],
}


@pytest.mark.parametrize("sort", ORDERS)
def test_each_order_lists_the_whole_catalog(client, drugs, sort):
    assert listed_names(client.get("/compounds/", {"sort": sort})) == ORDERS[sort]


def walk(client, params: dict, rel: str, start: str = "/compounds/") -> list[list[str]]:
    """Every page reached by following the rel=next (or prev) links from ``start``."""
    pages, url = [], start
    while url:
        response = client.get(url, params if url == start else None)
        pages.append(listed_names(response))
        link = BeautifulSoup(response.content, "html.parser").select_one(f"a[rel={rel}]")
        url = "/compounds/" + link["href"] if link else None
    return pages


@pytest.mark.parametrize("sort", ORDERS)
def test_next_links_walk_every_order_one_compound_at_a_time(client, drugs, settings, sort):
    settings.CATALOG_PAGE_SIZE = 1
    assert walk(client, {"sort": sort}, "next") == [[name] for name in ORDERS[sort]]


@pytest.mark.parametrize("sort", ORDERS)
def test_previous_links_walk_every_order_back_from_its_end(client, drugs, settings, sort):
    settings.CATALOG_PAGE_SIZE = 1
    before_last = Compound.objects.get(name=ORDERS[sort][-2]).pk
    last = f"/compounds/?sort={sort}&after={before_last}"
    assert walk(client, {}, "prev", start=last) == [[name] for name in reversed(ORDERS[sort])]


def test_previous_links_walk_back_through_the_compounds_without_a_year(client, drugs, settings):
    settings.CATALOG_PAGE_SIZE = 2
    last = f"/compounds/?sort=year&after={drugs['Imatinib'].pk}"  # the last page: Imatinib mesylate, Milnacipran
    pages = walk(client, {}, "prev", start=last)
    assert pages == [
        ["Imatinib mesylate", "Milnacipran"],
        ["Rifampicin", "Imatinib"],
        ["Caffeine", "Aspirin"],
    ]


def test_next_links_keep_the_order_and_the_filters(client, drugs, settings):
    settings.CATALOG_PAGE_SIZE = 1
    soup = BeautifulSoup(client.get("/compounds/", {"sort": "-mw", "ro5": "1"}).content, "html.parser")
    assert soup.select_one("a[rel=next]")["href"] == f"?sort=-mw&ro5=1&after={drugs['Imatinib mesylate'].pk}"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"mw_min": "abc"}, "Molecular weight from (g/mol): Enter a number."),
        ({"hbd_max": "-1"}, "H-bond donors, at most: Ensure this value is greater than or equal to 0."),
        ({"year_min": "2010", "year_max": "2000"}, "First approved from (year) is above first approved to (year)"),
        ({"sort": "price"}, "Sort by: Select a valid choice. price is not one of the available choices."),
    ],
)
def test_an_unreadable_filter_is_a_400_with_its_message(client, drugs, params, message):
    response = client.get("/compounds/", params)
    alert = BeautifulSoup(response.content, "html.parser").select_one("main [role=alert]").get_text(" ", strip=True)
    assert (response.status_code, message in alert, listed_names(response)) == (400, True, [])


def test_a_filtered_page_names_the_plain_list_as_canonical(client, drugs):
    soup = BeautifulSoup(client.get("/compounds/", {"mw_min": "100", "after": "7"}).content, "html.parser")
    assert soup.select_one("link[rel=canonical]")["href"] == "http://testserver/compounds/"


def test_a_filtered_page_is_never_served_from_or_put_in_the_page_cache(client, drugs, settings):
    settings.CATALOG_PAGE_CACHE_SECONDS = 60
    client.get("/compounds/", {"mw_min": "800"})
    response = client.get("/compounds/")
    assert (response.get("X-Page-Cache"), len(listed_names(response))) == ("miss", 6)


def test_an_order_on_a_column_with_gaps_seeks_in_two_queries_when_the_page_spans_them(
    client, drugs, settings, django_assert_num_queries
):
    settings.CATALOG_PAGE_SIZE = 2
    # the catalog's revision (the ETag), the anchor row, the rows with a year, then those without one
    with django_assert_num_queries(4):
        client.get("/compounds/", {"sort": "year", "after": drugs["Imatinib"].pk})


def test_a_filtered_page_deep_in_the_list_costs_the_same_queries(client, drugs, settings, django_assert_num_queries):
    settings.CATALOG_PAGE_SIZE = 1
    with django_assert_num_queries(3):  # the ETag's revision, the anchor row, the page
        client.get("/compounds/", {"sort": "mw", "ro5": "1", "after": drugs["Imatinib"].pk})


def test_each_row_has_a_lazy_structure_thumbnail_of_known_size(client, drugs):
    soup = BeautifulSoup(client.get("/compounds/", {"q": "aspirin", "sort": "mw"}).content, "html.parser")
    image = soup.select_one("main .compound-card img")
    assert (image["src"], image["width"], image["height"], image["alt"], image["loading"]) == (
        "/compounds/aspirin/structure.svg",
        "120",
        "90",
        "Structure of Aspirin",
        "lazy",
    )


def test_each_cards_formula_has_its_counts_as_subscripts(client, drugs):
    soup = BeautifulSoup(client.get("/compounds/", {"q": "aspirin"}).content, "html.parser")
    formula = next(d.dd for d in soup.select("main .compound-card .card-facts div") if d.dt.get_text() == "Formula")
    assert (formula.get_text(), [sub.get_text() for sub in formula.select("sub")]) == ("C9H8O4", ["9", "8", "4"])


def test_a_compound_without_a_structure_has_no_thumbnail(client, db):
    make_compound(name="No structure")
    assert BeautifulSoup(client.get("/compounds/").content, "html.parser").select("main .compound-card img") == []
