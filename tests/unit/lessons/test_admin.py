from __future__ import annotations

import pytest

from lessons.authoring.importer import import_catalog
from lessons.models import Lesson, Track
from quizzes.models import Question, Quiz
from sandbox_runner.models import Exercise

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Track, Lesson, Quiz, Question, Exercise])
def test_author_can_browse_every_model_in_the_admin(client, author, mini_course, model):
    import_catalog(mini_course)
    client.force_login(author)
    meta = model._meta

    assert client.get(f"/admin/{meta.app_label}/{meta.model_name}/").status_code == 200
    assert client.get(f"/admin/{meta.app_label}/{meta.model_name}/{model.objects.first().pk}/change/").status_code == 200


def test_lesson_admin_links_to_a_preview_of_the_page(client, author, mini_course):
    import_catalog(mini_course)
    client.force_login(author)

    html = client.get("/admin/lessons/lesson/").content.decode()

    assert '<a href="/lessons/first-steps/" target="_blank">Open lesson page</a>' in html


def test_learners_cannot_open_the_admin(client, learner):
    client.force_login(learner)

    assert client.get("/admin/lessons/lesson/").status_code == 302
