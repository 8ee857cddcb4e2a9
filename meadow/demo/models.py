"""A mark that this database holds the illustrative demo data set."""

from __future__ import annotations

from django.db import models


class DemoLoad(models.Model):
    """One loading of the demo data set; its presence puts a notice on every page."""

    loaded_at = models.DateTimeField(auto_now_add=True)
    countries = models.JSONField(default=list, help_text="ISO alpha-3 codes of the demo countries")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the demo files loaded")

    class Meta:
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"demo data loaded {self.loaded_at:%Y-%m-%d %H:%M}"
