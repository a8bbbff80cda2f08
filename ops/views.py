"""Endpoints for the load balancer, and the page a visitor gets when something fails."""

import sys

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness for the load balancer: 503 only when the database does not answer.

    Without the cache pages are still served (ops/cache.py bypasses it), so a cache outage is reported
    as "degraded" with a 200: a 503 would make the load balancer pull every server at once.
    """
    parts = {"database": _database_ok(), "cache": _cache_ok()}
    if not parts["database"]:
        status = "unavailable"
    elif not all(parts.values()):
        status = "degraded"
    else:
        status = "ok"
    body = {"status": status} | {name: "ok" if ok else "unavailable" for name, ok in parts.items()}
    return JsonResponse(body, status=503 if status == "unavailable" else 200)


@require_safe
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Clients that ask for /favicon.ico without reading the page's icon link get the site's icon."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _cache_ok() -> bool:
    is_available = getattr(cache, "is_available", None)
    if is_available is not None:
        return is_available()
    cache.set("healthz", "ok", 5)
    return cache.get("healthz") == "ok"


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. A database that cannot be reached is an outage, not a bug: 503 and "try again".

    Django calls this while handling the exception, so sys.exception() is the error that got here,
    whether a view or a middleware (sessions, auth) raised it.
    """
    if isinstance(sys.exception(), (OperationalError, InterfaceError)):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)
