from django.urls import path

from . import structure_views, views

app_name = "catalog"
urlpatterns = [
    path("", views.compound_list, name="compound-list"),
    # Before the compound pages: "structure" is a reserved slug (catalog.validators.RESERVED_SLUGS).
    path("structure/", structure_views.structure_search, name="structure-search"),
    path("structure/preview", structure_views.structure_preview, name="structure-preview"),
    # Downloads sit beside the page's folder (/compounds/milnacipran.mol), so they come first.
    path("<slug:slug>.mol", views.compound_mol, name="compound-mol"),
    path("<slug:slug>.sdf", views.compound_sdf, name="compound-sdf"),
    path("<slug:slug>/structure.svg", views.compound_structure_svg, name="compound-structure-svg"),
    path("<slug:slug>/structure-large.svg", views.compound_structure_large_svg, name="compound-structure-large-svg"),
    path("<slug:slug>/", views.compound_detail, name="compound-detail"),
]
