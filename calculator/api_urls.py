"""Calculator JSON API (documented in calculator/README.md)."""

from django.urls import path

from . import views

app_name = "calculator-api"
urlpatterns = [
    path("molarity", views.api_molarity, name="molarity"),
    path("dilution", views.api_dilution, name="dilution"),
]
