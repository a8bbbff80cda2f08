"""The login lockout keys on the real client: X-Forwarded-For is believed from a trusted proxy only."""

import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory

from ops.client_ip import client_ip

PASSWORD = "the-right-password-123"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_superuser("staff", "staff@example.com", PASSWORD)


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]


def sign_in(client, password: str, **meta):
    return client.post(LOGIN, {"username": "staff", "password": password}, **meta)


def via_nginx(address: str) -> dict:
    """What nginx (ops/nginx/catalog.conf) sends gunicorn for a client at ``address``."""
    return {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": address}


def test_five_failures_through_the_proxy_lock_that_client_out(client, staff_user, behind_nginx):
    for _ in range(5):
        sign_in(client, "wrong", **via_nginx("203.0.113.5"))
    response = sign_in(client, PASSWORD, **via_nginx("203.0.113.5"))
    assert (response.status_code, "Too many failed sign-ins" in response.text) == (429, True)


def test_another_client_through_the_same_proxy_can_still_sign_in(client, staff_user, behind_nginx):
    for _ in range(5):
        sign_in(client, "wrong", **via_nginx("203.0.113.5"))
    response = sign_in(client, PASSWORD, **via_nginx("198.51.100.7"))
    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_failures_through_the_proxy_are_counted_under_the_client_address(client, staff_user, behind_nginx):
    sign_in(client, "wrong", **via_nginx("203.0.113.5"))
    assert list(AccessAttempt.objects.values_list("ip_address", "failures_since_start")) == [("203.0.113.5", 1)]


def test_without_trusted_proxies_a_forged_forwarded_for_is_ignored(client, staff_user, settings):
    settings.TRUSTED_PROXIES = []
    sign_in(client, "wrong", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert list(AccessAttempt.objects.values_list("ip_address", "failures_since_start")) == [("10.0.0.9", 1)]


def test_a_forwarded_for_from_an_untrusted_address_is_ignored(client, staff_user, behind_nginx):
    sign_in(client, "wrong", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert list(AccessAttempt.objects.values_list("ip_address", "failures_since_start")) == [("10.0.0.9", 1)]


def address_of(remote: str, forwarded: str | None = None) -> str | None:
    meta = {"REMOTE_ADDR": remote} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {})
    return client_ip(RequestFactory().post(LOGIN, **meta))


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # The client's own claim comes first; the proxy appended the address it saw last.
        ("127.0.0.1", "192.0.2.66, 203.0.113.5", "203.0.113.5"),
        # Behind two trusted proxies (a load balancer in 10.0.0.0/8, then nginx): the address before them.
        ("127.0.0.1", "192.0.2.66, 203.0.113.5, 10.1.2.3", "203.0.113.5"),
        # A request from the proxy itself (nothing forwarded) is the proxy's.
        ("127.0.0.1", None, "127.0.0.1"),
        # What is not an address is not believed: the address it came from stands.
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        # IPv6 clients, and the proxy seen as an IPv4-mapped IPv6 address.
        ("::ffff:127.0.0.1", "2001:db8::7", "2001:db8::7"),
    ],
)
def test_the_client_is_the_last_address_a_trusted_proxy_added(settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert address_of(remote, forwarded) == expected


def settings_with(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    code = "import django; from django.conf import settings; django.setup(); print(settings.TRUSTED_PROXIES)"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_trusted_proxies_come_from_the_environment():
    result = settings_with(DJANGO_TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8")
    assert result.stdout.strip() == "['127.0.0.1/32', '10.0.0.0/8']"


def test_a_mistyped_trusted_proxy_stops_the_start():
    result = settings_with(DJANGO_TRUSTED_PROXIES="127.0.0.300")
    assert (result.returncode, result.stderr.strip().splitlines()[-1]) == (
        1,
        "ValueError: '127.0.0.300' does not appear to be an IPv4 or IPv6 network",
    )
