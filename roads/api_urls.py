"""Language-neutral addresses of the roads' open formats: Open311 GeoReport v2 and OC4IDS, GeoJSON, CSV, XLSX."""

from django.urls import path, re_path

from . import api_views

app_name = "roads_api"
# Open311 names its format by the address's extension; both are served everywhere.
FORMAT = r"(?P<fmt>json|xml)"
urlpatterns = [
    re_path(rf"^open311/v2/discovery\.{FORMAT}$", api_views.discovery, name="open311_discovery"),
    re_path(rf"^open311/v2/services\.{FORMAT}$", api_views.services, name="open311_services"),
    re_path(
        rf"^open311/v2/services/(?P<code>[^/]{{1,40}})\.{FORMAT}$",
        api_views.service_definition,
        name="open311_service",
    ),
    re_path(rf"^open311/v2/requests\.{FORMAT}$", api_views.requests, name="open311_requests"),
    re_path(
        rf"^open311/v2/requests/(?P<request_id>[^/]{{1,40}})\.{FORMAT}$",
        api_views.request_detail,
        name="open311_request",
    ),
    path("vias/oc4ids.json", api_views.oc4ids_package, name="oc4ids"),
    path("vias/oc4ids/<str:code>.json", api_views.oc4ids_work, name="oc4ids_work"),
    path("vias/obras.csv", api_views.works_csv, name="works_csv"),
    path("vias/obras.xlsx", api_views.works_xlsx, name="works_xlsx"),
    path("vias/obras.geojson", api_views.works_geojson, name="works_geojson"),
    path("vias/avances.csv", api_views.progress_csv, name="progress_csv"),
    path("vias/solicitudes.csv", api_views.requests_csv, name="requests_csv"),
]
