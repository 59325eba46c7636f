from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "monell.web.api"
    label = "api"
    verbose_name = "HTTP API"
