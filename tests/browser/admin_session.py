"""The production-style server with one editor, and a browser page signed in on milnacipran's admin page.

Shared by tests/browser/test_admin.py and bench/admin_screenshots.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.prodserver import manage, production_env, production_server

EDITOR, PASSWORD = "editor", "a-long-browser-test-password"
TRIAL_ROWS = "#trial_tables-0-rows-group"
# Recorded from the first script on, so a violation while the page loads counts too.
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@contextmanager
def server_with_an_editor(workdir: Path) -> Iterator[str]:
    """The production-style server on the demo catalog, with the superuser EDITOR; yields its base URL."""
    with production_server(workdir) as base:
        editor = {"DJANGO_SUPERUSER_USERNAME": EDITOR, "DJANGO_SUPERUSER_EMAIL": f"{EDITOR}@example.com"}
        manage(
            {**production_env(workdir), **editor, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}, "createsuperuser", "--noinput"
        )
        yield base


def signed_in_on_milnacipran(browser, base: str, width: int):
    """A page ``width`` px wide, signed in, on milnacipran's change page; and its context, to close."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.goto(base + "/admin/login/")
    page.fill("#id_username", EDITOR)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(base + "/admin/catalog/compound/?q=VC0006221")
    page.click("th.field-name a")
    page.locator(TRIAL_ROWS).wait_for()
    return page, context
