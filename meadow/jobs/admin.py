from django.contrib import admin

from meadow.core.admin import ReadOnlyAdmin
from meadow.jobs.models import Job


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "status", "stage", "done", "total", "created_by", "created_at"]
    list_filter = ["kind", "status"]
