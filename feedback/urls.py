from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("participa/", views.participate, name="participate"),
    path("participa/sugerencia/", views.suggestion_new, name="suggest"),
    path("participa/recibido/<str:code>/", views.suggestion_sent, name="suggestion_sent"),
    path("participa/seguimiento/", views.track, name="track"),
    path("participa/seguimiento/responder/", views.reply_new, name="reply"),
    path("participa/respuestas/", views.answers, name="answers"),
    path("participa/respuestas/vista-previa.png", views.answers_preview, name="answers_preview"),
    path("participa/respuestas/<int:pk>/", views.answer, name="answer"),
    path("participa/compromiso/", views.choose_commitment, name="choose"),
    path("participa/compromisos/<str:code>/comentar/", views.comment_new, name="comment"),
    path("participa/compromisos/<str:code>/comentar/enviado/", views.comment_sent, name="comment_sent"),
    path("participa/compromisos/<str:code>/comentarios/", views.comments, name="comments"),
    path("participa/compromisos/<str:code>/evaluar/", views.evaluation_new, name="evaluate"),
    path("participa/compromisos/<str:code>/evaluar/enviado/", views.evaluation_sent, name="evaluation_sent"),
]
