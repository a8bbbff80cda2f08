"""The health endpoint, the 503 for a database outage, and structured request logs."""

import json
import logging

import pytest
from bs4 import BeautifulSoup
from django.db import OperationalError
from django.test import Client

from ops.cache import ResilientRedisCache
from tests.ops.test_cache import closed_port


def test_healthz_reports_database_and_cache(client, db):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": "ok", "cache": "ok"})


def test_healthz_is_never_cached(client, db):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]


def test_healthz_stays_200_and_says_degraded_while_redis_is_down(client, db, monkeypatch):
    # Pages are still served without the cache, so the load balancer must keep this server.
    monkeypatch.setattr("ops.views.cache", ResilientRedisCache(f"redis://127.0.0.1:{closed_port()}/0", {}))
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (
        200,
        {"status": "degraded", "database": "ok", "cache": "unavailable"},
    )


class UnreachableDatabase:
    def cursor(self):
        raise OperationalError("connection refused")


def test_healthz_says_503_when_the_database_fails(client, db, monkeypatch):
    monkeypatch.setattr("ops.views.connection", UnreachableDatabase())
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (
        503,
        {"status": "unavailable", "database": "unavailable", "cache": "ok"},
    )


@pytest.mark.urls("tests.urls_raising")
def test_database_outage_is_a_friendly_503(client, db):
    client.raise_request_exception = False
    response = client.get("/database-down/")
    body = response.content.decode()
    assert (response.status_code, response["Retry-After"], "Back in a moment" in body, "5432" in body) == (
        503,
        "5",
        True,
        False,
    )


def test_each_request_is_logged_as_one_json_line(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="ops.requests"):
        response = client.get("/robots.txt", HTTP_X_REQUEST_ID="abc123")
    record = json.loads(caplog.records[-1].getMessage())
    assert ({k: record[k] for k in ("event", "id", "method", "path", "status", "htmx")}, response["X-Request-ID"]) == (
        {"event": "request", "id": "abc123", "method": "GET", "path": "/robots.txt", "status": 200, "htmx": False},
        "abc123",
    )


def test_favicon_ico_redirects_to_the_site_icon(client, db):
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/img/favicon.svg")


def test_admin_pages_link_the_site_icon(client, db, settings):
    response = client.get(f"/{settings.ADMIN_PATH}login/")
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in response.content.decode()


@pytest.fixture
def csrf_failure(db, settings):
    client = Client(enforce_csrf_checks=True)
    return client.post(f"/{settings.ADMIN_PATH}login/", {"username": "x", "password": "y"})


def test_a_csrf_failure_gets_our_own_page(csrf_failure):
    page = BeautifulSoup(csrf_failure.content.decode(), "html.parser")
    assert (csrf_failure.status_code, [t.name for t in csrf_failure.templates][:2], page.h1.get_text()) == (
        403,
        ["403_csrf.html", "_base.html"],
        "Your form was not sent",
    )


def test_the_csrf_failure_page_has_no_inline_style_and_no_word_of_settings(csrf_failure):
    page = BeautifulSoup(csrf_failure.content.decode(), "html.parser")
    assert (page.find_all("style"), page.find_all(style=True), "DEBUG" in page.get_text()) == ([], [], False)
