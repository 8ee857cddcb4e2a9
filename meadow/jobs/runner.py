"""Run a function as a background job, with progress that a page can poll.

``enqueue("import", "meadow.indicators.uploads.run_import", created_by=user, path=...)``
stores a ``Job`` and, once the surrounding transaction has committed, runs the
function in a background thread of this process: the embedded default, with no
broker to install. The function is called with its stored keyword arguments and a
``progress(stage, done, total)`` callback; what it returns (JSON) becomes the job's
result, and raising ``JobFailed`` ends it as failed with a message and a result (an
error list, say). Any other exception fails the job with the exception's text.

With the ``MEADOW_JOBS_SYNC`` setting the function runs inline, at once, in the
caller's thread (tests, scripts).

The interface is kept so that a Celery backend can replace the thread: the job's
arguments are JSON and stored on the row, the function is named by a dotted path
rather than passed as an object, the only thing handed to the worker is the job's id
(``run(job_id)`` is what a Celery task would call), and live progress goes through
Django's cache, which in server mode is the Redis that workers share. Jobs run one
at a time per process: on SQLite two imports would only wait for each other's write
lock.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from meadow.jobs.models import Job, progress_key

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

# Live progress outlives a crashed process by a day at most.
PROGRESS_TTL = 24 * 3600
# A job inside no transaction stores its progress on its row at most this often.
ROW_INTERVAL = 1.0


class JobFailed(Exception):
    """Ends a job as failed with a message for people and a result for pages and the API."""

    def __init__(self, message: str, result: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.result = result


def enqueue(kind: str, func_path: str, *, created_by: Any = None, **kwargs: Any) -> Job:
    """Store a job that runs ``func_path(progress=..., **kwargs)``, and start it after commit.

    ``created_by`` is the user who asked for it (None for the system). The keyword
    arguments must be JSON, so that the job can be stored and handed to a worker.
    """
    import_string(func_path)  # a wrong path fails here, in the caller, not in a worker
    try:
        arguments = json.loads(json.dumps(kwargs))
    except TypeError as exc:
        raise TypeError(f"job arguments must be JSON: {exc}") from None
    user = created_by if getattr(created_by, "is_authenticated", False) else None
    job = Job.objects.create(kind=kind, func=func_path, arguments=arguments, created_by=user)
    if settings.JOBS_SYNC:
        run(job.pk)
        job.refresh_from_db()
    else:
        job_id = job.pk
        transaction.on_commit(lambda: _executor().submit(_run_in_thread, job_id))
    return job


def run(job_id: int) -> None:
    """Run a stored job to its end, recording its outcome; what a worker calls."""
    # Claiming the row in one update keeps two workers from running the same job.
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    reporter = _Reporter(job_id)
    outcome: dict[str, Any]
    try:
        func = import_string(job.func)
        result = func(progress=reporter, **job.arguments)
        outcome = {"status": Job.Status.DONE, "result": result}
        if reporter.total:
            reporter.done = reporter.total
    except JobFailed as exc:
        outcome = {"status": Job.Status.FAILED, "error": exc.message, "result": exc.result}
    except Exception as exc:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        outcome = {"status": Job.Status.FAILED, "error": f"{type(exc).__name__}: {exc}"}
    if reporter.stage:
        outcome |= {"stage": reporter.stage, "done": reporter.done, "total": reporter.total}
    Job.objects.filter(pk=job_id).update(finished_at=timezone.now(), **outcome)
    cache.delete(progress_key(job_id))


class _Reporter:
    """The ``progress`` callback a job function gets."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.stage = ""
        self.done = 0
        self.total = 0
        self._stored = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.stage, self.done, self.total = str(stage)[:100], max(done, 0), max(total, 0)
        state = {"stage": self.stage, "done": self.done, "total": self.total}
        cache.set(progress_key(self.job_id), state, PROGRESS_TTL)
        # Inside a transaction the row's update would wait for its commit (and on
        # SQLite hold up other writers); the cache above is what pollers read then.
        now = time.monotonic()
        if not connection.in_atomic_block and now - self._stored >= ROW_INTERVAL:
            self._stored = now
            Job.objects.filter(pk=self.job_id).update(**state)


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="meadow-job")
        return _pool


def _run_in_thread(job_id: int) -> None:
    try:
        run(job_id)
    except Exception:
        logger.exception("job %s could not be run", job_id)
    finally:
        # Connections belong to the thread that opened them; close this worker's own.
        connections.close_all()
