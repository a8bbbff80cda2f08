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


def test_list_page_two_is_its_own_canonical(client, db, settings):
    settings.CATALOG_PAGE_SIZE = 1
    make_compound()
    make_compound()
    soup = BeautifulSoup(client.get("/compounds/?page=2").content, "html.parser")
    assert soup.find("link", rel="canonical")["href"] == "http://testserver/compounds/?page=2"


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
