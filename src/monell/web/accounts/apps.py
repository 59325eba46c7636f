from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "monell.web.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"

    def ready(self) -> None:
        from monell.web.accounts import signals  # noqa: F401
