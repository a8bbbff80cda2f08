"""The client's address for the login lockout (django-axes): X-Forwarded-For only from our own proxies.

Behind nginx every request comes from nginx's address, so keyed on REMOTE_ADDR five failures from
anyone would lock staff out. nginx passes the client's address in X-Forwarded-For
(ops/nginx/catalog.conf), but a client can send that header too, so it is believed only when the
request comes from a proxy in settings.TRUSTED_PROXIES (DJANGO_TRUSTED_PROXIES), and then read from the
right: the last address a trusted proxy added, skipping any further trusted proxies in between.

Not django-ipware (axes' optional helper): it checks trusted proxies among the header's own entries,
never the address the request really came from, so a client that reaches gunicorn directly could
still choose its own address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def client_ip(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address failed sign-ins are counted under."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return request.META.get("REMOTE_ADDR")
    trusted = [ipaddress.ip_network(proxy, strict=False) for proxy in settings.TRUSTED_PROXIES]
    client = remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    # From the right: an entry is believed only when the hop that wrote it is one of our proxies.
    for entry in reversed(forwarded):
        if not any(client in network for network in trusted):
            break
        hop = _address(entry)
        if hop is None:
            break  # not an address: believe nothing further left
        client = hop
    return str(client)


def _address(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # A dual-stack socket shows IPv4 peers as ::ffff:a.b.c.d; compare them as the IPv4 they are.
    return getattr(address, "ipv4_mapped", None) or address
