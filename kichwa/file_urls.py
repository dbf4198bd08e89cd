"""The files of recordings, at addresses without a language prefix: the same bytes for everyone.

/audio/<pk>/<sha256>.opus and .mp3 for a published recording (its page links to them), /audio/gestion/<pk>/<kind>/
for staff (the original as uploaded, or a converted file of a recording not yet published)."""

from django.urls import path, re_path

from . import views

app_name = "kichwa_files"
urlpatterns = [
    re_path(
        r"^audio/(?P<pk>[0-9]{1,19})/(?P<digest>[0-9a-f]{64})\.(?P<ext>opus|mp3)$", views.recording_file, name="audio"
    ),
    path("audio/gestion/<int:pk>/<str:kind>/", views.recording_file_staff, name="staff"),
]
