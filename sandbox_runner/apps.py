from django.apps import AppConfig


class SandboxRunnerConfig(AppConfig):
    name = "sandbox_runner"
    verbose_name = "Sandbox runner"

    def ready(self) -> None:
        from lessons.authoring.parts import register_part
        from sandbox_runner.authoring import ExercisePart

        register_part(ExercisePart())
