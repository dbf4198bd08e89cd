from django.urls import path

from . import feeds, views

app_name = "reports"

urlpatterns = [
    path("informes/", views.report_list, name="list"),
    path("informes/feed/", feeds.PublishedReportsFeed(), name="feed"),
    path("informes/fcd/<int:pk>/<str:filename>", views.monitor_document_download, name="monitor_document"),
    path("informes/<slug:slug>/", views.report_detail, name="detail"),
    # Before the downloads: their pattern would take this name for a file's.
    path("informes/<slug:slug>/vista-previa.png", views.report_preview, name="preview"),
    path("informes/<slug:slug>/difusion/<str:digest>/<str:filename>", views.outreach_file, name="outreach_file"),
    path("informes/<slug:slug>/<str:filename>", views.report_download, name="download"),
]
