"""What HTTP caches (browsers, nginx, a CDN) may do with our responses, decided in one place.

- Public pages (a GET or HEAD answered 200 or 304 that sets no cookie, does not vary on the cookie
  and is not an htmx fragment) may be kept by any cache for ``HTTP_CACHE_SECONDS`` and then served
  stale for as long again while the cache revalidates in the background. Revalidating is cheap: pages
  carry an ETag made from the revisions the catalog keeps, and a matching conditional GET is answered
  304 before anything is rendered (``revalidated``).
- Anything personal is ``private``: a response that sets a cookie (the admin's session and CSRF
  cookies), one that varies on the cookie (it read the session), and htmx fragments (the same URL
  answers a full page to everyone else). A view that chose its own Cache-Control (the admin's
  ``never_cache``, the health check) keeps it, unless it is personal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import has_vary_header, patch_cache_control
from django.views.decorators.http import condition


@dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: datetime | None = None


def revalidated(validators: Callable[..., Validators | None]):
    """Answer a conditional GET or HEAD with 304 from ``validators(request, **view_kwargs)``, before the view runs.

    Django's ``condition`` asks for the ETag and the date separately; the validators are worked out once
    per request and kept on it (a middleware that already knows them may set ``request.validators``).
    ``None`` (no such object) leaves it to the view, which 404s.
    """

    def current(request: HttpRequest, **kwargs) -> Validators | None:
        if not hasattr(request, "validators"):
            request.validators = validators(request, **kwargs)
        return request.validators

    def etag(request: HttpRequest, *args, **kwargs) -> str | None:
        found = current(request, **kwargs)
        return None if found is None else found.etag

    def last_modified(request: HttpRequest, *args, **kwargs) -> datetime | None:
        found = current(request, **kwargs)
        return None if found is None else found.last_modified

    return condition(etag_func=etag, last_modified_func=last_modified)


def is_htmx_fragment(request: HttpRequest) -> bool:
    meta = request.META  # not request.headers, which copies every header into a new dict
    return meta.get("HTTP_HX_REQUEST") == "true" and meta.get("HTTP_HX_HISTORY_RESTORE_REQUEST") != "true"


def is_personal(request: HttpRequest, response: HttpResponse) -> bool:
    return bool(response.cookies) or has_vary_header(response, "Cookie") or is_htmx_fragment(request)


class HttpCachePolicyMiddleware:
    """Sets Cache-Control per the policy above; placed near the top so it sees every cookie set below it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_personal(request, response):
            patch_cache_control(response, private=True)  # also drops a "public" the view may have set
        elif (
            request.method in ("GET", "HEAD")
            and response.status_code in (200, 304)
            and not response.has_header("Cache-Control")
        ):
            age = settings.HTTP_CACHE_SECONDS
            response["Cache-Control"] = f"public, max-age={age}, s-maxage={age}, stale-while-revalidate={age}"
        return response
