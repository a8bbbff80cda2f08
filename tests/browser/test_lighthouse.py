"""Lighthouse scores at least 0.95 in every category on the key pages, served production-style."""

import os

import pytest

from tests.lighthouse import KEY_PAGES, LIGHTHOUSE, failing_audits, lighthouse_report, scores
from tests.prodserver import production_server

pytestmark = pytest.mark.browser
THRESHOLD = 0.95


@pytest.fixture(scope="module")
def server(tmp_path_factory, chromium):  # chromium: skip or fail exactly as the other browser tests
    if not LIGHTHOUSE.exists():
        reason = f"lighthouse is missing at {LIGHTHOUSE} (run `npm ci`)"
        if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    with production_server(tmp_path_factory.mktemp("lighthouse")) as base:
        yield base


@pytest.mark.parametrize("path", KEY_PAGES)
def test_lighthouse_scores_meet_the_bar(server, path):
    report = lighthouse_report(server + path)
    below = {name: score for name, score in scores(report).items() if score is None or score < THRESHOLD}
    assert below == {}, failing_audits(report)
