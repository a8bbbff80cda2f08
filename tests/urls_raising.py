"""A URLconf with a view that fails, to see what a visitor gets from an unexpected error."""

from django.db import OperationalError
from django.urls import include, path

from config.urls import handler404, handler500  # noqa: F401 (error handlers are looked up on the root URLconf)


def broken_view(request):
    raise RuntimeError("secret internal detail")


def database_down_view(request):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


urlpatterns = [
    path("boom/", broken_view),
    path("database-down/", database_down_view),
    path("", include("config.urls")),
]
