from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes"

    def ready(self) -> None:
        from lessons.authoring.parts import register_part
        from quizzes.authoring import QuizPart

        register_part(QuizPart())
