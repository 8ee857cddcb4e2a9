"""``{% job_progress job %}``: a job's progress, kept up to date by polling its JSON."""

from __future__ import annotations

from typing import Any

from django import template

from meadow.jobs.models import STAGES, Job

register = template.Library()


@register.inclusion_tag("jobs/_progress.html")
def job_progress(job: Job) -> dict[str, Any]:
    job.live()
    labels = {
        "status": {value: str(label) for value, label in Job.Status.choices},
        "stage": {name: str(label) for name, label in STAGES.items()},
    }
    return {"job": job, "labels": labels, "label_id": f"job-{job.pk}-labels"}
