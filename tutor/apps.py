from django.apps import AppConfig


class TutorConfig(AppConfig):
    name = "tutor"
    verbose_name = "Tutor"

    def ready(self) -> None:
        from lessons.signals import catalog_imported
        from tutor.index import on_catalog_imported

        catalog_imported.connect(on_catalog_imported, dispatch_uid="tutor-index")
