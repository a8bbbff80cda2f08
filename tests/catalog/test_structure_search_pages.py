"""Structure search on the site: the page, the JSON API, freshness after edits, and "Similar compounds".

Expected results are computed here with RDKit from the catalog's own stored structures, by the issue's
rules (HasSubstructMatch with the query as parsed; Tanimoto on Morgan radius 2, 2,048 bits).
"""

import pytest
from bs4 import BeautifulSoup
from django.db import IntegrityError
from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator

from catalog import structure_index as structure_index_module
from catalog import structure_queries
from catalog.models import CatalogState, Compound, RelatedForm, StructureRemoval
from catalog.structure_index import StructureIndexHolder, structure_index
from catalog.structure_search import QueryError, fingerprint_bytes, parse_query
from tests.factories import make_compound

API = "/api/compounds/structure-search"
PAGE = "/compounds/structure/"
MORGAN = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
# Milnacipran's structure as the demo catalog holds it (fixtures/demo_catalog.json).
MILNACIPRAN = "CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)C2=CC=CC=C2"


def catalog_structures() -> list[tuple[int, str, str]]:
    """(id, slug, computed canonical SMILES) of every compound with a structure, in id order."""
    rows = Compound.objects.exclude(computed_canonical_smiles="").order_by("pk")
    return list(rows.values_list("pk", "slug", "computed_canonical_smiles"))


def rdkit_substructure(query: str, *, smarts: bool = False) -> list[str]:
    pattern = Chem.MolFromSmarts(query) if smarts else Chem.MolFromSmiles(query)
    return [slug for _, slug, smiles in catalog_structures() if Chem.MolFromSmiles(smiles).HasSubstructMatch(pattern)]


def rdkit_similarity(query: str, threshold: float) -> list[tuple[str, float]]:
    fp = MORGAN.GetFingerprint(Chem.MolFromSmiles(query))
    scored = []
    for pk, slug, smiles in catalog_structures():
        score = DataStructs.TanimotoSimilarity(fp, MORGAN.GetFingerprint(Chem.MolFromSmiles(smiles)))
        if score >= threshold:
            scored.append((-score, pk, slug, score))
    return [(slug, score) for _, _, slug, score in sorted(scored)]


def result_names(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text(strip=True) for a in soup.select(".structure-results .structure-card > a")]


def similar_names(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text(strip=True) for a in soup.select("#similar-compounds .structure-card > a")]


# -- the API ----------------------------------------------------------------------------------------------


def test_api_substructure_finds_what_rdkit_finds(client, demo_catalog):
    body = client.get(API, {"q": "c1ccccc1", "mode": "substructure"}).json()
    assert [row["slug"] for row in body["results"]] == rdkit_substructure("c1ccccc1")


def test_api_substructure_with_smarts_finds_what_rdkit_finds(client, demo_catalog):
    body = client.get(API, {"q": "[NX3;H1]C", "mode": "substructure"}).json()
    assert [row["slug"] for row in body["results"]] == rdkit_substructure("[NX3;H1]C", smarts=True)


def test_api_similarity_gives_rdkits_scores_highest_first(client, demo_catalog):
    body = client.get(API, {"q": MILNACIPRAN, "mode": "similarity", "threshold": "0.2"}).json()
    assert [(row["slug"], row["similarity"]) for row in body["results"]] == rdkit_similarity(MILNACIPRAN, 0.2)


def test_api_answers_in_the_issues_shape(client, demo_catalog):
    # Levomilnacipran scores 1.0 too (Morgan bits carry no stereo): two match, the limit lists one.
    body = client.get(API, {"q": MILNACIPRAN, "mode": "similarity", "threshold": "0.99", "limit": "1"}).json()
    milnacipran = Compound.objects.get(slug="milnacipran")
    assert body == {
        "query": {"input": MILNACIPRAN, "smiles": Chem.MolToSmiles(Chem.MolFromSmiles(MILNACIPRAN))},
        "mode": "similarity",
        "count": 2,
        "truncated": True,
        "partial": False,
        "results": [
            {
                "slug": "milnacipran",
                "name": "Milnacipran",
                "catalog_number": "VC0006221",
                "inchikey": milnacipran.computed_inchikey,
                "smiles": milnacipran.computed_canonical_smiles,
                "similarity": 1.0,
            }
        ],
    }


