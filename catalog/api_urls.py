"""Catalog JSON API (documented in the README, "Structure search")."""

from django.urls import path

from . import structure_views

app_name = "catalog-api"
urlpatterns = [
    path("structure-search", structure_views.api_structure_search, name="structure-search"),
]
