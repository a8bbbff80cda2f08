"""A URLconf with API views that fail in each way, to see that an API answers JSON whatever happens."""

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404, JsonResponse
from django.urls import include, path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401 (looked up on the root URLconf)


def broken(request):
    raise RuntimeError("secret internal detail")


def database_down(request):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


def forbidden(request):
    raise PermissionDenied("secret internal reason")


def missing(request):
    raise Http404("No such widget.")


def accepts_post(request):
    return JsonResponse({"ok": True})


urlpatterns = [
    path("api/test/boom", broken),
    path("api/test/database-down", database_down),
    path("api/test/forbidden", forbidden),
    path("api/test/missing", missing),
    path("api/test/post", accepts_post),
    path("", include("config.urls")),
]
