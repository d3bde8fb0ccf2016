from django.urls import include, path

app_name = "progress"

urlpatterns = [
    path("", include("progress.learner_urls")),
    path("authors/", include("progress.author_urls")),
]
