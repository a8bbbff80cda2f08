"""The production-style server (`make serve`): gunicorn, production settings, WhiteNoise static files."""

import re

import pytest

from tests.prodserver import fetch, production_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with production_server(tmp_path_factory.mktemp("prod"), demo=False) as base:
        yield base


@pytest.fixture(scope="module")
def stylesheet_url(server) -> str:
    _, _, body = fetch(server + "/")
    return server + re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body).group(1).decode()


def test_pages_link_hashed_static_files(stylesheet_url):
    assert re.search(r"/static/css/site\.[0-9a-f]{12}\.css$", stylesheet_url)


def test_hashed_static_files_are_cached_for_years(stylesheet_url):
    _, headers, _ = fetch(stylesheet_url)
    assert headers["Cache-Control"] == "max-age=315360000, public, immutable"


def test_static_files_are_served_compressed(stylesheet_url):
    _, headers, _ = fetch(stylesheet_url, {"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"


def test_not_found_is_the_friendly_page_without_details(server):
    status, _, body = fetch(server + "/compounds/missing/")
    assert (status, b"We could not find that page" in body, b"Traceback" in body) == (404, True, False)


def test_hsts_is_sent_on_https_requests(server):
    _, headers, _ = fetch(server + "/robots.txt", {"X-Forwarded-Proto": "https"})
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_unknown_host_is_refused(server):
    status, _, body = fetch(server + "/", {"Host": "evil.example"})
    assert (status, b"evil.example" in body) == (400, False)
