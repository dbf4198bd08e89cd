"""The plan's page and the meetings pages (/<lang>/plan/, /<lang>/reuniones/...): "meetings:list"..."""

from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("plan/", views.plan_about, name="plan"),
    path("reuniones/", views.meetings, name="list"),
    path("reuniones/acuerdos/", views.agreements, name="agreements"),
    path("reuniones/acuerdos.csv", views.agreements_csv, name="agreements_csv"),
    path("reuniones/<slug:slug>/", views.meeting, name="detail"),
    path("reuniones/<slug:slug>/acta.pdf", views.minutes_download, name="minutes"),
]
