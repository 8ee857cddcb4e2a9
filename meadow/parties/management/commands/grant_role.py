"""``meadow grant-role USERNAME COUNTRY ROLE``: give an existing user a role for a country."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from meadow.core.actors import SystemActor
from meadow.parties import team
from meadow.parties.management.commands._people import user_named
from meadow.parties.models import Role


class Command(BaseCommand):
    help = (
        "Give an existing user a role for a country, without an invitation. Roles: "
        + ", ".join(Role.values)
        + "."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("country", help="ISO alpha-3 code: GBR")
        parser.add_argument("role", choices=Role.values)

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_named(options["username"])
        country = options["country"].upper()
        try:
            team.grant_role(
                actor=SystemActor("cli"),
                user=user,
                country=country,
                role=options["role"],
                source="meadow grant-role",
            )
        except team.TeamError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{user.get_username()} is {options['role']} for {country}")
