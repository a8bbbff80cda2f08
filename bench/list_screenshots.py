"""Screenshots of the list, filters and word search at 1366 and 390 px wide, on the production server with the
demo catalog (what a reviewer compares against). Writes bench/results/list-*.png.

    .venv/bin/python bench/list_screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright

from tests.prodserver import production_server

RESULTS = Path(__file__).parent / "results"
PAGES = {
    "list": "/compounds/",
    "list-filtered": "/compounds/?mw_min=200&mw_max=500&ro5=1&sort=-year",
    "search-text": "/compounds/?q=serotonin",
    "search-no-results": "/compounds/?q=milnacipram",
    "home": "/",
}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir, production_server(Path(workdir)) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for width in (1366, 390):
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            for name, path in PAGES.items():
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                wide = page.evaluate(
                    "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
                    " > document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className)"
                )
                if wide:
                    print(f"{name} at {width}px: wider than the screen: {wide}")
                out = RESULTS / f"list-{name}-{width}.png"
                page.screenshot(path=str(out), full_page=False)
                print(f"wrote {out}")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
