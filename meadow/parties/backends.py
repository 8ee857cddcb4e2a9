"""The sign-in backend: Django's own, with failures counted and throttled.

Every way of signing in with a password (the sign-in page, the admin's, the
asynchronous path) goes through it, so none of them escapes the throttle.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from meadow.parties import throttle


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        if throttle.blocked(request, username):
            # Stops authentication at once; Django reports a failed sign-in.
            raise PermissionDenied("too many failed attempts")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttle.failed(request, username)
        else:
            throttle.succeeded(request, username)
        return user

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        return await sync_to_async(self.authenticate)(
            request, username=username, password=password, **kwargs
        )
