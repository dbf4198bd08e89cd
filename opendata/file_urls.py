"""The datasets' files, at addresses without a language prefix (/datos/<key>.csv): the same bytes for everyone."""

import re

from django.urls import path, re_path

from . import standards_views, views
from .distributions import FORMATS

# csv, es.csv, json, xlsx: the key holds no dot, so "x.es.csv" can only be x's Spanish-Excel CSV.
EXTENSIONS = "|".join(re.escape(ext) for ext in FORMATS)

app_name = "opendata_files"
urlpatterns = [
    # The whole catalogue (opendata.standards_views): before the downloads, whose pattern would read
    # datapackage.json as the JSON of a dataset "datapackage".
    path("datos/datapackage.json", standards_views.datapackage_json, name="datapackage"),
    path("datos/dcat.jsonld", standards_views.dcat_jsonld, name="dcat_jsonld"),
    path("datos/dcat.ttl", standards_views.dcat_turtle, name="dcat_turtle"),
    path("datos/paquete.zip", standards_views.bundle_latest, name="bundle"),
    re_path(
        r"^datos/paquetes/conecta-pastaza-datos-(?P<day>\d{4}-\d{2}-\d{2})\.zip$",
        standards_views.bundle_file,
        name="bundle_file",
    ),
    re_path(rf"^datos/(?P<key>[a-z0-9_-]{{1,80}})\.(?P<ext>{EXTENSIONS})$", views.download, name="download"),
]