def test_api_exact_finds_the_same_inchikey_only(client, demo_catalog):
    body = client.get(API, {"q": MILNACIPRAN, "mode": "exact"}).json()
    assert [row["slug"] for row in body["results"]] == ["milnacipran"]


def test_api_exact_by_inchikey(client, demo_catalog):
    key = Compound.objects.get(slug="duloxetine").computed_inchikey
    body = client.get(API, {"q": key, "mode": "exact"}).json()
    assert [row["slug"] for row in body["results"]] == ["duloxetine"]


def test_api_exact_skeleton_finds_stereoisomers_and_salt_forms(client, demo_catalog):
    body = client.get(API, {"q": MILNACIPRAN, "mode": "exact", "skeleton": "true"}).json()
    slugs = [row["slug"] for row in body["results"]]
    assert slugs == ["levomilnacipran", "milnacipran", "milnacipran-hydrochloride"]


def test_api_limit_cuts_the_results_and_says_so(client, demo_catalog):
    body = client.get(API, {"q": "c1ccccc1", "mode": "substructure", "limit": "2"}).json()
    expected = rdkit_substructure("c1ccccc1")
    assert (body["count"], body["truncated"], [r["slug"] for r in body["results"]]) == (
        len(expected),
        True,
        expected[:2],
    )


def test_api_similarity_results_carry_no_similarity_outside_similarity_mode(client, demo_catalog):
    body = client.get(API, {"q": "c1ccccc1", "mode": "substructure", "limit": "1"}).json()
    assert sorted(body["results"][0]) == ["catalog_number", "inchikey", "name", "slug", "smiles"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "C1CC", "mode": "substructure"}, "q"),
        ({"q": "", "mode": "substructure"}, "q"),
        ({"q": "C" * 2001, "mode": "substructure"}, "q"),
        ({"q": "[C", "mode": "similarity"}, "q"),
        ({"q": "CCO", "mode": "sideways"}, "mode"),
        ({"q": "CCO", "mode": "similarity", "threshold": "1.5"}, "threshold"),
        ({"q": "CCO", "mode": "similarity", "threshold": "nan"}, "threshold"),
        ({"q": "CCO", "mode": "substructure", "limit": "0"}, "limit"),
        ({"q": "CCO", "mode": "substructure", "limit": "10001"}, "limit"),
        ({"q": "CCO", "mode": "substructure", "limit": "²"}, "limit"),
    ],
)
def test_api_bad_input_is_a_400_naming_the_parameter(client, db, params, field):
    response = client.get(API, params)
    assert (response.status_code, list(response.json()["errors"])) == (400, [field])


def test_api_unparsable_query_says_why(client, db):
    response = client.get(API, {"q": "C1CC", "mode": "substructure"})
    with pytest.raises(QueryError) as refused:
        parse_query("C1CC", "substructure")
    assert response.json() == {"errors": {"q": [str(refused.value)]}}


# Queries that are expensive, malformed or hostile: each must be a 200 or a clear 400, never a 500.
HOSTILE_QUERIES = [
    "[$([$([$([$(*)])])])]",  # recursive SMARTS nested too deep
    "~".join(["*"] * 50),  # a long chain of any atom, any bond
    "*1**********1",  # a 12-ring of anything
    "C" * 1999,  # too many atoms for a query
    "C%99%98CC%99CC%98",
    "[C@@H](F)(Cl)(Br)I",
    "[Xx]",
    "[#200]",
    "InChI=1S/C99999H199998",
    "InChI=1S/garbage",
    "\n  x\n\n  2  1  0  0  0  0  0  0  0  0999 V2000\nM  END",
    "GJJFMKBJSRMPLA-HIFRSBDPSA-N",
    "<script>alert(1)</script>",
    "c1ccccc1" * 300,
    "\u202e\u200bCCO",
    "C\x00C",
    "[2H][2H]",
    "[N+](=O)[O-]",
    "C.C.C.C.C.C.C.C.C.C.C.C.C.C.C.C.C.C.C.C.C.C.C.C.C.C.C.C.C.C",
]


