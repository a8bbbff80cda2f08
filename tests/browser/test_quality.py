"""Quality checked by tools nobody here wrote: axe-core (accessibility) and the Nu Html Checker.

Both run against the production-style server (gunicorn, production settings, hashed static files)
with the demo catalog. The tools come from package.json (`npm ci`); without them these tests skip,
unless REQUIRE_BROWSER_TESTS=1 (CI), where they fail.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.prodserver import BASE_DIR, fetch, production_server

pytestmark = pytest.mark.browser

AXE = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
VNU = BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CALCULATION = "solve=mass&concentration=10&concentration_unit=mM&volume=1&volume_unit=mL&mw=246.35"
PAGES = {
    "home": "/",
    "list": "/compounds/",
    "search": "/compounds/?q=milna",
    "list with filters": "/compounds/?mw_min=200&mw_max=500&ro5=1&sort=-year",
    "list with an unreadable filter": "/compounds/?mw_min=abc",
    "search found in the text": "/compounds/?q=serotonin",
    "search without results": "/compounds/?q=milnacipram",
    "compound": "/compounds/milnacipran/",
    "structure search": "/compounds/structure/?q=c1ccccc1&mode=substructure",
    "structure search, bad query": "/compounds/structure/?q=C1CC&mode=similarity",
    "compound with a result": f"/compounds/milnacipran/?{CALCULATION}",
    "calculator with a result": f"/calculator/?{CALCULATION}",
    "calculator with field errors": (
        "/calculator/?solve=mass&concentration=-1&concentration_unit=mM&volume=abc&volume_unit=mL&mw=246.35"
    ),
    "admin login": "/admin/login/",
}


def require(path: Path, what: str) -> None:
    if path.exists():
        return
    reason = f"{what} is missing at {path} (run `npm ci`)"
    if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with production_server(tmp_path_factory.mktemp("quality")) as base:
        yield base


# WCAG 2.2 AA, at a desktop's and a phone's width (issue 16): the pages a lab scientist uses.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WCAG_PAGES = {
    "compound": "/compounds/milnacipran/",
    "compound with a result": f"/compounds/milnacipran/?{CALCULATION}",
    "list": "/compounds/",
    "search": "/compounds/?q=milna",
    "calculator": "/calculator/",
    "dilution calculator": "/calculator/dilution/",
}


def axe_violations(chromium, url: str, *, width: int = 1280, tags: list[str] | None = None) -> list[str]:
    """axe-core's violations on the page, as "rule: targets"; all its default rules, or only those with ``tags``."""
    require(AXE, "axe-core")
    # bypass_csp lets axe's own script run; the page is unchanged.
    context = chromium.new_context(bypass_csp=True, viewport={"width": width, "height": 900}, is_mobile=width < 500)
    page = context.new_page()
    page.goto(url)
    page.add_script_tag(path=str(AXE))
    options = {"runOnly": {"type": "tag", "values": tags}} if tags else {}
    violations = page.evaluate(
        "async (options) => (await axe.run(document, options)).violations"
        ".map(v => `${v.id}: ${v.nodes.map(n => n.target).join(' ')}`)",
        options,
    )
    context.close()
    return violations


@pytest.mark.parametrize("page_name", PAGES)
def test_axe_finds_no_violations(chromium, server, page_name):
    assert axe_violations(chromium, server + PAGES[page_name]) == []


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("page_name", WCAG_PAGES)
def test_axe_finds_nothing_against_wcag_2_2_aa_at_desktop_and_phone_widths(chromium, server, page_name, width):
    assert axe_violations(chromium, server + WCAG_PAGES[page_name], width=width, tags=WCAG_22_AA) == []


def test_nu_html_checker_finds_no_errors(tmp_path, server):
    require(VNU, "vnu-jar")
    if not shutil.which("java"):
        pytest.fail("java is needed for the Nu Html Checker")
    files = {}
    for name, path in PAGES.items():
        _, _, body = fetch(server + path)  # the page with field errors is, rightly, a 400
        file = tmp_path / (name.replace(" ", "-") + ".html")
        file.write_bytes(body)
        files[str(file)] = name
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=180,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: {m['message']}" for m in messages]
    assert errors == []
