"""Structured request logs."""

from __future__ import annotations

import json
import logging
import time
import uuid

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

request_logger = logging.getLogger("ops.requests")


class RequestLogMiddleware:
    """One JSON line per request: what, how it ended, how long it took, and an id to trace it by."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        if not request_logger.isEnabledFor(logging.INFO):
            return response
        request_logger.info(
            json.dumps(
                {
                    "event": "request",
                    "id": request_id,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 2),
                    "htmx": request.headers.get("HX-Request") == "true",
                }
            )
        )
        return response


class RefuseNulMiddleware:
    """A 400 for a NUL character in the path or in any query parameter's name or value.

    No address of ours has a use for one, and PostgreSQL refuses NUL in text, so a search, an admin
    filter or an autocomplete term holding one would otherwise end in a 500 on that database only.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in "".join(values) for key, values in request.GET.lists()
        ):
            raise BadRequest("The address holds a NUL character.")
        return self.get_response(request)
