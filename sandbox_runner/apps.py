from django.apps import AppConfig


class SandboxRunnerConfig(AppConfig):
    name = "sandbox_runner"
    verbose_name = "Sandbox runner"

    def ready(self) -> None:
        from common.browser import register_claim
        from lessons.authoring.parts import register_part
        from lessons.panels import LessonPanel, register_panel
        from sandbox_runner.authoring import ExercisePart
        from sandbox_runner.panels import exercise_panel_context
        from sandbox_runner.services import claim_browser_runs_and_uploads

        register_part(ExercisePart())
        register_claim("runs and uploads", claim_browser_runs_and_uploads)
        register_panel(LessonPanel("exercise", "sandbox_runner/_exercise_panel.html", "after_sections", 10, exercise_panel_context))
