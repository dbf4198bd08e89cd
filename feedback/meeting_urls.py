"""The meetings pages, under /<lang>/reuniones/ in the `feedback` namespace."""

from django.urls import path

from . import meeting_views

urlpatterns = [
    path("", meeting_views.meetings, name="meetings"),
    path("acuerdos/", meeting_views.agreements, name="agreements"),
    path("acuerdos.csv", meeting_views.agreements_csv, name="agreements_csv"),
    path("<slug:slug>/", meeting_views.meeting, name="meeting"),
    path("<slug:slug>/acta.pdf", meeting_views.minutes_download, name="meeting_minutes"),
]
