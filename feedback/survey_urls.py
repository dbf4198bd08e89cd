"""The survey pages, under /<lang>/participa/encuestas/ in the `feedback` namespace ("feedback:surveys"...)."""

from django.urls import path

from . import survey_views as views

urlpatterns = [
    path("", views.survey_list, name="surveys"),
    path("<slug:slug>/", views.survey_detail, name="survey"),
    path("<slug:slug>/gracias/", views.survey_thanks, name="survey_thanks"),
    path("<slug:slug>/resultados/", views.survey_results, name="survey_results"),
    path("<slug:slug>/resultados/pregunta-<int:number>/", views.survey_texts, name="survey_texts"),
    path("<slug:slug>/resultados.csv", views.survey_csv, name="survey_csv"),
]
