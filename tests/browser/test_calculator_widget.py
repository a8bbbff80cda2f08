"""The widget on the demo milnacipran page, in a real browser, with and without JavaScript.

The site sends a strict CSP (no eval), so waits use Playwright's locator assertions, not wait_for_function.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 10_000


@pytest.fixture
def milnacipran_url(live_server):
    call_command("load_demo_catalog", verbosity=0)
    return f"{live_server.url}/compounds/milnacipran/"


def result_text(page) -> str:
    return page.locator("#calc-result").inner_text()


def test_typing_updates_the_result_without_a_page_load(js_page, milnacipran_url):
    page = js_page
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(milnacipran_url)
    assert page.evaluate("typeof window.htmx") == "object"
    page.evaluate("window.__sameDocument = true")

    page.locator("#calc-concentration").press_sequentially("10")
    page.locator("#calc-volume").press_sequentially("1")
    expect(page.locator("#calc-result")).to_contain_text("Weigh 2.464 mg", timeout=TIMEOUT_MS)

    assert page.evaluate("window.__sameDocument") is True  # no page load happened
    assert "246.35 g/mol (Milnacipran, free base)" in result_text(page)
    page.wait_for_url(re.compile(r"/compounds/milnacipran/\?.*concentration=10"), timeout=TIMEOUT_MS)
    assert [text for text in console if "Content Security Policy" in text] == []


def test_changing_the_form_in_the_vial_changes_the_result(js_page, milnacipran_url):
    page = js_page
    page.goto(milnacipran_url)
    assert page.evaluate("typeof window.htmx") == "object"
    page.locator("#calc-concentration").fill("10")
    page.locator("#calc-volume").fill("1")
    expect(page.locator("#calc-result")).to_contain_text("2.464 mg", timeout=TIMEOUT_MS)
    page.get_by_label("Milnacipran Hydrochloride").check()
    # 10 mM × 1 mL × 282.815 g/mol (C15H23ClN2O) = 2.828 mg
    expect(page.locator("#calc-result")).to_contain_text("Weigh 2.828 mg", timeout=TIMEOUT_MS)
    assert "Milnacipran Hydrochloride" in result_text(page)


def test_a_typing_error_appears_on_its_field(js_page, milnacipran_url):
    page = js_page
    page.goto(milnacipran_url)
    assert page.evaluate("typeof window.htmx") == "object"
    page.locator("#calc-volume").fill("1")
    page.locator("#calc-concentration").press_sequentially("2,5")
    error = page.locator("#calc-concentration-error")
    error.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert error.inner_text().startswith("Use a decimal point, not a comma")


def test_without_javascript_the_form_submits_and_the_page_shows_the_result(no_js_page, milnacipran_url):
    page = no_js_page
    page.goto(milnacipran_url)
    page.locator("#calc-concentration").fill("10")
    page.locator("#calc-volume").fill("1")
    page.locator("#calc-volume").press("Enter")  # keyboard only
    page.wait_for_url(re.compile(r"/compounds/milnacipran/\?.*volume=1.*#calculator"), timeout=TIMEOUT_MS)
    assert "Weigh 2.464 mg and bring to a final volume of 1 mL" in result_text(page)


def test_without_javascript_a_bad_number_gets_a_message(no_js_page, milnacipran_url):
    page = no_js_page
    page.goto(milnacipran_url)
    page.locator("#calc-concentration").fill("-3")
    page.locator("#calc-volume").fill("1")
    page.get_by_role("button", name="Calculate").click()
    page.wait_for_url(re.compile(r"concentration=-3"), timeout=TIMEOUT_MS)
    assert page.locator("#calc-concentration-error").inner_text() == "Enter a number greater than zero."
