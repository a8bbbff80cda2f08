"""Staff edit trial rows on the compound's own admin page, in a real browser under the production CSP.

Against the production-style server (gunicorn, production settings and CSP, hashed static files) with
the demo catalog and one superuser.
"""

import pytest

from tests.browser.admin_session import TRIAL_ROWS as ROWS
from tests.browser.admin_session import server_with_an_editor, signed_in_on_milnacipran

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with server_with_an_editor(tmp_path_factory.mktemp("admin")) as base:
        yield base


@pytest.fixture
def admin_page(chromium, server):
    """Signed in, on milnacipran's change page, 1366 px wide."""
    page, context = signed_in_on_milnacipran(chromium, server, 1366)
    yield page
    context.close()


def public_studies(page, server) -> list[str]:
    page.goto(server + "/compounds/milnacipran/")
    return page.locator("table.trials").first.locator("tbody th").all_inner_texts()


def studies_in_the_form(page) -> list[str]:
    return page.locator(f"{ROWS} tbody.djn-item input[name$='-study']").evaluate_all(
        "inputs => inputs.map(i => i.value)"
    )


def save_and_continue(page) -> str:
    page.click("input[name=_continue]")
    return page.locator(".messagelist li").first.inner_text()


def test_a_trial_row_edited_on_the_compound_page_shows_on_the_public_page(admin_page, server):
    admin_page.fill(f"{ROWS} input[name='trial_tables-0-rows-0-study']", "Phase II (edited in the admin)")
    message = save_and_continue(admin_page)
    assert (message.startswith("The compound “Milnacipran"), public_studies(admin_page, server)[0]) == (
        True,
        "Phase II (edited in the admin)",
    )


def test_every_trial_row_column_is_in_view_at_1366_px_without_scrolling_sideways(admin_page):
    right_edges = admin_page.locator(f"{ROWS} thead th").evaluate_all(
        "cells => cells.map(cell => cell.getBoundingClientRect().right)"
    )
    page_width = admin_page.evaluate("document.documentElement.scrollWidth")
    assert (page_width, max(right_edges) <= 1366) == (1366, True)


def test_on_a_phone_the_page_does_not_scroll_sideways_and_each_row_field_is_labelled(chromium, server):
    page, context = signed_in_on_milnacipran(chromium, server, 390)
    width = page.evaluate("document.documentElement.scrollWidth")
    label = page.locator(f"{ROWS} label[for='id_trial_tables-0-rows-0-p_value']")
    shown = (width, label.inner_text(), label.is_visible())
    context.close()
    assert shown == (390, "P value", True)


def test_dragging_a_row_to_the_top_reorders_the_rows_and_the_public_page(admin_page, server):
    before = studies_in_the_form(admin_page)
    admin_page.locator(ROWS).scroll_into_view_if_needed()
    handles = admin_page.locator(f"{ROWS} tbody.djn-item .djn-drag-handler")
    start, top = handles.nth(2).bounding_box(), handles.nth(0).bounding_box()
    admin_page.mouse.move(start["x"] + 5, start["y"] + 5)
    admin_page.mouse.down()
    admin_page.mouse.move(start["x"] + 5, start["y"] - 10, steps=5)
    admin_page.mouse.move(top["x"] + 5, top["y"] - 5, steps=20)
    admin_page.mouse.up()
    save_and_continue(admin_page)
    expected = [before[2], before[0], before[1]]
    assert (studies_in_the_form(admin_page), public_studies(admin_page, server)[:3]) == (expected, expected)


def test_adding_and_dragging_rows_breaks_no_rule_of_the_csp(admin_page):
    admin_page.click(f"{ROWS} a.djn-add-handler")
    admin_page.locator(ROWS).scroll_into_view_if_needed()
    handle = admin_page.locator(f"{ROWS} tbody.djn-item .djn-drag-handler").first.bounding_box()
    admin_page.mouse.move(handle["x"] + 5, handle["y"] + 5)
    admin_page.mouse.down()
    admin_page.mouse.move(handle["x"] + 5, handle["y"] + 80, steps=10)
    admin_page.mouse.up()
    rows = admin_page.locator(f"{ROWS} tbody.djn-item").count()
    assert (rows, admin_page.evaluate("window.cspViolations")) == (4, [])
