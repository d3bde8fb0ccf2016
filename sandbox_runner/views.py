"""Pages and htmx partials for running code: the exercise form, the scratchpad, a run's output."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from common.csrf import csrf_protect_signed_in
from common.ratelimit import identity
from sandbox_runner import uploads
from sandbox_runner.forms import RunForm
from sandbox_runner.isolation import Limits
from sandbox_runner.models import Exercise, ExerciseFile, Run, RunArtifact, Upload
from sandbox_runner.ownership import session_key_for
from sandbox_runner.panels import limits_note
from sandbox_runner.services import RunRefused, sandbox_status, start_run
from sandbox_runner.uploads import UploadRefused, store_upload

SCRATCHPAD_EXAMPLE = """import pandas as pd

rain = pd.DataFrame({"city": ["Lyon", "Porto", "Graz"], "rain_mm": [831, 1254, 822]})
rain.sort_values("rain_mm", ascending=False)
"""


def _start_run(request: HttpRequest, *, exercise: Exercise | None, template: str, context: dict) -> HttpResponse:
    form = RunForm(request.POST)
    context = dict(context)
    if form.is_valid():
        try:
            run = start_run(
                code=form.cleaned_data["code"],
                user=request.user,
                session_key=session_key_for(request),
                rate_key=identity(request),
                exercise=exercise,
            )
        except RunRefused as refused:
            form.add_error(None, refused.message)
            status = refused.status_code
            context["run_in_flight"] = getattr(refused, "run", None)
        else:
            if not request.htmx:
                return redirect(run)  # plain form: post/redirect/get
            return render(request, "sandbox_runner/run.html#run-output", {"run": run})
    else:
        status = 400
    if request.htmx:
        # htmx swaps only 2xx answers: the refusal goes into the output slot with a 200, and says why.
        return render(request, "sandbox_runner/run.html#run-refused", {"form": form, "run": context.get("run_in_flight")})
    context = {
        **context,
        **_uploads_context(request),
        "form": form,
        "sandbox": sandbox_status(),
        "limits_note": limits_note(Limits.for_exercise(exercise.limits if exercise else None)),
    }
    return render(request, template, context, status=status)


@require_POST
@csrf_protect_signed_in
def run_exercise(request: HttpRequest, slug: str) -> HttpResponse:
    exercise = get_object_or_404(Exercise.objects.live(), lesson__slug=slug, lesson__is_archived=False)
    return _start_run(request, exercise=exercise, template="sandbox_runner/scratchpad.html", context={"exercise": exercise})


@csrf_protect_signed_in
def scratchpad(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _start_run(request, exercise=None, template="sandbox_runner/scratchpad.html", context={"next": request.path})
    form = RunForm(initial={"code": SCRATCHPAD_EXAMPLE})
    context = {
        "form": form,
        "sandbox": sandbox_status(),
        "limits_note": limits_note(Limits.for_exercise()),
        **_uploads_context(request),
        "next": request.path,
    }
    return render(request, "sandbox_runner/scratchpad.html", context)


@require_GET
@vary_on_headers("HX-Request")
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(Run.objects.for_owner_of(request).select_related("exercise__lesson").prefetch_related("artifacts"), pk=run_id)
    template = "sandbox_runner/run.html#run-output" if request.htmx else "sandbox_runner/run.html"
    response = render(request, template, {"run": run})
    if request.htmx and run.is_finished:
        response["HX-Trigger"] = "run-finished"  # the exercise panel refreshes its list of runs
    return response


@require_GET
def recent_runs(request: HttpRequest, slug: str) -> HttpResponse:
    runs = Run.objects.for_owner_of(request).filter(exercise__lesson__slug=slug)[:5]
    return render(request, "sandbox_runner/_recent_runs.html", {"runs": runs})


@require_GET
def artifact(request: HttpRequest, run_id: int, artifact_id: int) -> HttpResponse:
    run = get_object_or_404(Run.objects.for_owner_of(request), pk=run_id)
    item = get_object_or_404(RunArtifact.objects.exclude(file=""), run=run, pk=artifact_id, not_kept="")
    is_figure = item.kind == RunArtifact.Kind.FIGURE
    # Files a run wrote are learner-made bytes: always a download, never rendered by the browser.
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=not is_figure,
        filename=item.name.rsplit("/", 1)[-1],
        content_type="image/png" if is_figure else "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def exercise_file(request: HttpRequest, slug: str, path: str) -> HttpResponse:
    """Download one of an exercise's data files."""
    data_file = ExerciseFile.objects.filter(
        exercise__lesson__slug=slug, exercise__is_archived=False, exercise__lesson__is_archived=False, path=path
    ).first()
    if data_file is None:
        raise Http404("No such data file.")
    response = HttpResponse(bytes(data_file.content), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{data_file.path.rsplit("/", 1)[-1]}"'
    return response


def _uploads_context(request: HttpRequest) -> dict:
    return {
        "uploads": list(Upload.objects.for_owner_of(request)),
        "upload_limit_mb": settings.SANDBOX_UPLOAD_MAX_BYTES // (1024 * 1024),
    }


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    return redirect(target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "sandbox_runner:scratchpad")


@require_POST
@csrf_protect_signed_in
def upload_file(request: HttpRequest) -> HttpResponse:
    error = ""
    file = request.FILES.get("file")
    if file is None:
        error = "Choose a file to upload."
    else:
        try:
            store_upload(file=file, user=request.user, session_key=session_key_for(request))
        except UploadRefused as refused:
            error = str(refused)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return _back(request)
    return render(
        request,
        "sandbox_runner/_uploads.html",
        {**_uploads_context(request), "error": error, "next": request.POST.get("next", "")},
        status=400 if error else 200,
    )


@require_POST
@csrf_protect_signed_in
def delete_upload(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = Upload.objects.for_owner_of(request).filter(pk=upload_id).first()
    if upload is not None:
        uploads.delete_upload(upload=upload)
    if not request.htmx:
        return _back(request)
    return render(request, "sandbox_runner/_uploads.html", {**_uploads_context(request), "next": request.POST.get("next", "")})
