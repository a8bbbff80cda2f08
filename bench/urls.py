"""The site's URLs plus /bench/bare/: a view that does nothing, to measure what Django itself costs."""

from django.http import HttpResponse
from django.urls import include, path

from config.urls import handler404, handler500  # noqa: F401


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), path("", include("config.urls"))]
