from django.urls import path

from tutor import views

app_name = "tutor"
urlpatterns = [
    path("lessons/<slug:slug>/tutor/", views.conversation_page, name="conversation"),
    path("lessons/<slug:slug>/tutor/ask/", views.ask_tutor, name="ask"),
    path("lessons/<slug:slug>/tutor/reset/", views.start_over, name="reset"),
]
