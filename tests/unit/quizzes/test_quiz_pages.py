"""Taking the quiz through the pages: plain forms and htmx, with answers kept secret until graded."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from quizzes.models import Attempt, LessonProgress, Question
from quizzes.records import read_record

pytestmark = pytest.mark.django_db
QUIZ = "/lessons/first-steps/quiz/"
RIGHT = {"load-function": "pd.read_csv", "what-to-check": ["head", "shape"], "look-first": "false", "row-count": "10", "library": "pandas"}


def csrf(client: Client, path: str = QUIZ) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(path).content.decode()).group(1)


def start(client: Client) -> Attempt:
    client.post("/lessons/first-steps/quiz/start/", {"csrfmiddlewaretoken": csrf(client)})
    return Attempt.objects.latest("started_at")


def answer(client: Client, attempt: Attempt, key: str, given, **headers):
    return client.post("/lessons/first-steps/quiz/answer/", {"attempt": str(attempt.public_id), "question": key, "answer": given}, headers=headers)


def records_in(html: str) -> list[str]:
    found = re.search(r"<div hidden data-progress-records><script[^>]*>(.*?)</script>", html, re.S)
    return json.loads(found.group(1)) if found else []


def test_the_lesson_page_ends_with_the_quiz_panel(client, quiz):
    page = client.get("/lessons/first-steps/").content.decode()

    assert "End-of-lesson quiz" in page
    assert "Check what stuck" in page
    assert "5 questions" in page
    assert "Score saves to your progress" in page
    assert "Progress saved locally in this browser." in page


def test_no_correct_answer_or_explanation_reaches_the_browser_before_grading(client, quiz):
    secrets = [q.explanation for q in Question.objects.filter(quiz=quiz) if q.explanation] + ["Counting from zero"]
    pages = [client.get("/lessons/first-steps/").content.decode(), client.get(QUIZ).content.decode()]
    attempt = start(client)
    for key in RIGHT:
        pages.append(client.get(QUIZ).content.decode())
        pages.append(client.get(QUIZ, headers={"HX-Request": "true"}).content.decode())
        question = Question.objects.get(quiz=quiz, key=key)
        for page in pages:
            if question.explanation:
                assert question.explanation not in page, key
        answer(client, attempt, key, RIGHT[key])
        pages = []
    assert secrets  # the fixture's quiz does explain its answers


def test_a_plain_form_answer_redirects_to_feedback_then_the_next_question(client, quiz):
    attempt = start(client)

    response = answer(client, attempt, "load-function", "pd.open")
    feedback = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert "Not quite" in feedback
    assert "read_csv reads comma-separated files." in feedback
    assert 'href="/lessons/first-steps/#loading-a-table"' in feedback
    assert "Next question" in feedback
    assert "Which show you the data?" in client.get(QUIZ).content.decode()


def test_htmx_answers_swap_in_feedback_with_its_signed_record(client, quiz):
    attempt = start(client)

    response = answer(client, attempt, "load-function", "pd.read_csv", **{"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Right" in html
    (record,) = records_in(html)
    assert read_record(record).correct is True


def test_an_attempt_in_progress_survives_a_reload(client, quiz):
    attempt = start(client)
    answer(client, attempt, "load-function", "pd.read_csv")
    answer(client, attempt, "what-to-check", ["head", "shape"])

    page = client.get(QUIZ).content.decode()

    assert "Question 3 of 5" in page
    assert "You should compute before you look." in page
    assert len(records_in(page)) == 2


def test_finishing_shows_score_pass_missed_sections_and_retake(client, quiz):
    attempt = start(client)
    for key, given in (RIGHT | {"library": "numpy", "what-to-check": ["head"]}).items():
        last = answer(client, attempt, key, given)

    results = client.get(client.get(last["Location"]).wsgi_request.path + f"?attempt={attempt.public_id}").content.decode()

    assert "60%" in results
    assert "Passed" in results
    assert "Which show you the data?" in results
    assert "Reread" in results
    assert "Which library provides read_csv?" in results
    assert "Retake" in results
    kinds = [read_record(record).__class__.__name__ for record in records_in(results)]
    assert kinds.count("AttemptRecord") == 1


def test_choices_not_offered_get_a_clear_error_and_the_question_again(client, quiz):
    attempt = start(client)

    response = answer(client, attempt, "load-function", "pd.magic")

    assert response.status_code == 400
    assert "not one of this question&#x27;s choices" in response.content.decode()
    assert not attempt.answers.exists()


def test_an_unknown_question_or_someone_elses_attempt_is_not_found(client, quiz):
    attempt = start(client)
    other = Client()

    assert answer(client, attempt, "no-such-question", "x").status_code == 404
    assert answer(other, attempt, "load-function", "pd.read_csv").status_code == 404
    assert other.post("/lessons/first-steps/quiz/answer/", {"attempt": "not-a-uuid", "question": "load-function"}).status_code == 404


def test_retaking_never_lowers_the_best_score(client, quiz, learner):
    client.force_login(learner)
    first = start(client)
    for key, given in RIGHT.items():
        answer(client, first, key, given)
    client.post("/lessons/first-steps/quiz/start/", {"csrfmiddlewaretoken": csrf(client)})
    retake = Attempt.objects.latest("started_at")
    for key in RIGHT:
        answer(
            client, retake, key, {"load-function": "pd.open", "what-to-check": ["head"], "look-first": "true", "row-count": "1", "library": "x"}[key]
        )

    progress = LessonProgress.objects.get(learner=learner)
    assert (progress.best_score, progress.last_score, progress.attempts, progress.is_completed) == (100, 0, 2, True)
    assert "Best 100%" in client.get(QUIZ).content.decode()


def test_past_attempts_can_be_reviewed_question_by_question_by_their_owner_only(client, quiz, learner, stranger):
    client.force_login(learner)
    attempt = start(client)
    for key, given in (RIGHT | {"library": "numpy"}).items():
        answer(client, attempt, key, given)
    url = f"/lessons/first-steps/quiz/attempts/{attempt.public_id}/"

    review = client.get(url).content.decode()

    assert "Your answer: <strong>numpy</strong>" in review
    assert "✗ wrong" in review
    assert "✓ right" in review
    assert "pandas, usually imported as pd." in review
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_signing_in_moves_the_browsers_attempts_to_the_account(client, quiz, learner):
    attempt = start(client)
    for key, given in RIGHT.items():
        answer(client, attempt, key, given)
    open_attempt = start(client)
    answer(client, open_attempt, "load-function", "pd.read_csv")

    client.post("/accounts/sign-in/", {"username": "alice@example.com", "password": "correct-horse", "csrfmiddlewaretoken": csrf(client)})

    assert set(Attempt.objects.filter(learner=learner).values_list("pk", flat=True)) == {attempt.pk, open_attempt.pk}
    assert LessonProgress.objects.get(learner=learner).best_score == 100
    assert "Question 2 of 5" in client.get(QUIZ).content.decode()
