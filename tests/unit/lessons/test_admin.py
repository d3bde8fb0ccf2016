from __future__ import annotations

import pytest

from lessons.authoring.importer import import_catalog
from lessons.models import Lesson, Track
from lessons.services import search_lessons
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


def form_data(form) -> dict:
    """Return what a browser would post back for an unchanged admin form."""
    data = {}
    for field in form:
        value = field.field.prepare_value(field.value())
        if value is not None and value is not False:
            data[field.html_name] = value
    return data


def test_an_emergency_fix_in_the_admin_is_found_by_search(client, author, mini_course):
    import_catalog(mini_course)
    client.force_login(author)
    lesson = Lesson.objects.get(slug="first-steps")
    url = f"/admin/lessons/lesson/{lesson.pk}/change/"
    page = client.get(url)
    data = form_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        data |= form_data(inline.formset.management_form)
        for form in inline.formset.forms:
            data |= form_data(form)

    response = client.post(url, data | {"title": "First steps with spreadsheets"})

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert [found.slug for found in search_lessons("spreadsheet")[:10]] == ["first-steps"]
