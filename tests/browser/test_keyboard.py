"""A calculation on the compound page with the keyboard alone."""

import pytest
from playwright.sync_api import expect

from tests.prodserver import production_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with production_server(tmp_path_factory.mktemp("keyboard")) as base:
        yield base


def tab_to(page, element_id: str, limit: int = 150) -> int:
    """Press Tab until the element has focus; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return presses
    raise AssertionError(f"#{element_id} never received focus by Tab")


def test_keyboard_alone_completes_a_calculation(chromium, server):
    context = chromium.new_context()
    page = context.new_page()
    page.goto(server + "/compounds/milnacipran/")
    tab_to(page, "calc-concentration")
    page.keyboard.type("10")
    tab_to(page, "calc-volume")
    page.keyboard.type("1")
    page.keyboard.press("Enter")
    expect(page.locator("#calc-result")).to_contain_text("Weigh 2.464 mg", timeout=10_000)
    context.close()


def test_skip_link_is_the_first_stop_and_leads_to_the_content(chromium, server):
    context = chromium.new_context()
    page = context.new_page()
    page.goto(server + "/compounds/milnacipran/")
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.textContent.trim()")
    page.keyboard.press("Enter")
    assert (first, page.url.endswith("#main")) == ("Skip to content", True)
    context.close()
