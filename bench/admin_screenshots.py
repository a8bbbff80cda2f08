"""Screenshots of milnacipran's admin change page at 1366 and 390 px, for people to look at.

Writes bench/results/admin-compound-change-{1366,390}.png (the whole page) and admin-trial-tables-*.png
(the trial tables with their rows). Run: .venv/bin/python bench/admin_screenshots.py (needs /usr/bin/chromium)
"""

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright

from tests.browser.admin_session import server_with_an_editor, signed_in_on_milnacipran
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

RESULTS = Path(__file__).parent / "results"


def main() -> None:
    with server_with_an_editor(Path(tempfile.mkdtemp())) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for width in (1366, 390):
            page, context = signed_in_on_milnacipran(browser, base, width)
            page.screenshot(path=RESULTS / f"admin-compound-change-{width}.png", full_page=True)
            page.locator("#trial_tables-group").screenshot(path=RESULTS / f"admin-trial-tables-{width}.png")
            print(f"{width} px: page {page.evaluate('document.documentElement.scrollWidth')} px wide", flush=True)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
