"""Whole pages cached under their revisions, and the HTTP validators made from the same revisions.

A cached page is stored under a key that includes the revision of what it shows (the compound's
``revision``, or the catalog-wide ``CatalogState`` for home, list and search; catalog/revisions.py).
An edit bumps the revision in the same transaction, so the next request looks for a key that does not
exist yet and renders afresh; the old entry simply ages out. Nothing has to be deleted, which matters
with several app servers, each with its own local-memory cache, or sharing Redis. The key also
carries a fingerprint of the code, so a new release renders its pages afresh. The ETags browsers and
proxies revalidate with are the same revisions and fingerprint (``compound_validators``).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache as memoize
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from ops.http_cache import Validators

from .revisions import PageState, revisions

# What a page is rendered from besides the database. Its fingerprint is part of every key, so a
# deploy that changes a template, a stylesheet (its hashed name is in the page) or the code that
# renders it never serves a page cached by the previous release.
CODE_FOLDERS = ("catalog", "calculator", "config", "ops", "templates", "static")
CODE_SUFFIXES = {".py", ".html", ".css", ".js", ".svg", ".json"}


def code_files(base: Path, folders: tuple[str, ...] = CODE_FOLDERS) -> list[Path]:
    return [
        path
        for folder in folders
        for path in sorted((base / folder).rglob("*"))
        if path.suffix in CODE_SUFFIXES and path.is_file()
    ]


def code_fingerprint(base: Path, folders: tuple[str, ...] = CODE_FOLDERS) -> str:
    digest = hashlib.blake2b(digest_size=6)
    for path in code_files(base, folders):
        digest.update(path.relative_to(base).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@memoize
def release() -> str:
    """This code's fingerprint, computed once per process (a few milliseconds)."""
    return code_fingerprint(Path(settings.BASE_DIR))


@memoize
def release_time() -> datetime:
    """When this code was last changed on disk: no page rendered by it is older than that."""
    newest = max(path.stat().st_mtime for path in code_files(Path(settings.BASE_DIR)))
    return datetime.fromtimestamp(int(newest), tz=UTC)


def compound_page_validators(state: PageState) -> Validators:
    """ETag and Last-Modified of a compound's page (and its downloads) at this state, for this code."""
    return Validators(
        etag=f'W/"compound-{state.pk}-{state.revision}-{state.structure_revision}-{release()}"',
        last_modified=max(state.changed_at, release_time()),
    )


def compound_validators(request: HttpRequest, *, slug: str) -> Validators | None:
    state = revisions.compound(slug)
    return None if state is None else compound_page_validators(state)


def catalog_validators(request: HttpRequest) -> Validators:
    """ETag of the pages that show the catalog as a whole (home, list, search), from CatalogState's revision."""
    return Validators(etag=f'W/"catalog-{revisions.catalog()}-{release()}"')


def compound_page_key(state: PageState) -> str:
    """The cache key of a compound's page at this state (its "Similar compounds" panel: the structure revision)."""
    return f"compound:{state.pk}:{state.revision}:{state.structure_revision}"


class PageCache:
    """Rendered page bodies: a small copy in this process in front of the shared cache.

    The local copy can never be stale: a key names one revision of one page, whose body never changes.
    So the processes need not agree on anything, and a warm page costs no trip to Redis.
    """

    LOCAL_PAGES = 256

    def __init__(self) -> None:
        self._local: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def enabled() -> bool:
        return settings.CATALOG_PAGE_CACHE_SECONDS > 0

    def response(self, request: HttpRequest, key: str, render: Callable[[], HttpResponse]) -> HttpResponse:
        """The cached body for this key and host, or render() stored for next time (200 responses only)."""
        # The host and scheme are in the page (canonical link, JSON-LD), so they are part of the key.
        full_key = f"page:{release()}:{key}:{request.scheme}:{request.get_host()}"
        body = self._local_get(full_key)
        if body is None:
            body = cache.get(full_key)
            if body is not None:
                self._local_put(full_key, body)
        if body is not None:
            response = HttpResponse(body)
            response["X-Page-Cache"] = "hit"
            return response
        response = render()
        if response.status_code == 200:
            cache.set(full_key, response.content, settings.CATALOG_PAGE_CACHE_SECONDS)
            self._local_put(full_key, response.content)
        response["X-Page-Cache"] = "miss"
        return response

    def clear_local(self) -> None:
        with self._lock:
            self._local.clear()

    def _local_get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._local.get(key)
            if body is not None:
                self._local.move_to_end(key)
            return body

    def _local_put(self, key: str, body: bytes) -> None:
        with self._lock:
            self._local[key] = body
            self._local.move_to_end(key)
            while len(self._local) > self.LOCAL_PAGES:
                self._local.popitem(last=False)


pages = PageCache()
