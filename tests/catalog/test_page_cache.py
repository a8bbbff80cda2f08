"""Compound pages and the list's first page come from the cache until something they show changes."""

import re

import pytest
from django.core.management import call_command
from django.http import HttpResponse

from catalog.middleware import compound_page_slug
from catalog.models import Synonym
from catalog.page_cache import PageCache
from catalog.revisions import revisions
from tests.factories import make_compound


@pytest.fixture
def compound(db):
    return make_compound(name="Milnacipran", slug="milnacipran")


def test_second_request_is_served_from_the_cache(client, compound):
    client.get("/compounds/milnacipran/")
    assert client.get("/compounds/milnacipran/")["X-Page-Cache"] == "hit"


def test_a_cached_page_costs_only_the_revision_lookup(client, compound, django_assert_num_queries, monkeypatch):
    client.get("/compounds/milnacipran/")
    lookups = []
    original = revisions.compound_from_database
    monkeypatch.setattr(revisions, "compound_from_database", lambda slug: lookups.append(slug) or original(slug))
    with django_assert_num_queries(1):
        client.get("/compounds/milnacipran/")
    assert lookups == ["milnacipran"]


def test_a_trial_table_moved_to_another_compound_leaves_the_cached_page_it_left(client, compound):
    other = make_compound(name="Duloxetine", slug="duloxetine")  # before: a new structure renews every page
    table = compound.trial_tables.create(heading="Flexible-dose study", caption="Responders")
    assert "Flexible-dose study" in client.get("/compounds/milnacipran/").text  # now cached
    table.compound = other
    table.save()
    assert "Flexible-dose study" not in client.get("/compounds/milnacipran/").text


def test_cached_page_is_the_same_page(client, compound):
    first = client.get("/compounds/milnacipran/").content
    assert client.get("/compounds/milnacipran/").content == first


def test_editing_the_compound_shows_on_the_next_request(client, compound):
    client.get("/compounds/milnacipran/")
    compound.iupac_name = "a new IUPAC name"
    compound.save()
    response = client.get("/compounds/milnacipran/")
    assert (response["X-Page-Cache"], "a new IUPAC name" in response.text) == ("miss", True)


def test_a_new_synonym_shows_on_the_next_request(client, compound):
    client.get("/compounds/milnacipran/")
    Synonym.objects.create(compound=compound, name="F 2207")
    assert "F 2207" in client.get("/compounds/milnacipran/").text


def test_renaming_a_salt_form_shows_on_the_free_base_page(client, compound):
    salt = make_compound(name="Milnacipran Hydrochloride")
    compound.related_forms.create(related=salt, relation="salt_form")
    client.get("/compounds/milnacipran/")
    salt.name = "Milnacipran HCl"
    salt.save()
    assert "Milnacipran HCl" in client.get("/compounds/milnacipran/").text


def test_pages_with_calculator_inputs_are_not_cached(client, compound):
    client.get("/compounds/milnacipran/?solve=mass")
    assert "X-Page-Cache" not in client.get("/compounds/milnacipran/?solve=mass")


