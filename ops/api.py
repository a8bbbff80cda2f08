"""What every JSON API under /api/ shares: which requests are API requests, the error shape, the methods.

An API answers JSON whatever happens: a mistyped URL, a wrong method, a refused host, a failure on
our side. Every error has the shape the calculator's validation errors have,
``{"errors": {name: [message, ...]}}``, where ``name`` is the parameter at fault or ``"__all__"`` for
an error that is about no one parameter (Django's name for a form's non-field errors). The choice
between JSON and an HTML page is made by the path alone (``is_api_request``), so every API under
/api/ gets it, whichever app serves it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

API_PREFIX = "/api/"
# Longer query strings are refused before any parsing. Well above any real calculation (each value is
# at most 40 characters) and above the 8 KB request line a proxy in front typically passes on.
MAX_QUERY_STRING = 8192
ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")
ALLOW = ", ".join(ALLOWED_METHODS)


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def json_response(data: dict, *, status: int = 200) -> JsonResponse:
    """JSON as our APIs write it: UTF-8 text as is (µL, not \\u00b5L)."""
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def error_response(status: int, message: str) -> JsonResponse:
    """An error about the request as a whole, in the shape of every API error."""
    return json_response({"errors": {"__all__": [message]}}, status=status)


def read_only_api(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a JSON API view that only reads: GET and HEAD reach it, OPTIONS lists them, the rest get a JSON 405.

    It changes nothing and reads no cookie, so it needs no CSRF check: a POST gets the 405 that says
    which methods to use instead of a CSRF failure. An overlong query string is a JSON 400.
    """

    @csrf_exempt
    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
        elif request.method not in ALLOWED_METHODS:
            response = error_response(405, f"{request.method} is not allowed here; use GET.")
        else:
            length = len(request.META.get("QUERY_STRING", ""))
            if length > MAX_QUERY_STRING:
                return error_response(
                    400, f"The query string is {length:,} characters long; the API reads at most {MAX_QUERY_STRING:,}."
                )
            return view(request, *args, **kwargs)
        response["Allow"] = ALLOW
        return response

    return checked
