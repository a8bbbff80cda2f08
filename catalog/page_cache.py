"""Whole-page caching keyed by database revisions, so an edit is visible on the very next request.

A cached page is stored under a key that includes the revision of what it shows (the compound's
``revision``, or the catalog-wide ``CatalogState`` for the list). An edit bumps the revision in the
same transaction, so the next request looks for a key that does not exist yet and renders afresh; the
old entry simply ages out. Nothing has to be deleted, which matters with several app servers, each
with its own local-memory cache, or sharing Redis.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

# A small per-process copy of recently served pages in front of the shared cache. It can never be
# stale: a key names one revision of one page, whose body never changes. So the processes need not
# agree on anything, and a warm page costs no trip to Redis.
LOCAL_PAGES = 256
_local: OrderedDict[str, bytes] = OrderedDict()
_local_lock = threading.Lock()


def _local_get(key: str) -> bytes | None:
    with _local_lock:
        body = _local.get(key)
        if body is not None:
            _local.move_to_end(key)
        return body


def _local_put(key: str, body: bytes) -> None:
    with _local_lock:
        _local[key] = body
        _local.move_to_end(key)
        while len(_local) > LOCAL_PAGES:
            _local.popitem(last=False)


def clear_local_pages() -> None:
    with _local_lock:
        _local.clear()


def page_cache_enabled() -> bool:
    return settings.CATALOG_PAGE_CACHE_SECONDS > 0


def cached_response(request: HttpRequest, key: str, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The cached body for this key and host, or render() stored for next time (200 responses only)."""
    # The host and scheme are in the page (canonical link, JSON-LD), so they are part of the key.
    full_key = f"page:{key}:{request.scheme}:{request.get_host()}"
    body = _local_get(full_key)
    if body is None:
        body = cache.get(full_key)
        if body is not None:
            _local_put(full_key, body)
    if body is not None:
        response = HttpResponse(body)
        response["X-Page-Cache"] = "hit"
        return response
    response = render()
    if response.status_code == 200:
        cache.set(full_key, response.content, settings.CATALOG_PAGE_CACHE_SECONDS)
        _local_put(full_key, response.content)
    response["X-Page-Cache"] = "miss"
    return response
