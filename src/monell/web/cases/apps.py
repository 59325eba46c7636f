from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "monell.web.cases"
    label = "cases"
    verbose_name = "Leads and matters"
