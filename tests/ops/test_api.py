"""JSON APIs answer JSON for every status the app produces, and say which methods they take."""

import pytest
from django.test import Client

MOLARITY = "/api/calculator/molarity"
DILUTION = "/api/calculator/dilution?solve=v1&c1=10&c1_unit=mM&c2=10&c2_unit=µM&v2=1&v2_unit=mL"
QUERY = "solve=mass&concentration=10&concentration_unit=mM&volume=1&volume_unit=mL&mw=246.35"
ALLOW = "GET, HEAD, OPTIONS"


def answer(response) -> tuple:
    return response.status_code, response["Content-Type"], response.json()


def json_error(status: int, message: str) -> tuple:
    """What ``answer`` gives for an error about the request as a whole."""
    return status, "application/json", {"errors": {"__all__": [message]}}


@pytest.fixture
def api(db):
    return Client(raise_request_exception=False)


# 404 --------------------------------------------------------------------------------------------------


def test_a_trailing_slash_is_a_json_404_naming_the_right_url(api):
    assert answer(api.get(f"{MOLARITY}/")) == json_error(
        404, "There is no API at /api/calculator/molarity/; did you mean /api/calculator/molarity?"
    )


def test_an_unknown_api_path_is_a_json_404(api):
    assert answer(api.get("/api/calculator/nothing")) == json_error(404, "There is no API at /api/calculator/nothing.")


@pytest.mark.urls("tests.ops.urls_api_errors")
def test_an_api_views_own_404_keeps_its_message(api):
    assert answer(api.get("/api/test/missing")) == json_error(404, "No such widget.")


def test_a_page_that_is_not_an_api_is_still_an_html_404(api):
    response = api.get("/calculator/nothing/")
    assert (response.status_code, response["Content-Type"]) == (404, "text/html; charset=utf-8")


# 405, HEAD and OPTIONS --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_a_method_other_than_get_is_a_json_405_with_allow_not_a_csrf_failure(db, method):
    response = getattr(Client(enforce_csrf_checks=True), method)(MOLARITY)
    expected = json_error(405, f"{method.upper()} is not allowed here; use GET.")
    assert (*answer(response), response["Allow"]) == (*expected, ALLOW)


def test_options_lists_the_methods(api):
    response = api.options(MOLARITY)
    assert (response.status_code, response["Allow"], response.content) == (204, ALLOW, b"")


@pytest.mark.parametrize("url", [f"{MOLARITY}?{QUERY}", DILUTION])
def test_head_is_answered_like_get_without_a_body(api, url):
    response = api.head(url)
    assert (response.status_code, response["Content-Type"], response.content) == (200, "application/json", b"")


# 400 --------------------------------------------------------------------------------------------------


def test_a_host_not_ours_is_a_json_400(api):
    response = api.get(f"{MOLARITY}?{QUERY}", HTTP_HOST="evil.example")
    assert answer(response) == json_error(400, "This server does not answer to the host name in the request.")


def test_a_host_not_ours_is_still_an_html_400_for_a_page(api):
    response = api.get("/calculator/", HTTP_HOST="evil.example")
    assert (response.status_code, response["Content-Type"]) == (400, "text/html; charset=utf-8")


def test_an_overlong_query_string_is_a_json_400_that_says_so(api):
    response = api.get(f"{MOLARITY}?{QUERY}&padding={'x' * 9000}")
    length = len(QUERY) + len("&padding=") + 9000
    expected = f"The query string is {length:,} characters long; the API reads at most 8,192."
    assert answer(response) == json_error(400, expected)


def test_too_many_parameters_is_a_json_400(api):
    query = "&".join(f"p{i}=1" for i in range(1001))
    assert answer(api.get(f"{MOLARITY}?{query}")) == json_error(400, "The request has too many parameters.")


# 403 --------------------------------------------------------------------------------------------------


@pytest.mark.urls("tests.ops.urls_api_errors")
def test_a_permission_refused_is_a_json_403(api):
    assert answer(api.get("/api/test/forbidden")) == json_error(403, "You do not have permission to do this.")


@pytest.mark.urls("tests.ops.urls_api_errors")
def test_a_csrf_failure_on_an_api_is_a_json_403(db):
    response = Client(enforce_csrf_checks=True).post("/api/test/post")
    assert answer(response) == json_error(403, "The request was refused: it carries no valid CSRF token.")


# 500 and 503 ------------------------------------------------------------------------------------------


@pytest.mark.urls("tests.ops.urls_api_errors")
def test_a_failure_is_a_json_500_that_leaks_nothing(api):
    expected = json_error(500, "Something went wrong on our side; it has been logged. Try again in a moment.")
    assert answer(api.get("/api/test/boom")) == expected


@pytest.mark.urls("tests.ops.urls_api_errors")
def test_a_database_outage_is_a_json_503_with_retry_after(api):
    response = api.get("/api/test/database-down")
    expected = json_error(503, "The catalog cannot reach its database just now; try again in a few seconds.")
    assert (*answer(response), response["Retry-After"]) == (*expected, "5")
