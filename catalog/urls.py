from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.compound_list, name="compound-list"),
    path("<slug:slug>/", views.compound_detail, name="compound-detail"),
]
