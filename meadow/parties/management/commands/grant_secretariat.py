"""``meadow grant-secretariat USERNAME CONVENTION``: put a user on a secretariat's staff."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from meadow.core.actors import SystemActor
from meadow.parties import team
from meadow.parties.management.commands._people import user_named


class Command(BaseCommand):
    help = "Put an existing user on the staff of a convention's secretariat (--revoke: take off)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("convention", help="Convention code: cbd, cites, ramsar...")
        parser.add_argument("--revoke", action="store_true", help="Take the user off instead")

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_named(options["username"])
        convention = options["convention"].lower()
        try:
            if options["revoke"]:
                team.revoke_secretariat(actor=SystemActor("cli"), user=user, convention=convention)
                self.stdout.write(f"{user.get_username()} is off the {convention} secretariat")
                return
            team.grant_secretariat(actor=SystemActor("cli"), user=user, convention=convention)
        except team.TeamError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{user.get_username()} is on the {convention} secretariat")
