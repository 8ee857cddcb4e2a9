"""Background jobs: inline runs, progress, failures, and the thread after commit."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from meadow.jobs import runner
from meadow.jobs.models import Job, progress_key
from meadow.jobs.runner import JobFailed, Progress, enqueue

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def counting_job(*, progress: Progress, steps: int, pause: float = 0.0) -> dict[str, Any]:
    for step in range(steps):
        progress("counting", step, steps)
        time.sleep(pause)
    return {"steps": steps}


def peeking_job(*, progress: Progress) -> dict[str, Any]:
    """Reports progress, then reads its own job the way a polling page does."""
    progress("reading", 2, 5)
    job = Job.objects.get(status=Job.Status.RUNNING).live()
    return {"stage": job.stage, "done": job.done, "total": job.total, "percent": job.percent}


def failing_job(*, progress: Progress, how: str) -> None:
    progress("writing", 1, 4)
    if how == "refused":
        raise JobFailed("2 problems", {"problems": [{"row": 3}, {"row": 9}]})
    raise ValueError("the disk is full")


def test_inline_job_runs_at_once_and_keeps_its_result() -> None:
    job = enqueue("test", "tests.indicators.test_jobs.counting_job", steps=3)
    assert job.status == Job.Status.DONE and job.finished
    assert job.result == {"steps": 3}
    assert job.arguments == {"steps": 3}
    assert (job.stage, job.done, job.total, job.percent) == ("counting", 3, 3, 100)
    assert job.started_at is not None and job.finished_at is not None
    assert job.created_by is None


def test_progress_inside_a_transaction_is_read_from_the_cache() -> None:
    job = enqueue("test", "tests.indicators.test_jobs.peeking_job")
    assert job.result == {"stage": "reading", "done": 2, "total": 5, "percent": 40}
    assert job.stage_label == "Reading the files"
    assert cache.get(progress_key(job.pk)) is None


def test_a_failure_is_recorded_with_its_message() -> None:
    job = enqueue("test", "tests.indicators.test_jobs.failing_job", how="crash")
    assert job.status == Job.Status.FAILED
    assert job.error == "ValueError: the disk is full"
    assert job.result is None
    assert (job.stage, job.done, job.total) == ("writing", 1, 4)
    refused = enqueue("test", "tests.indicators.test_jobs.failing_job", how="refused")
    assert refused.status == Job.Status.FAILED
    assert refused.error == "2 problems"
    assert refused.result == {"problems": [{"row": 3}, {"row": 9}]}


def test_arguments_must_be_json_and_the_function_must_exist() -> None:
    with pytest.raises(TypeError, match="must be JSON"):
        enqueue("test", "tests.indicators.test_jobs.counting_job", steps={1, 2})
    with pytest.raises(ImportError):
        enqueue("test", "tests.indicators.test_jobs.no_such_job")
    assert not Job.objects.filter(kind="test").exists()


def test_a_job_runs_once() -> None:
    job = enqueue("test", "tests.indicators.test_jobs.counting_job", steps=1)
    finished = job.finished_at
    runner.run(job.pk)
    job.refresh_from_db()
    assert job.finished_at == finished


def test_without_sync_the_job_waits_for_the_commit(
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.JOBS_SYNC = False
    submitted: list[tuple[Any, ...]] = []

    class Pool:
        def submit(self, *args: Any) -> None:
            submitted.append(args)

    monkeypatch.setattr(runner, "_executor", Pool)
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue("test", "tests.indicators.test_jobs.counting_job", steps=2)
        assert job.status == Job.Status.QUEUED
        assert submitted == []
    assert submitted == [(runner._run_in_thread, job.pk)]
    runner.run(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE


def test_threaded_job_in_a_real_process(tmp_path: Path) -> None:
    """The embedded mode end to end: committed job, background thread, live progress."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "meadow.config.settings",
        "MEADOW_DATA_DIR": str(tmp_path),
        "MEADOW_JOBS_SYNC": "false",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("MEADOW_DATABASE_URL", None)
    env.pop("MEADOW_REDIS_URL", None)
    script = """
import time
from meadow.jobs.models import Job
from meadow.jobs.runner import enqueue
job = enqueue("test", "tests.indicators.test_jobs.counting_job", steps=5, pause=0.1)
seen = set()
for _ in range(300):
    job.refresh_from_db()
    job.live()
    seen.add((job.status, job.done))
    if job.finished:
        break
    time.sleep(0.02)
print(job.status, job.result, sorted(s for s, _ in seen), max(d for _, d in seen))
"""
    for args in (["migrate", "--verbosity", "0"], ["shell", "-c", script]):
        result = subprocess.run(
            [sys.executable, "-m", "meadow.cli", *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-2000:]
    status, rest = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "done"
    assert "{'steps': 5}" in rest
    assert "'running'" in rest  # seen while it ran, with its progress
