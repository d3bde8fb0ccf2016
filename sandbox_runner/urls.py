from django.urls import path

from sandbox_runner import views

app_name = "sandbox_runner"
urlpatterns = [
    path("lessons/<slug:slug>/exercise/files/<path:path>", views.exercise_file, name="exercise-file"),
]
