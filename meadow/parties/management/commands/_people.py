"""What the people commands share: finding a user, turning refusals into clear errors."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.management.base import CommandError


def user_named(username: str) -> AbstractBaseUser:
    model = get_user_model()
    user = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
    if user is None:
        raise CommandError(
            f"no user {username!r}: create the account first (meadow createsuperuser for an "
            "administrator, or an invitation from the team page)"
        )
    return user
