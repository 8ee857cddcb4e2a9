"""Reads of jobs, limited to those the asker may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from meadow.core.actors import is_staff
from meadow.jobs.models import Job


def visible_to(user: Any) -> QuerySet[Job]:
    """Staff see every job; others see the system's jobs and their own.

    A person's job can carry details of a file they uploaded and that was never
    published (its error list), so it stays theirs.
    """
    jobs = Job.objects.select_related("created_by")
    if is_staff(user):
        return jobs
    mine = Q(created_by__isnull=True)
    if user.is_authenticated:
        mine |= Q(created_by=user)
    return jobs.filter(mine)


def job_for(user: Any, job_id: int) -> Job | None:
    return visible_to(user).filter(pk=job_id).first()
