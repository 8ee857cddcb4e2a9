from django.contrib import admin

from meadow.audit.models import AuditEntry
from meadow.core.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The log is written by actions only; the admin reads it."""

    list_display = ["at", "actor", "action", "object_uid"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_uid", "actor"]
