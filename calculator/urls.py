"""Calculator pages."""

from django.urls import path

from . import views

app_name = "calculator"
urlpatterns = [
    path("", views.calculator_page, name="page"),
    path("dilution/", views.dilution_page, name="dilution"),
    path("widget/<slug:slug>/", views.widget_result, name="widget-result"),
]
