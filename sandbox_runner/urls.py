from django.urls import path

from sandbox_runner import views

app_name = "sandbox_runner"
urlpatterns = [
    path("lessons/<slug:slug>/exercise/files/<path:path>", views.exercise_file, name="exercise-file"),
    path("lessons/<slug:slug>/exercise/runs/", views.run_exercise, name="run-exercise"),
    path("lessons/<slug:slug>/exercise/recent-runs/", views.recent_runs, name="recent-runs"),
    path("scratchpad/", views.scratchpad, name="scratchpad"),
    path("uploads/", views.upload_file, name="upload"),
    path("uploads/<int:upload_id>/delete/", views.delete_upload, name="delete-upload"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/artifacts/<int:artifact_id>/", views.artifact, name="artifact"),
]
