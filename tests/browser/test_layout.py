"""The pages read on a phone (no sideways scrolling) and print without the site's chrome."""

import pytest

from tests.prodserver import production_server

pytestmark = pytest.mark.browser
PAGES = ["/", "/compounds/", "/compounds/?mw_max=500&ro5=1&sort=-year", "/compounds/milnacipran/", "/calculator/"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with production_server(tmp_path_factory.mktemp("layout")) as base:
        yield base


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_sideways_scrolling_on_a_phone(phone, server, path):
    phone.goto(server + path)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("path", ["/", "/compounds/", "/compounds/?q=serotonin", "/compounds/milnacipran/"])
def test_one_search_box_shows_on_a_phone(phone, server, path):
    phone.goto(server + path)
    assert phone.locator("input[type=search]:visible").count() == 1


def test_print_leaves_out_navigation_and_the_calculator(chromium, server):
    context = chromium.new_context()
    page = context.new_page()
    page.goto(server + "/compounds/milnacipran/")
    page.emulate_media(media="print")
    hidden = page.evaluate(
        "['.site-header', '.calculator-region', '.toc'].map(s => getComputedStyle(document.querySelector(s)).display)"
    )
    trial_table_shown = page.locator("table.trials").is_visible()
    context.close()
    assert (hidden, trial_table_shown) == (["none", "none", "none"], True)
