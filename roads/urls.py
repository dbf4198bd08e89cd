"""The public pages of road works and road requests (Spanish paths, under /es/ and /qu/)."""

from django.urls import path, re_path

from . import feeds, request_views, views

app_name = "roads"
urlpatterns = [
    # Road works. A work's code is in capitals, so the lower-case words of other addresses under vias/ never
    # reach views.work_detail.
    path("vias/", views.work_list, name="works"),
    path("vias/feed/", feeds.RoadWorksFeed(), name="feed"),
    re_path(r"^vias/(?P<code>[A-Z0-9][A-Z0-9-]{1,29})/$", views.work_detail, name="work"),
    re_path(r"^vias/(?P<code>[A-Z0-9][A-Z0-9-]{1,29})/resumen\.pdf$", views.work_summary_pdf, name="work_summary_pdf"),
    re_path(r"^vias/(?P<code>[A-Z0-9][A-Z0-9-]{1,29})/vista-previa\.png$", views.work_preview, name="work_preview"),
    path("vias/documento/<int:pk>/<str:digest>/<str:name>", views.document_file, name="document_file"),
    # Road requests: the form, its confirmation, the tracking page, the published requests and their photos.
    path("vias/reportar/", request_views.request_new, name="request_new"),
    path("vias/reportar/enviado/<str:code>/", request_views.request_sent, name="request_sent"),
    path("vias/seguimiento/", request_views.request_track, name="request_track"),
    path("vias/solicitudes/", request_views.requests, name="requests"),
    path("vias/solicitudes/feed/", feeds.RoadRequestsFeed(), name="requests_feed"),
    path("vias/solicitudes/<str:code>/", request_views.request_detail, name="request"),
    path("vias/solicitudes/<str:code>/foto/<str:digest>/", request_views.request_photo, name="request_photo"),
]
