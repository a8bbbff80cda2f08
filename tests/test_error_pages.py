"""Error pages are friendly and leak nothing."""

import pytest


@pytest.mark.urls("tests.urls_raising")
def test_server_error_page_is_friendly_and_leaks_nothing(client, db):
    client.raise_request_exception = False
    response = client.get("/boom/")
    body = response.content.decode()
    assert (response.status_code, "Something went wrong on our side" in body, "secret internal detail" in body) == (
        500,
        True,
        False,
    )


def test_not_found_page_offers_search(client, db):
    response = client.get("/no/such/page/")
    assert (response.status_code, 'action="/compounds/"' in response.content.decode()) == (404, True)
