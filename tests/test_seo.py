"""What search engines and machines read: sitemaps, robots.txt, canonical links, Open Graph, JSON-LD."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from catalog.seo import CompoundSitemap, json_ld_script
from tests.factories import make_compound

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locations(response) -> list[str]:
    return [loc.text for loc in ET.fromstring(response.content).findall(".//sm:loc", NS)]


def test_sitemap_lists_every_compound_and_the_main_pages(client, db):
    make_compound(slug="alpha")
    make_compound(slug="beta")
    assert locations(client.get("/sitemap.xml")) == [
        "http://testserver/",
        "http://testserver/compounds/",
        "http://testserver/calculator/",
        "http://testserver/about/data/",
        "http://testserver/compounds/alpha/",
        "http://testserver/compounds/beta/",
    ]


def test_sitemap_becomes_an_index_past_the_per_file_limit(client, db, monkeypatch):
    monkeypatch.setattr(CompoundSitemap, "limit", 2)
    for n in range(3):
        make_compound(slug=f"c{n}")
    index = ET.fromstring(client.get("/sitemap.xml").content)
    assert (index.tag, locations(client.get("/sitemap.xml"))) == (
        "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex",
        [
            "http://testserver/sitemap-pages.xml",
            "http://testserver/sitemap-compounds.xml",
            "http://testserver/sitemap-compounds.xml?p=2",
        ],
    )


def test_sitemap_section_page_lists_its_share(client, db, monkeypatch):
    monkeypatch.setattr(CompoundSitemap, "limit", 2)
    for n in range(3):
        make_compound(slug=f"c{n}")
    assert locations(client.get("/sitemap-compounds.xml?p=2")) == ["http://testserver/compounds/c2/"]


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert (response["Content-Type"], response.text) == (
        "text/plain; charset=utf-8",
        "User-agent: *\nDisallow: /api/\nSitemap: http://testserver/sitemap.xml\n",
    )


@pytest.mark.parametrize("path", ["/sitemap.xml", "/robots.txt"])
def test_crawlers_may_ask_with_head(client, db, path):
    response = client.head(path)
    assert (response.status_code, response.content) == (200, b"")


def test_robots_txt_does_not_reveal_the_admin_path(client, db):
    assert "admin" not in client.get("/robots.txt").text


@pytest.mark.parametrize("path", ["/", "/compounds/", "/calculator/"])
def test_pages_have_canonical_link_and_open_graph(client, db, path):
    soup = BeautifulSoup(client.get(path).content, "html.parser")
    found = (
        soup.find("link", rel="canonical")["href"],
        soup.find("meta", property="og:url")["content"],
        bool(soup.find("meta", property="og:title")["content"]),
    )
    assert found == (f"http://testserver{path}", f"http://testserver{path}", True)


def test_a_later_list_page_is_its_own_canonical(client, db, settings):
    settings.CATALOG_PAGE_SIZE = 1
    first = make_compound()
    make_compound()
    soup = BeautifulSoup(client.get(f"/compounds/?after={first.pk}").content, "html.parser")
    assert soup.find("link", rel="canonical")["href"] == f"http://testserver/compounds/?after={first.pk}"


@pytest.mark.parametrize("path", ["/", "/compounds/", "/calculator/"])
def test_each_page_has_its_own_title_and_description(client, db, path):
    soup = BeautifulSoup(client.get(path).content, "html.parser")
    assert (bool(soup.title.string.strip()), bool(soup.find("meta", attrs={"name": "description"})["content"])) == (
        True,
        True,
    )


def test_titles_differ_between_pages(client, db):
    titles = {
        BeautifulSoup(client.get(p).content, "html.parser").title.string for p in ["/", "/compounds/", "/calculator/"]
    }
    assert len(titles) == 3


def test_json_ld_cannot_end_its_script_block_early():
    html = json_ld_script({"name": "</script><script>alert(1)</script><!--"})
    body = re.fullmatch(r'<script type="application/ld\+json">(.*)</script>', html).group(1)
    assert ("<" in body, json.loads(body)["name"]) == (False, "</script><script>alert(1)</script><!--")


@pytest.fixture
def milnacipran_json_ld(client, demo_catalog) -> dict:
    soup = BeautifulSoup(client.get("/compounds/milnacipran/").content, "html.parser")
    return json.loads(soup.find("script", type="application/ld+json").string)


def test_compound_page_json_ld_describes_the_product(milnacipran_json_ld):
    product = milnacipran_json_ld["@graph"][0]
    assert (product["@type"], product["name"], product["sku"], product["about"]) == (
        "Product",
        "Milnacipran",
        "VC0006221",
        {"@id": "http://testserver/compounds/milnacipran/#substance"},
    )


def test_compound_page_json_ld_describes_the_chemical(milnacipran_json_ld, demo_entries):
    seed = demo_entries["VC0006221"]
    substance = milnacipran_json_ld["@graph"][1]
    assert substance == {
        "@type": "MolecularEntity",
        "@id": "http://testserver/compounds/milnacipran/#substance",
        "name": "Milnacipran",
        "url": "http://testserver/compounds/milnacipran/",
        "molecularFormula": seed["molecular_formula"],
        "molecularWeight": {"@type": "QuantitativeValue", "value": 246.35, "unitText": "g/mol"},
        "image": "http://testserver/compounds/milnacipran/structure.svg",
        "iupacName": seed["iupac_name"],
        "inChI": seed["inchi"],
        "inChIKey": seed["inchikey"],
        "smiles": seed["isomeric_smiles"],
        "identifier": {"@type": "PropertyValue", "propertyID": "CAS", "value": seed["cas_number"]},
        # RDKit's, as tests/catalog/test_chemistry.py checks it.
        "monoisotopicMolecularWeight": {"@type": "QuantitativeValue", "value": 246.1732, "unitText": "Da"},
    }


def test_compound_page_has_open_graph_product_tags(client, demo_catalog):
    soup = BeautifulSoup(client.get("/compounds/milnacipran/").content, "html.parser")
    tags = {p: soup.find("meta", property=p)["content"] for p in ("og:type", "og:title", "og:image")}
    assert tags == {
        "og:type": "product",
        "og:title": "Milnacipran",
        "og:image": "http://testserver/compounds/milnacipran/structure.svg",
    }


def test_compound_page_description_names_cas_and_catalog_number(client, demo_catalog):
    soup = BeautifulSoup(client.get("/compounds/milnacipran/").content, "html.parser")
    description = soup.find("meta", attrs={"name": "description"})["content"]
    assert description.startswith("Milnacipran, CAS 96847-55-1, catalog number VC0006221: C15H22N2O, 246.35 g/mol.")
