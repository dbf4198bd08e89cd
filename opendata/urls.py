"""The catalogue's pages, under each language's prefix (/es/datos/, /qu/datos/); the files are in file_urls."""

from django.urls import path

from . import standards_views, views

app_name = "opendata"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    # Before the datasets' pages, whose keys it would otherwise be read as.
    path("historial/", standards_views.bundle_history, name="bundles"),
    path("<slug:key>/", views.dataset_page, name="dataset"),
]
