from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "monell.web.audit"
    label = "audit"
    verbose_name = "Audit log"