def test_cache_key_includes_the_host(client, compound, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    client.get("/compounds/milnacipran/")
    response = client.get("/compounds/milnacipran/", HTTP_HOST="other.example")
    assert (response["X-Page-Cache"], "http://other.example/compounds/milnacipran/" in response.text) == (
        "miss",
        True,
    )


def test_unknown_compound_is_404_without_caching(client, db):
    assert client.get("/compounds/nothing-here/").status_code == 404


def test_list_first_page_is_cached_until_a_compound_changes(client, compound):
    client.get("/compounds/")
    cached = client.get("/compounds/")["X-Page-Cache"]
    make_compound(name="Duloxetine")
    response = client.get("/compounds/")
    assert (cached, response["X-Page-Cache"], "Duloxetine" in response.text) == ("hit", "miss", True)


def test_search_results_are_not_cached(client, compound):
    client.get("/compounds/?q=milna")
    assert "X-Page-Cache" not in client.get("/compounds/?q=milna")


def test_reloading_the_demo_catalog_invalidates_its_pages(client, demo_catalog):
    client.get("/compounds/milnacipran/")
    call_command("load_demo_catalog", verbosity=0)
    assert client.get("/compounds/milnacipran/")["X-Page-Cache"] == "miss"


def test_a_warm_page_is_served_from_process_memory_without_the_shared_cache(client, compound, monkeypatch):
    client.get("/compounds/milnacipran/")

    def shared_cache_must_not_be_asked(*args, **kwargs):
        raise AssertionError("the shared cache was asked")

    monkeypatch.setattr("catalog.page_cache.cache.get", shared_cache_must_not_be_asked)
    assert client.get("/compounds/milnacipran/")["X-Page-Cache"] == "hit"


def test_process_memory_keeps_only_the_most_recent_pages(rf, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}  # memory alone
    cache = PageCache()
    cache.LOCAL_PAGES = 2
    rendered = []

    def page(key: str):
        return cache.response(rf.get("/"), key, lambda: rendered.append(key) or HttpResponse(key))

    for key in ("a", "b", "c", "a", "c"):
        page(key)
    assert rendered == ["a", "b", "c", "a"]


def test_the_code_fingerprint_changes_when_a_template_does(tmp_path):
    from catalog.page_cache import code_fingerprint

    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "page.html"
    template.write_text("<p>one</p>")
    before = code_fingerprint(tmp_path, ("templates",))
    template.write_text("<p>two</p>")
    assert code_fingerprint(tmp_path, ("templates",)) != before


def test_the_code_fingerprint_ignores_compiled_files(tmp_path):
    from catalog.page_cache import code_fingerprint

    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "views.py").write_text("x = 1")
    before = code_fingerprint(tmp_path, ("catalog",))
    (tmp_path / "catalog" / "views.cpython-312.pyc").write_bytes(b"\0\1")
    assert code_fingerprint(tmp_path, ("catalog",)) == before


def test_a_warm_page_is_answered_before_the_session_middleware(client, compound):
    client.get("/compounds/milnacipran/")
    response = client.get("/compounds/milnacipran/")
    assert (response["X-Page-Cache"], hasattr(response.wsgi_request, "session")) == ("hit", False)


def test_a_warm_page_keeps_the_security_headers(client, compound):
    client.get("/compounds/milnacipran/")
    response = client.get("/compounds/milnacipran/")
    assert (response["X-Frame-Options"], response["X-Content-Type-Options"], "Content-Security-Policy" in response) == (
        "DENY",
        "nosniff",
        True,
    )


@pytest.mark.parametrize(
    ("path", "slug"),
    [
        ("/compounds/milnacipran/", "milnacipran"),
        ("/compounds/milnacipran.mol", None),
        ("/compounds/milnacipran/structure.svg", None),
        ("/compounds/", None),
        ("/compounds/milnacipran", None),
        ("/no/such/page/", None),
    ],
)
def test_only_compound_pages_take_the_early_path(path, slug):
    assert compound_page_slug(path) == slug


def test_the_early_path_follows_the_url_configuration_in_force(settings):
    compound_page_slug("/compounds/milnacipran/")
    settings.ROOT_URLCONF = "calculator.urls"  # a URLconf without the catalog
    assert compound_page_slug("/compounds/milnacipran/") is None


def canonical(response) -> str:
    return re.search(r'<link rel="canonical" href="([^"]+)"', response.text).group(1)


@pytest.mark.parametrize("junk", ["after=SPAM", "before=%C2%B2", "utm_source=x", "after=1e5"])
def test_junk_parameters_never_fill_the_cache_for_the_clean_list(client, compound, junk):
    client.get("/compounds/", QUERY_STRING=junk)
    response = client.get("/compounds/")
    assert (response["X-Page-Cache"], canonical(response)) == ("miss", "http://testserver/compounds/")


def test_junk_parameters_leave_the_canonical_link_clean(client, compound):
    assert canonical(client.get("/compounds/", QUERY_STRING="after=SPAM")) == "http://testserver/compounds/"


def test_junk_parameters_never_fill_the_cache_for_the_home_page(client, compound):
    client.get("/", QUERY_STRING="junk=1")
    assert client.get("/")["X-Page-Cache"] == "miss"
