"""Authors read the question log in the admin: what learners asked, and what lessons did not answer."""

from __future__ import annotations

import pytest

from tutor.services import ask

pytestmark = pytest.mark.django_db
ADMIN = "/admin/tutor/askedquestion/"


def test_authors_see_asked_questions_filtered_by_whether_the_lesson_covered_them(client, author, learner, tides):
    ask(tides, "What causes the tides?")
    ask(tides, "Who won the football world cup in 1998?", user=learner)
    client.force_login(author)

    everything = client.get(ADMIN).content.decode()
    not_covered = client.get(f"{ADMIN}?covered__exact=0").content.decode()

    assert "What causes the tides?" in everything
    assert "Who won the football world cup in 1998?" in not_covered
    assert "What causes the tides?" not in not_covered
    assert learner.email not in everything


def test_the_log_is_read_only(client, author, tides):
    ask(tides, "What causes the tides?")
    client.force_login(author)
    logged = tides.tutor_questions.get()

    assert client.get(f"{ADMIN}add/").status_code == 403
    detail = client.get(f"{ADMIN}{logged.pk}/change/")
    assert detail.status_code == 200
    assert 'name="question"' not in detail.content.decode()
    assert client.post(f"{ADMIN}{logged.pk}/change/", {"question": "changed"}).status_code == 403
    logged.refresh_from_db()
    assert logged.question == "What causes the tides?"


def test_learners_cannot_read_the_log(client, learner):
    client.force_login(learner)

    assert client.get(ADMIN).status_code == 302
