"""A background job and what it has done so far."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _

# Names of the steps that job functions report, as people read them.
STAGES: dict[str, Any] = {
    "unpacking": _("Unpacking the archive"),
    "reading": _("Reading the files"),
    "validating": _("Checking every row"),
    "writing": _("Writing the data"),
    "assessing": _("Assessing progress"),
    "storing": _("Storing the results"),
}


def progress_key(job_id: int) -> str:
    """Cache key of a running job's live progress."""
    return f"meadow:job:{job_id}:progress"


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=50, help_text="What the job does: import, assess...")
    func = models.CharField(max_length=200, help_text="Dotted path of the function it runs")
    arguments = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=100, blank=True, help_text="Step under way: reading...")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="Empty for jobs the system started",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"job {self.pk} {self.kind} ({self.status})"

    @property
    def uid(self) -> str:
        return f"job/{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def live(self) -> Job:
        """The job with the progress its runner has reported but not yet stored."""
        if self.status == self.Status.RUNNING:
            # A job inside one long transaction cannot write its row where others see
            # it; its runner reports through the cache instead.
            current: dict[str, Any] | None = cache.get(progress_key(self.pk))
            if current:
                self.stage = current["stage"]
                self.done = current["done"]
                self.total = current["total"]
        return self

    @property
    def stage_label(self) -> str:
        return str(STAGES.get(self.stage, self.stage))

    @property
    def percent(self) -> int | None:
        return min(100, round(100 * self.done / self.total)) if self.total else None
