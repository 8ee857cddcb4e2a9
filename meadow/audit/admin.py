from django.contrib import admin

from meadow.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_uid"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_uid", "actor"]

    # The log is written by actions only.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
