from django.urls import path

from . import views

app_name = "commitments"

urlpatterns = [
    path("", views.home, name="home"),
    path("compromisos/<str:code>/", views.detail, name="detail"),
]