@pytest.mark.parametrize("mode", ["exact", "substructure", "similarity"])
def test_hostile_queries_never_give_a_500(client, demo_catalog, mode):
    client.raise_request_exception = False
    statuses = set()
    for query in HOSTILE_QUERIES:
        for path in (API, PAGE, "/compounds/structure/preview"):
            statuses.add(client.get(path, {"q": query, "mode": mode}).status_code)
    assert statuses <= {200, 400}


def test_api_inchikey_outside_exact_mode_is_refused(client, db):
    response = client.get(API, {"q": "GJJFMKBJSRMPLA-HIFRSBDPSA-N", "mode": "similarity"})
    assert response.status_code == 400


def test_api_refuses_a_post_with_a_json_405(client, db):
    response = client.post(API, {"q": "CCO"})
    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD, OPTIONS")


def test_api_similarity_marks_nothing_partial_within_budget(client, demo_catalog):
    assert client.get(API, {"q": "CCO", "mode": "similarity"}).json()["partial"] is False


def test_api_marks_results_partial_when_the_budget_runs_out(client, demo_catalog, monkeypatch):
    monkeypatch.setattr(structure_queries, "BUDGET_SECONDS", 0.0)
    body = client.get(API, {"q": "c1ccccc1", "mode": "substructure"}).json()
    assert (body["partial"], body["truncated"]) == (True, True)


# -- the page ------------------------------------------------------------------------------------------------


def test_page_without_a_query_is_the_form(client, db):
    response = client.get(PAGE)
    soup = BeautifulSoup(response.content, "html.parser")
    form = soup.select_one("form.structure-search-form")
    assert (response.status_code, form["method"], form["action"]) == (200, "get", PAGE)


def test_page_form_has_every_parameter(client, db):
    soup = BeautifulSoup(client.get(PAGE).content, "html.parser")
    names = sorted({field["name"] for field in soup.select("form.structure-search-form [name]")})
    assert names == ["mode", "q", "skeleton", "stereo", "threshold"]


def test_page_substructure_results_are_what_rdkit_finds(client, demo_catalog):
    response = client.get(PAGE, {"q": "c1ccccc1", "mode": "substructure"})
    names = dict(Compound.objects.values_list("slug", "name"))
    assert result_names(response) == [names[slug] for slug in rdkit_substructure("c1ccccc1")]


def test_page_substructure_cards_highlight_the_match(client, demo_catalog):
    response = client.get(PAGE, {"q": "c1ccccc1", "mode": "substructure"})
    card = BeautifulSoup(response.content, "html.parser").select_one(".structure-results .structure-card svg")
    assert card.select_one("desc").get_text() == "The atoms that match the query are highlighted."


def test_page_similarity_shows_scores(client, demo_catalog):
    response = client.get(PAGE, {"q": MILNACIPRAN, "mode": "similarity", "threshold": "0.99"})
    soup = BeautifulSoup(response.content, "html.parser")
    facts = [dd.get_text() for dd in soup.select(".structure-results .card-facts")[0].select("dd")]
    assert facts == ["VC0006221", "246.35 g/mol", "1.00"]


def test_page_draws_the_query_without_javascript(client, db):
    soup = BeautifulSoup(client.get(PAGE, {"q": "c1ccccc1O", "mode": "substructure"}).content, "html.parser")
    assert soup.select_one("#query-preview figcaption").get_text() == "Read as a SMILES: Oc1ccccc1."


