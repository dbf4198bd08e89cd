"""The alerts' public pages, under /<lang>/alertas/ (conecta/urls.py)."""

from django.urls import path

from . import views

app_name = "alerts"
urlpatterns = [
    path("seguir/", views.follow, name="follow"),
    path("confirmar/<str:token>/", views.confirm, name="confirm"),
    path("baja/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("gestionar/<str:token>/", views.manage, name="manage"),
]
