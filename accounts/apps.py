from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        import common.browser  # noqa: F401 - connects the sign-in handler that moves a browser's work
