"""Whole-page caching keyed by database revisions, so an edit is visible on the very next request.

A cached page is stored under a key that includes the revision of what it shows (the compound's
``revision``, or the catalog-wide ``CatalogState`` for the list). An edit bumps the revision in the
same transaction, so the next request looks for a key that does not exist yet and renders afresh; the
old entry simply ages out. Nothing has to be deleted, which matters with several app servers, each
with its own local-memory cache, or sharing Redis.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse


def page_cache_enabled() -> bool:
    return settings.CATALOG_PAGE_CACHE_SECONDS > 0


def cached_response(request: HttpRequest, key: str, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The cached body for this key and host, or render() stored for next time (200 responses only)."""
    # The host and scheme are in the page (canonical link, JSON-LD), so they are part of the key.
    full_key = f"page:{key}:{request.scheme}:{request.get_host()}"
    body = cache.get(full_key)
    if body is not None:
        response = HttpResponse(body)
        response["X-Page-Cache"] = "hit"
        return response
    response = render()
    if response.status_code == 200:
        cache.set(full_key, response.content, settings.CATALOG_PAGE_CACHE_SECONDS)
    response["X-Page-Cache"] = "miss"
    return response
