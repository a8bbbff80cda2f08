"""The structure search page in a real browser: the live drawing with htmx, and the plain form without JavaScript.

axe and the Nu Html Checker look at the page in tests/browser/test_quality.py (its PAGES list).
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 10_000


@pytest.fixture
def search_url(live_server):
    call_command("load_demo_catalog", verbosity=0)
    return f"{live_server.url}/compounds/structure/"


def test_typing_draws_the_query_without_a_page_load(js_page, search_url):
    page = js_page
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(search_url)
    assert page.evaluate("typeof window.htmx") == "object"
    page.evaluate("window.__sameDocument = true")
    page.locator("#structure-q").press_sequentially("c1ccccc1O")
    expect(page.locator("#query-preview figcaption")).to_have_text("Read as a SMILES: Oc1ccccc1.", timeout=TIMEOUT_MS)
    assert page.locator("#query-preview svg[role=img]").count() == 1
    assert page.evaluate("window.__sameDocument") is True
    assert [text for text in console if "Content Security Policy" in text] == []


def test_typing_an_unreadable_query_says_why(js_page, search_url):
    page = js_page
    page.goto(search_url)
    page.locator("#structure-q").press_sequentially("C1CC")
    expect(page.locator("#query-preview p.error")).to_contain_text("C1CC", timeout=TIMEOUT_MS)


def test_the_form_searches_without_javascript(no_js_page, search_url):
    page = no_js_page
    page.goto(search_url)
    page.locator("#structure-q").fill("CCN(CC)C(=O)C1(c2ccccc2)CC1CN")
    page.get_by_label("similar compounds (similarity)").check()
    page.locator("#structure-threshold").fill("0.9")
    page.get_by_role("button", name="Search", exact=True).last.click()
    names = page.locator(".structure-results .structure-card > a").all_inner_texts()
    assert names == ["Milnacipran", "Levomilnacipran", "Milnacipran Hydrochloride"]
    assert "mode=similarity" in page.url and "threshold=0.9" in page.url