def test_page_bad_query_is_a_400_with_the_reason_beside_the_form(client, db):
    response = client.get(PAGE, {"q": "C" * 2001, "mode": "substructure"})
    soup = BeautifulSoup(response.content, "html.parser")
    assert (response.status_code, soup.select_one("#structure-q-error").get_text()) == (
        400,
        "The query is 2,001 characters long; the limit is 2,000.",
    )


def test_page_keeps_the_query_in_the_form(client, db):
    soup = BeautifulSoup(client.get(PAGE, {"q": "CCO", "mode": "similarity"}).content, "html.parser")
    checked = soup.select_one("input[name=mode][checked]")["value"]
    assert (soup.select_one("textarea[name=q]").get_text(), checked) == ("CCO", "similarity")


@pytest.fixture
def phenyl_series(db):
    """25 phenylalkanes (test data, not catalog compounds): more than a page of benzene matches."""
    return [make_compound(name=f"Phenyl series {n:02d}", isomeric_smiles="c1ccccc1" + "C" * n) for n in range(1, 26)]


def test_page_pages_through_results_with_shareable_links(client, phenyl_series):
    first = client.get(PAGE, {"q": "c1ccccc1", "mode": "substructure"})
    next_link = BeautifulSoup(first.content, "html.parser").select_one("a[rel=next]")["href"]
    second = client.get(PAGE + next_link)
    assert (len(result_names(first)), result_names(second)) == (20, [f"Phenyl series {n}" for n in range(21, 26)])


def test_page_says_how_many_matched(client, phenyl_series):
    text = BeautifulSoup(client.get(PAGE, {"q": "c1ccccc1"}).content, "html.parser").select_one(".result-count")
    assert " ".join(text.get_text().split()) == "25 compounds match; showing 1 to 20."


def test_page_says_more_than_when_counting_stopped(client, phenyl_series, monkeypatch):
    monkeypatch.setattr(structure_queries, "COUNT_LIMIT", 20)
    text = BeautifulSoup(client.get(PAGE, {"q": "c1ccccc1"}).content, "html.parser").select_one(".result-count")
    assert " ".join(text.get_text().split()) == "More than 20 compounds match; showing 1 to 20."


def test_page_marks_partial_results(client, phenyl_series, monkeypatch):
    monkeypatch.setattr(structure_queries, "BUDGET_SECONDS", 0.0)
    soup = BeautifulSoup(client.get(PAGE, {"q": "c1ccccc1"}).content, "html.parser")
    assert (
        soup.select_one(".structure-results .notice").get_text().startswith("The search stopped after its time limit")
    )


def test_page_beyond_the_listable_matches_is_a_400(client, db):
    assert client.get(PAGE, {"q": "c1ccccc1", "page": "51"}).status_code == 400


def test_preview_draws_the_query_for_htmx(client, db):
    response = client.get("/compounds/structure/preview", {"q": "CCO", "mode": "substructure"}, HTTP_HX_REQUEST="true")
    soup = BeautifulSoup(response.content, "html.parser")
    assert (soup.select_one("svg")["role"], soup.select_one("figcaption").get_text()) == (
        "img",
        "Read as a SMILES: CCO.",
    )


def test_preview_says_why_a_query_does_not_parse(client, db):
    response = client.get("/compounds/structure/preview", {"q": "[C", "mode": "similarity"}, HTTP_HX_REQUEST="true")
    soup = BeautifulSoup(response.content, "html.parser")
    assert (response.status_code, soup.select_one("p.error") is not None, soup.select_one("svg")) == (200, True, None)


def test_preview_draws_a_smarts_pattern(client, db):
    response = client.get("/compounds/structure/preview", {"q": "[#6]C(=O)[OX2H1]", "mode": "substructure"})
    assert (
        BeautifulSoup(response.content, "html.parser").select_one("figcaption").get_text()
        == "Read as a SMARTS pattern."
    )


# -- freshness ------------------------------------------------------------------------------------------------


