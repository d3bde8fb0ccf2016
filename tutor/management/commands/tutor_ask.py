"""Ask the tutor from the shell, as the API would answer; the question is not logged as a learner's."""

from __future__ import annotations

import json
import textwrap

from django.core.management.base import BaseCommand, CommandError

from lessons.models import Lesson
from tutor.api import REASONS, TutorApi
from tutor.services import TutorInputError, ask


class Command(BaseCommand):
    help = (
        "Ask the tutor a question about one lesson and print its answer with the sections it used. "
        "The question is not logged: the question log is what learners ask."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the lesson's slug")
        parser.add_argument("question")
        parser.add_argument("--history-json", default="", help='earlier turns, oldest first: \'[{"question": "...", "answer": "..."}]\'')
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print exactly what POST /api/lessons/<slug>/tutor/ answers, and nothing else"
        )

    def handle(self, *args, slug: str, question: str, history_json: str, as_json: bool, **options):
        lesson = Lesson.objects.published().filter(slug=slug).first()
        if lesson is None:
            raise CommandError(f"There is no published lesson {slug!r}.")
        history = self._history(history_json)
        try:
            reply = ask(lesson, question, history, log=False)
        except TutorInputError as error:
            raise CommandError(str(error)) from None
        data = TutorApi.OutputSerializer(reply.to_json()).data
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        reasons = dict(REASONS)
        self.stdout.write(f"{reasons.get(data['reason'], data['reason']).capitalize()} ({data['engine']}, {data['latency_ms']} ms)\n")
        self.stdout.write(textwrap.fill(data["answer"], width=100))
        if data["citations"]:
            self.stdout.write("\nSections:")
            for citation in data["citations"]:
                self.stdout.write(f"  {citation['section']}  {lesson.get_absolute_url()}#{citation['anchor']}")
                if citation["quote"]:
                    self.stdout.write(textwrap.fill(f"“{citation['quote']}”", width=100, initial_indent="    ", subsequent_indent="    "))
        if data["see_also"]:
            self.stdout.write("\nSee also:")
            for other in data["see_also"]:
                self.stdout.write(f"  {other['title']}  {other['url']}")

    @staticmethod
    def _history(given: str) -> list:
        if not given:
            return []
        try:
            history = json.loads(given)
        except ValueError as error:
            raise CommandError(f"--history-json is not valid JSON: {error}") from None
        if not isinstance(history, list):
            raise CommandError('--history-json must be a list of turns: [{"question": "...", "answer": "..."}]')
        return history
