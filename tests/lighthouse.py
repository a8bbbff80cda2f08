"""Run Lighthouse (npm, test-only) against a URL with Debian's chromium; shared by the suite and bench/."""

from __future__ import annotations

import json
import os
import subprocess

from tests.prodserver import BASE_DIR

LIGHTHOUSE = BASE_DIR / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
KEY_PAGES = ("/compounds/milnacipran/", "/compounds/", "/calculator/")


def lighthouse_report(url: str) -> dict:
    """The full Lighthouse JSON report (default mobile profile, simulated throttling)."""
    for _attempt in range(3):
        result = _run_lighthouse(url)
        # Lighthouse sometimes fails to record a trace on a loaded machine (NO_NAVSTART); that says
        # nothing about the page, so it is tried again. Any other failure is reported at once.
        if result.returncode == 0 or "NO_NAVSTART" not in result.stderr:
            break
    if result.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}: {result.stderr[-2000:]}")
    return json.loads(result.stdout)


def _run_lighthouse(url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            "--quiet",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking",
            f"--only-categories={','.join(CATEGORIES)}",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
    )


def scores(report: dict) -> dict[str, float]:
    return {name: report["categories"][name]["score"] for name in CATEGORIES}


def failing_audits(report: dict) -> list[str]:
    """Weighted audits that lost points: what to look at when a score drops."""
    found = []
    for category in report["categories"].values():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
                found.append(f"{category['id']}/{ref['id']}: {audit['score']} {audit.get('displayValue', '')}")
    return found
