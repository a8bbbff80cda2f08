"""The compound page as a lab scientist uses it, on the production-style server, at 1366 and 390 px.

The calculator within reach, history that does not grow while typing, copy buttons that copy the exact
identifiers, tables and controls that fit a phone, and tap targets of at least 24 × 24 CSS px. The site
sends a strict CSP (no eval), so waits use Playwright's locator assertions, not wait_for_function.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.prodserver import production_server

pytestmark = pytest.mark.browser

PAGE = "/compounds/milnacipran/"
TIMEOUT_MS = 10_000
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
# A 390 px phone with its on-screen keyboard open: about 450 px of the page stay in view.
PHONE_WITH_KEYBOARD = {**PHONE, "viewport": {"width": 390, "height": 450}}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with production_server(tmp_path_factory.mktemp("compound-page")) as base:
        yield base


@pytest.fixture
def open_page(chromium, server):
    """open_page(path, **context options) -> a page on the server; its context is closed afterwards."""
    contexts = []

    def opener(path: str, **options):
        context = chromium.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.goto(server + path)
        return page

    yield opener
    for context in contexts:
        context.close()


def box(locator) -> dict:
    return locator.bounding_box()


def in_viewport(page, locator) -> bool:
    area, height, width = box(locator), page.viewport_size["height"], page.viewport_size["width"]
    return area["y"] >= 0 and area["y"] + area["height"] <= height and area["x"] + area["width"] <= width


# 1. The calculator within reach -----------------------------------------------------------------------


def test_on_a_1366_by_900_screen_the_calculators_first_input_is_on_the_first_screen(open_page):
    page = open_page(PAGE, **DESKTOP)
    first_input = page.locator("#calculator input").first
    assert (first_input.get_attribute("id"), in_viewport(page, first_input)) == ("calc-solve-mass", True)


def test_the_calculator_panel_stays_in_view_while_the_page_scrolls(open_page):
    page = open_page(PAGE, **DESKTOP)
    page.locator("#sources").scroll_into_view_if_needed()
    assert in_viewport(page, page.locator("#calc-solve-mass"))


def test_on_a_phone_a_link_on_the_first_screen_jumps_to_the_calculator(open_page):
    page = open_page(PAGE, **PHONE)
    jump = page.get_by_role("link", name="Go to the calculator")
    assert in_viewport(page, jump)
    jump.click()
    page.wait_for_url(re.compile(r"#calculator$"), timeout=TIMEOUT_MS)
    assert in_viewport(page, page.locator("#calc-solve-mass"))


def test_on_a_phone_the_answer_shows_in_the_solved_field_in_view_with_the_keyboard_open(open_page):
    page = open_page(PAGE, **PHONE_WITH_KEYBOARD)
    page.get_by_role("link", name="Go to the calculator").click()
    page.locator("#calc-volume").press_sequentially("1")
    page.locator("#calc-concentration").press_sequentially("10")
    solved = page.locator("#calc-mass-solved")
    expect(solved).to_have_text("2.464 mg", timeout=TIMEOUT_MS)
    assert (in_viewport(page, solved), in_viewport(page, page.locator("#calc-concentration"))) == (True, True)


def test_five_edits_leave_one_history_entry_so_one_back_leaves_the_page(open_page, server):
    page = open_page("/compounds/", **DESKTOP)
    page.goto(server + PAGE)
    page.locator("#calc-concentration").fill("10")
    for volume in range(1, 6):
        page.locator("#calc-volume").fill(str(volume))
        page.wait_for_url(re.compile(rf"\?.*volume={volume}&.*#calculator$"), timeout=TIMEOUT_MS)
    page.go_back()
    page.wait_for_url(server + "/compounds/", timeout=TIMEOUT_MS)
    assert page.url == server + "/compounds/"


def test_the_widget_waits_150_ms_after_typing(open_page):
    page = open_page(PAGE, **DESKTOP)
    assert page.locator("#calculator form").get_attribute("data-hx-trigger").startswith("input delay:150ms")


# 3. Phone layout -----------------------------------------------------------------------------------------


def test_on_a_phone_every_trial_number_is_in_view_without_scrolling_sideways(open_page):
    page = open_page(PAGE, **PHONE)
    cells = page.locator("table.trials td")
    rights = [box(cells.nth(i))["x"] + box(cells.nth(i))["width"] for i in range(cells.count())]
    assert (len(rights), max(rights) <= 390) == (12, True)


def test_on_a_phone_a_stock_volume_and_its_unit_are_on_one_line(open_page):
    page = open_page(PAGE, **PHONE)
    lines = page.locator(".calc-table td").evaluate_all(
        "cells => cells.map(cell => { const r = document.createRange(); r.selectNodeContents(cell);"
        " return new Set([...r.getClientRects()].map(rect => Math.round(rect.top))).size; })"
    )
    assert (len(lines), set(lines)) == (12, {1})


def test_on_a_phone_no_calculator_control_is_clipped(open_page):
    page = open_page(PAGE, **PHONE)
    controls = page.locator("#calculator :is(input, select, button, label):not(.calc-visually-hidden):visible")
    clipped = controls.evaluate_all(
        "els => els.filter(e => { const r = e.getBoundingClientRect(), f = e.closest('fieldset, form')"
        ".getBoundingClientRect(); return r.left < f.left || r.right > f.right || e.scrollWidth > e.clientWidth + 1; })"
        ".map(e => e.id || e.textContent.trim())"
    )
    assert (controls.count() > 10, clipped) == (True, [])


@pytest.mark.parametrize(
    "selector",
    [
        ".structure-downloads a",
        "#calculator input[type=radio]",
        ".toc a",
        ".copy-button",
        "nav[aria-label=Main] a",
        ".jump-to-calculator a",
        ".checks-details summary",
    ],
)
def test_on_a_phone_tap_targets_are_at_least_24_px(open_page, selector):
    page = open_page(PAGE, **PHONE)
    targets = page.locator(selector)
    sizes = [box(targets.nth(i)) for i in range(targets.count())]
    small = [(round(s["width"]), round(s["height"])) for s in sizes if s["width"] < 24 or s["height"] < 24]
    assert (len(sizes) > 0, small) == (True, [])


# 4. Identifiers you can use ------------------------------------------------------------------------------


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["1366", "390"])
def test_copy_buttons_copy_the_exact_identifier_and_say_so(open_page, milnacipran_copyable, device):
    page = open_page(PAGE, **device, permissions=["clipboard-read", "clipboard-write"])
    expected = milnacipran_copyable
    copied = {}
    for label in expected:
        page.get_by_role("button", name=f"Copy {label}", exact=True).click()
        expect(page.get_by_role("status").filter(has_text=f"Copied {label}")).to_be_visible(timeout=TIMEOUT_MS)
        copied[label] = page.evaluate("navigator.clipboard.readText()")
    assert copied == expected


def test_on_a_phone_a_long_inchi_wraps_between_tokens_only(open_page):
    page = open_page(PAGE, **PHONE)
    ends = page.locator(".copyable[data-copy-label=InChI]").evaluate(
        "el => { const range = document.createRange(); let top = null, previous = '', ends = [];"
        " for (const node of el.childNodes) { if (node.nodeType !== Node.TEXT_NODE) continue;"
        " for (let i = 0; i < node.length; i++) { range.setStart(node, i); range.setEnd(node, i + 1);"
        " const line = Math.round(range.getBoundingClientRect().top);"
        " if (top !== null && line > top) ends.push(previous); top = line; previous = node.data[i]; } }"
        " return ends; }"
    )
    # Each line but the last ends at a separator (/ , ) where <wbr> allows a break, or a hyphen between atom
    # numbers, where the browser breaks anyway), never inside a number or an atom symbol.
    assert (len(ends) >= 2, [end for end in ends if end.isalnum()]) == (True, [])
