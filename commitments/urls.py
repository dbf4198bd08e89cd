from django.urls import path

from . import feeds, territory_views, views

app_name = "commitments"

urlpatterns = [
    path("", views.home, name="home"),
    path("compromisos/", views.commitment_list, name="list"),
    path("compromisos/<str:code>/", views.detail, name="detail"),
    path("compromisos/<str:code>/vista-previa.png", views.preview, name="preview"),
    path("compromisos/<str:code>/resumen.pdf", views.summary_pdf, name="summary_pdf"),
    path("compromisos/<str:code>/feed/", feeds.CommitmentUpdatesFeed(), name="feed_commitment"),
    path("novedades/feed/", feeds.LatestUpdatesFeed(), name="feed_updates"),
    path("instituciones/<slug:slug>/", views.institution_detail, name="institution"),
    path("territorio/", territory_views.territory, name="territory"),
    path("territorio/<slug:slug>/", territory_views.canton_detail, name="canton"),
    path("evidencias/<int:pk>/<str:digest>/<str:name>", views.evidence_file, name="evidence_file"),
    path("gestion/evidencias/<int:pk>/", views.evidence_file_staff, name="evidence_file_staff"),
]
