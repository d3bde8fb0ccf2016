from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = "Progress"

    def ready(self) -> None:
        from lessons.panels import MapPanel, register_map_panel
        from progress.learner_views import continue_panel_context

        register_map_panel(MapPanel("continue", "progress/learner_map_panel.html", 10, continue_panel_context))
