"""``meadow create-token USERNAME COUNTRY ROLE --name N``: an API token, its key printed once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from meadow.core.actors import SystemActor
from meadow.parties import team
from meadow.parties.management.commands._people import user_named
from meadow.parties.models import Role


class Command(BaseCommand):
    help = (
        "Make an API token for a user, acting with one role they hold for one country; "
        "prints the key, which is not stored and cannot be shown again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("country", help="ISO alpha-3 code: GBR")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--name", required=True, help="What the token is for")
        parser.add_argument(
            "--days", type=int, default=None, help="Expires after this many days (default: never)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_named(options["username"])
        country = options["country"].upper()
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more")
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None
        try:
            token, key = team.issue_token(
                actor=SystemActor("cli"),
                owner=user,
                name=options["name"],
                country=country,
                role=options["role"],
                expires_at=expires_at,
            )
        except PermissionDenied:
            raise CommandError(
                f"{user.get_username()} is not {options['role']} for {country}: grant the role "
                "first (meadow grant-role)"
            ) from None
        except team.TeamError as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(
            f"token {token.name!r} ({token.prefix}…) for {user.get_username()}, "
            f"{token.role} of {country}; the key, shown only now:"
        )
        self.stdout.write(key)
