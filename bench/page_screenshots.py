"""Screenshots of milnacipran's public page at 1366 and 390 px, for people to look at and compare.

Writes bench/results/compound-page-{1366,390}.png (the whole page) and compound-page-{1366,390}-first-screen.png
(what shows before any scrolling: 1366×900 and 390×844), with a calculation filled in so the solved field and
the answer show. Run: .venv/bin/python bench/page_screenshots.py (needs /usr/bin/chromium)
"""

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.prodserver import production_server

RESULTS = Path(__file__).parent / "results"
PAGE = "/compounds/milnacipran/?solve=mass&concentration=10&concentration_unit=mM&volume=1&volume_unit=mL&purity=100"
SCREENS = {1366: 900, 390: 844}


def main() -> None:
    with production_server(Path(tempfile.mkdtemp())) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for width, height in SCREENS.items():
            phone = width < 500
            context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone)
            page = context.new_page()
            page.goto(base + PAGE)
            page.evaluate("window.scrollTo(0, 0)")  # the address ends in #calculator
            page.screenshot(path=RESULTS / f"compound-page-{width}-first-screen.png")
            page.screenshot(path=RESULTS / f"compound-page-{width}.png", full_page=True)
            size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            print(f"{width} px: page {size[0]} × {size[1]} px", flush=True)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
