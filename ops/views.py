"""Endpoints for the load balancer, and what a visitor gets when something fails.

The error handlers (config/urls.py) and the CSRF failure view answer an API request (``ops.api``) with
JSON and everyone else with a page.
"""

import sys

from django.core.cache import cache
from django.core.exceptions import DisallowedHost, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import Resolver404, resolve
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .api import error_response, is_api_request


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
    if not isinstance(sys.exception(), (OperationalError, InterfaceError)):
        if is_api_request(request):
            return error_response(500, "Something went wrong on our side; it has been logged. Try again in a moment.")
        return HttpResponse(render_to_string("500.html"), status=500)
    if is_api_request(request):
        response = error_response(503, "The catalog cannot reach its database just now; try again in a few seconds.")
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "5"
    response["Cache-Control"] = "no-store"
    return response


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: the page offers a search; an API says what it has nearby."""
    if is_api_request(request):
        return error_response(404, _not_found_message(request, exception))
    return render(request, "404.html", status=404)


def _not_found_message(request: HttpRequest, exception: Exception) -> str:
    # A view's own Http404 says what it could not find; the resolver's carries its URL patterns.
    if type(exception) is Http404 and exception.args and isinstance(exception.args[0], str):
        return exception.args[0]
    other = request.path_info[:-1] if request.path_info.endswith("/") else f"{request.path_info}/"
    try:
        resolve(other, getattr(request, "urlconf", None))
    except Resolver404:
        return f"There is no API at {request.path}."
    suggestion = request.path[:-1] if request.path.endswith("/") else f"{request.path}/"
    return f"There is no API at {request.path}; did you mean {suggestion}?"


BAD_REQUEST_MESSAGES = {
    DisallowedHost: "This server does not answer to the host name in the request.",
    TooManyFieldsSent: "The request has too many parameters.",
    TooManyFilesSent: "The request has too many files.",
    RequestDataTooBig: "The request body is too large.",
}


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: what Django refuses before a view runs (a host not ours, too many parameters)."""
    if is_api_request(request):
        message = BAD_REQUEST_MESSAGES.get(type(exception), "The request could not be read.")
        return error_response(400, message)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403."""
    if is_api_request(request):
        return error_response(403, "You do not have permission to do this.")
    return defaults.permission_denied(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent without the security cookie and token the site gave it, or with stale ones.

    The reason Django gives is for developers (it names cookies and headers), so it is not shown.
    """
    if is_api_request(request):
        return error_response(403, "The request was refused: it carries no valid CSRF token.")
    return render(request, "403_csrf.html", status=403)
