"""A URLconf with a view that fails, to see what a visitor gets from an unexpected error."""

from django.urls import include, path


def broken_view(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [path("boom/", broken_view), path("", include("config.urls"))]