def test_a_structure_edit_shows_in_the_next_search(client, demo_catalog):
    assert client.get(API, {"q": "C#N", "mode": "substructure"}).json()["count"] == 0
    compound = Compound.objects.get(slug="bupropion")
    compound.isomeric_smiles = "N#CCC(NC(C)(C)C)C(=O)c1cccc(Cl)c1"
    compound.save()
    assert [r["slug"] for r in client.get(API, {"q": "C#N", "mode": "substructure"}).json()["results"]] == ["bupropion"]


def test_a_deleted_compound_leaves_the_next_search(client, demo_catalog):
    client.get(API, {"q": "c1ccccc1", "mode": "substructure"})
    Compound.objects.get(slug="fluoxetine").delete()
    slugs = [r["slug"] for r in client.get(API, {"q": "c1ccccc1", "mode": "substructure"}).json()["results"]]
    assert (slugs, StructureRemoval.objects.count()) == (rdkit_substructure("c1ccccc1"), 1)


def test_a_new_compound_shows_in_the_next_search(client, demo_catalog):
    client.get(API, {"q": "C#N", "mode": "substructure"})
    make_compound(name="Acetonitrile test", slug="acetonitrile-test", isomeric_smiles="CC#N")
    slugs = [r["slug"] for r in client.get(API, {"q": "C#N", "mode": "substructure"}).json()["results"]]
    assert slugs == ["acetonitrile-test"]


def nitriles(index) -> list[int]:
    return [hit.id for hit in index.substructure(parse_query("C#N", "substructure")).hits]


def edit_bupropion_to_a_nitrile() -> Compound:
    compound = Compound.objects.get(slug="bupropion")
    compound.isomeric_smiles = "N#CCC(NC(C)(C)C)C(=O)c1cccc(Cl)c1"
    compound.save()
    return compound


def test_a_catch_up_within_its_limit_adds_the_rows_to_the_same_index(demo_catalog):
    holder = StructureIndexHolder()
    before = holder.current()
    compound = edit_bupropion_to_a_nitrile()
    after = holder.current()
    assert (after is before, nitriles(after)) == (True, [compound.pk])


def test_a_catch_up_over_its_limit_rebuilds_the_index(demo_catalog, monkeypatch):
    holder = StructureIndexHolder()
    before = holder.current()
    monkeypatch.setattr(structure_index_module, "REBUILD_AFTER", 0)
    compound = edit_bupropion_to_a_nitrile()
    after = holder.current()
    assert (after is before, after.pending, nitriles(after)) == (False, 0, [compound.pk])


def test_another_process_catches_up_with_an_edit(demo_catalog):
    """Two holders stand for two app servers: the one that did not make the edit sees it on its next search."""
    other = StructureIndexHolder()
    query = parse_query("C#N", "substructure")
    assert other.current().substructure(query).count == 0
    compound = Compound.objects.get(slug="bupropion")
    compound.isomeric_smiles = "N#CCC(NC(C)(C)C)C(=O)c1cccc(Cl)c1"
    compound.save()
    assert [hit.id for hit in other.current().substructure(query).hits] == [compound.pk]


def test_an_edit_that_leaves_the_structure_keeps_the_structure_revision(demo_catalog):
    before = CatalogState.current_structure()
    compound = Compound.objects.get(slug="bupropion")
    compound.melting_point_note = "A note."
    compound.save()
    assert CatalogState.current_structure() == before


def test_a_stored_fingerprint_is_of_the_computed_smiles(demo_catalog):
    compound = Compound.objects.get(slug="milnacipran")
    expected = fingerprint_bytes(Chem.MolFromSmiles(compound.computed_canonical_smiles))
    assert bytes(compound.structure_fingerprint) == expected


# -- "Similar compounds" on a compound's page ----------------------------------------------------------------


