from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "monell.web.intake"
    label = "intake"
    verbose_name = "Public interview"
