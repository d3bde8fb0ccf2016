from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes"

    def ready(self) -> None:
        from common.browser import register_claim
        from lessons.authoring.parts import register_part
        from lessons.panels import LessonPanel, register_panel
        from quizzes.authoring import QuizPart
        from quizzes.panels import quiz_panel_context
        from quizzes.services import claim_browser_attempts

        register_part(QuizPart())
        register_panel(LessonPanel("quiz", "quizzes/_quiz_panel.html", "after_lesson", 10, quiz_panel_context))
        register_claim("quiz attempts", claim_browser_attempts)