@pytest.fixture
def family(db):
    """A parent, its enantiomer and salt form, a close analogue and an unrelated compound (test data)."""
    parent = make_compound(name="Parent", slug="parent", isomeric_smiles="CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)c1ccccc1")
    enantiomer = make_compound(
        name="Enantiomer", slug="enantiomer", isomeric_smiles="CCN(CC)C(=O)[C@]1(C[C@H]1CN)c1ccccc1"
    )
    salt = make_compound(name="Salt", slug="salt", isomeric_smiles="Cl.CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)c1ccccc1")
    analogue = make_compound(name="Analogue", slug="analogue", isomeric_smiles="CCN(CC)C(=O)C1(CC1CN)c1ccc(C)cc1")
    make_compound(name="Unrelated", slug="unrelated", isomeric_smiles="OCC(O)CO")
    RelatedForm.objects.create(compound=parent, related=salt, relation=RelatedForm.Relation.SALT_FORM)
    return {"parent": parent, "enantiomer": enantiomer, "salt": salt, "analogue": analogue}


def rdkit_score(a: str, b: str) -> float:
    fps = [MORGAN.GetFingerprint(Chem.MolFromSmiles(s)) for s in (a, b)]
    return DataStructs.TanimotoSimilarity(*fps)


def test_similar_panel_lists_analogues_not_its_own_forms(client, family):
    assert similar_names(client.get("/compounds/parent/")) == ["Analogue"]


def test_similar_panel_lists_an_analogue_once_not_with_its_salt_and_enantiomer(client, family):
    smiles = "CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)c1ccc(C)cc1"
    make_compound(name="Analogue (1R,2S)", slug="analogue-1r2s", isomeric_smiles=smiles)
    make_compound(name="Analogue hydrochloride", slug="analogue-hcl", isomeric_smiles=f"Cl.{smiles}")
    assert similar_names(client.get("/compounds/parent/")) == ["Analogue"]  # ties go to the lower id


def test_similar_panel_shows_rdkits_score(client, family):
    response = client.get("/compounds/parent/")
    score = BeautifulSoup(response.content, "html.parser").select_one("#similar-compounds dd").get_text()
    parent, analogue = family["parent"], family["analogue"]
    assert score == f"{rdkit_score(parent.computed_canonical_smiles, analogue.computed_canonical_smiles):.2f}"


def test_similar_panel_leaves_out_stereoisomers_and_salts_of_a_salt(client, family):
    assert similar_names(client.get("/compounds/salt/")) == ["Analogue"]


def test_similar_panel_says_when_there_is_none(client, family):
    response = client.get("/compounds/unrelated/")
    text = BeautifulSoup(response.content, "html.parser").select_one("#similar-compounds p.muted").get_text()
    assert text.startswith("No other compound in the catalog has a Tanimoto similarity of 0.5 or more")


def test_similar_panel_follows_a_structure_edit_elsewhere(client, family):
    first = client.get("/compounds/parent/")
    analogue = family["analogue"]
    analogue.isomeric_smiles = "OCCO"
    analogue.save()
    second = client.get("/compounds/parent/")
    assert (similar_names(first), similar_names(second), first["ETag"] != second["ETag"]) == (["Analogue"], [], True)


def test_similar_panel_follows_a_deletion_elsewhere(client, family):
    client.get("/compounds/parent/")
    family["analogue"].delete()
    assert similar_names(client.get("/compounds/parent/")) == []


def test_cached_page_is_served_again_while_no_structure_changes(client, family):
    client.get("/compounds/parent/")
    assert client.get("/compounds/parent/")["X-Page-Cache"] == "hit"


# -- addresses --------------------------------------------------------------------------------------------------


def test_structure_is_a_reserved_slug(db):
    with pytest.raises(IntegrityError):
        make_compound(slug="structure")


def test_structure_slug_is_refused_with_a_message(db):
    compound = Compound(name="X", slug="structure", catalog_number="X1", molecular_formula="C", molecular_weight=12)
    with pytest.raises(Exception, match="address of a page of the site"):
        compound.full_clean()


def test_index_is_reset_between_tests(db):
    assert structure_index.built is False
