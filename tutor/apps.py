from django.apps import AppConfig


class TutorConfig(AppConfig):
    name = "tutor"
    verbose_name = "Tutor"

    def ready(self) -> None:
        from lessons.panels import LessonPanel, register_panel
        from lessons.signals import catalog_imported
        from tutor.index import on_catalog_imported
        from tutor.panels import tutor_panel_context

        catalog_imported.connect(on_catalog_imported, dispatch_uid="tutor-index")
        # After the lesson, before its quiz: questions come while reading, the quiz after.
        register_panel(LessonPanel("tutor", "tutor/conversation.html#tutor-panel", "after_lesson", 5, tutor_panel_context))
