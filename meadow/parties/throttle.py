"""Sign-in throttling: after repeated failures, further attempts are refused for a while.

Failures are counted per user name and per client address in the shared cache (local
memory in one process, Redis in server mode), in one-minute buckets, so the count is
always that of the last ``WINDOW`` seconds. Once either count reaches ``ATTEMPTS``,
every attempt for that name or from that address is refused, right password or not,
until old failures drop out of the window. Nothing tells whether the name exists.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

ATTEMPTS = 5
WINDOW = 15 * 60
BUCKET = 60

clock: Callable[[], float] = time.time


def client_address(request: HttpRequest | None) -> str:
    """The address the request comes from ('' when unknown)."""
    if request is None:
        return ""
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return str(request.META.get("REMOTE_ADDR", "") or "")


def _subjects(request: HttpRequest | None, username: str) -> list[str]:
    subjects = [f"user:{username.strip().casefold()}"]
    address = client_address(request)
    if address:
        subjects.append(f"address:{address}")
    return subjects


def _keys(subject: str) -> list[str]:
    """Cache keys of the buckets that make up the window, the current one last."""
    name = hashlib.sha256(subject.encode()).hexdigest()[:32]
    current = int(clock() // BUCKET)
    return [
        f"meadow:sign-in:{name}:{n}" for n in range(current - WINDOW // BUCKET + 1, current + 1)
    ]


def failures(subject: str) -> int:
    return sum(int(v) for v in cache.get_many(_keys(subject)).values())


def blocked(request: HttpRequest | None, username: str) -> bool:
    """Whether attempts for this name, or from this request's address, are refused now."""
    return any(failures(subject) >= ATTEMPTS for subject in _subjects(request, username))


def failed(request: HttpRequest | None, username: str) -> None:
    """Count one failed attempt for the name and the address."""
    for subject in _subjects(request, username):
        key = _keys(subject)[-1]
        if cache.add(key, 1, WINDOW + BUCKET):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, WINDOW + BUCKET)


def succeeded(request: HttpRequest | None, username: str) -> None:
    """Forget the name's failures once its password was given right (not the address's)."""
    cache.delete_many(_keys(f"user:{username.strip().casefold()}"))
