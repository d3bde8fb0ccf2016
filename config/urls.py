from django.contrib import admin
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.tokens import TokenApi
from lessons import api as lessons_api
from quizzes import api as quizzes_api
from sandbox_runner import api as sandbox_api
from tutor import api as tutor_api

api_patterns = [
    path("tracks/", lessons_api.TrackListApi.as_view(), name="tracks"),
    path("lessons/", lessons_api.LessonListApi.as_view(), name="lessons"),
    path("lessons/<slug:slug>/", lessons_api.LessonDetailApi.as_view(), name="lesson"),
    path("lessons/<slug:slug>/tutor/", tutor_api.TutorApi.as_view(), name="tutor"),
    path("runs/", sandbox_api.RunCreateApi.as_view(), name="runs"),
    path("runs/<int:run_id>/", sandbox_api.RunDetailApi.as_view(), name="run"),
    path("uploads/", sandbox_api.UploadListApi.as_view(), name="uploads"),
    path("uploads/<int:upload_id>/", sandbox_api.UploadDetailApi.as_view(), name="upload"),
    path("quizzes/<slug:slug>/", quizzes_api.QuizDetailApi.as_view(), name="quiz"),
    path("quizzes/<slug:slug>/attempts/", quizzes_api.AttemptApi.as_view(), name="quiz-attempts"),
    path("quizzes/<slug:slug>/answers/", quizzes_api.AnswerApi.as_view(), name="quiz-answers"),
    path("progress/", quizzes_api.ProgressApi.as_view(), name="progress"),
    path("progress/sync/", quizzes_api.ProgressSyncApi.as_view(), name="progress-sync"),
    path("auth/token/", TokenApi.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("api/", include((api_patterns, "api"))),
    path("", include("lessons.urls")),
    path("", include("sandbox_runner.urls")),
    path("", include("tutor.urls")),
    path("", include("quizzes.urls")),
    path("progress/", include("progress.urls")),
]


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer unknown API addresses in JSON, like the rest of the API; pages in HTML."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": f"There is no API endpoint at {request.path}. The schema is at /api/schema/."}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer a request Django refused before any view ran in JSON on the API (a 413 for a body over the limit)."""
    if request.path.startswith("/api/"):
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse({"detail": "The request body is larger than this site accepts."}, status=413)
        return JsonResponse({"detail": "The request could not be read."}, status=400)
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Answer a crash in JSON on the API, so that clients can always read an error's detail."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "The server failed to answer; the error has been logged."}, status=500)
    return defaults.server_error(request)


handler400 = bad_request
handler404 = page_not_found
handler500 = server_error
