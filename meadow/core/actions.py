"""The action pattern: every write is one function decorated with ``@action(policy)``.

An action takes a keyword-only ``actor``, checks the named policy before anything
else, runs inside one transaction, and writes its audit entries through
``meadow.audit.record``. Work that must only happen once the data is safely stored
(cache clearing, indexing, notifications) is registered with ``after_commit``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.db import transaction

from meadow.core import policies

P = ParamSpec("P")
R = TypeVar("R")


def action(policy_name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    policies.require(policy_name)

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            if "actor" not in kwargs:
                raise TypeError(f"{fn.__name__}() needs a keyword-only actor")
            context = {k: v for k, v in kwargs.items() if k != "actor"}
            policies.check(policy_name, kwargs["actor"], **context)  # type: ignore[arg-type]
            with transaction.atomic():
                return fn(*args, **kwargs)

        run.policy = policy_name  # type: ignore[attr-defined]
        return run

    return decorate


def after_commit(fn: Callable[[], Any]) -> None:
    """Run ``fn`` once the surrounding transaction has committed (at once outside one)."""
    transaction.on_commit(fn)
