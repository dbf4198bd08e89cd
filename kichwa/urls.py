"""The Kichwa pages in each language, at /<lang>/kichwa/ ("kichwa:..."): the glossary and the review pages add
their paths here. The files of recordings are language-neutral (kichwa.file_urls)."""

from django.urls import path

from . import glossary_views

app_name = "kichwa"
urlpatterns: list = [
    path("glosario/", glossary_views.glossary_page, name="glossary"),
    path("glosario.csv", glossary_views.glossary_csv, name="glossary_csv"),
]
