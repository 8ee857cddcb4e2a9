from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "meadow.audit"
    verbose_name = "Audit log"
