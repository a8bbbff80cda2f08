"""Serve a cached compound page before the rest of the middleware and the URL resolver run."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from ops.http_cache import revalidated

from .page_cache import compound_page_key, compound_page_validators, pages
from .revisions import revisions


def compound_page_slug(path_info: str) -> str | None:
    """The slug if this path is a compound page, by Django's own URL patterns (remembered per path)."""
    return _compound_page_slug(path_info, settings.ROOT_URLCONF)


@lru_cache(maxsize=8192)
def _compound_page_slug(path_info: str, urlconf: str) -> str | None:
    try:
        match = resolve(path_info, urlconf)
    except Resolver404:
        return None
    return match.kwargs["slug"] if match.view_name == "catalog:compound-detail" else None


class CachedPageMiddleware:
    """Compound pages cached whole, a warm one answered right after WhiteNoise, as cheaply as a static file.

    The page is the same for every visitor (no session, user or CSRF token in it), so the session,
    CSRF, auth and message middleware have nothing to add to it; the security headers come from the
    middleware above this one. On a miss the request goes on through them to the view, and the page
    it renders is stored. A query string (calculator inputs) or a POST is never cached. A conditional
    GET whose ETag or date still matches is answered 304 before the cache is even read.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # __call__ sets request.validators before calling it, from the revision it has just read.
        self.serve = revalidated(lambda request, **_: request.validators)(self.serve_cached)

    def serve_cached(self, request: HttpRequest, key: str) -> HttpResponse:
        return pages.response(request, key, lambda: self.get_response(request))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD") and not request.META.get("QUERY_STRING") and pages.enabled():
            slug = compound_page_slug(request.path_info)
            state = revisions.compound(slug) if slug is not None else None
            if state is not None:  # None: no such compound, and the view answers 404
                request.validators = compound_page_validators(state)
                return self.serve(request, key=compound_page_key(state))
        return self.get_response(request)
