"""The survey pages, under /<lang>/participa/encuestas/: "surveys:list", "surveys:detail"..."""

from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("<slug:slug>/", views.survey_detail, name="detail"),
    path("<slug:slug>/gracias/", views.survey_thanks, name="thanks"),
    path("<slug:slug>/resultados/", views.survey_results, name="results"),
    path("<slug:slug>/resultados/pregunta-<int:number>/", views.survey_texts, name="texts"),
    path("<slug:slug>/resultados.csv", views.survey_csv, name="csv"),
]
