"""Breadcrumbs on compound pages, shown and in the JSON-LD (issue 16, point 5)."""

import json

from bs4 import BeautifulSoup

from tests.factories import make_compound


def test_compound_page_shows_home_compounds_and_its_name(client, db):
    make_compound(name="Milnacipran", slug="milnacipran")
    soup = BeautifulSoup(client.get("/compounds/milnacipran/").content, "html.parser")
    links = soup.select("nav[aria-label=Breadcrumb] a")
    assert [(a.get_text(strip=True), a["href"], a.get("aria-current")) for a in links] == [
        ("Home", "/", None),
        ("Compounds", "/compounds/", None),
        ("Milnacipran", "/compounds/milnacipran/", "page"),
    ]


def test_compound_page_json_ld_has_the_same_trail(client, db):
    make_compound(name="Milnacipran", slug="milnacipran")
    soup = BeautifulSoup(client.get("/compounds/milnacipran/").content, "html.parser")
    graph = json.loads(soup.select_one('script[type="application/ld+json"]').string)["@graph"]
    trail = next(node for node in graph if node["@type"] == "BreadcrumbList")["itemListElement"]
    assert [(item["position"], item["name"], item["item"]) for item in trail] == [
        (1, "Home", "http://testserver/"),
        (2, "Compounds", "http://testserver/compounds/"),
        (3, "Milnacipran", "http://testserver/compounds/milnacipran/"),
    ]
