from django.urls import path

from quizzes import views

app_name = "quizzes"
urlpatterns = [
    path("lessons/<slug:slug>/quiz/", views.quiz_page, name="quiz"),
    path("lessons/<slug:slug>/quiz/start/", views.start, name="start"),
    path("lessons/<slug:slug>/quiz/answer/", views.answer, name="answer"),
    path("lessons/<slug:slug>/quiz/attempts/<uuid:attempt_id>/", views.review, name="review"),
]
