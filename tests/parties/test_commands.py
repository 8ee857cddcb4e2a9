"""meadow grant-role, grant-secretariat and create-token."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from meadow.audit.models import AuditEntry
from meadow.parties import roles
from meadow.parties.models import ApiToken, CountryRole, SecretariatRole, digest
from tests.parties.conftest import People

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]


def test_grant_role(people: People, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("grant_role", "nobody", "ken", "reviewer")
    assert "nobody is reviewer for KEN" in capsys.readouterr().out
    assert roles.roles_in(people.nobody, "KEN") == {"reviewer"}
    entry = AuditEntry.objects.get(object_uid="party/KEN/team/nobody")
    assert (entry.actor, entry.country, entry.source) == ("system:cli", "KEN", "meadow grant-role")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ghost", "GBR", "reviewer"], "no user 'ghost': create the account first"),
        (["nobody", "XYZ", "reviewer"], "'XYZ' is not the ISO alpha-3 code of a country"),
        (["nobody", "GBR", "boss"], "invalid choice: 'boss'"),
    ],
)
def test_grant_role_refuses_clearly(people: People, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("grant_role", *args)
    assert not CountryRole.objects.filter(user=people.nobody).exists()


def test_grant_secretariat(people: People) -> None:
    call_command("grant_secretariat", "nobody", "ramsar")
    assert SecretariatRole.objects.filter(user=people.nobody, convention__code="ramsar").exists()
    with pytest.raises(CommandError, match="'nope' is not a convention; the conventions are: cbd"):
        call_command("grant_secretariat", "nobody", "nope")
    with pytest.raises(CommandError, match="no user 'ghost'"):
        call_command("grant_secretariat", "ghost", "cbd")
    call_command("grant_secretariat", "nobody", "ramsar", revoke=True)
    assert not SecretariatRole.objects.filter(user=people.nobody).exists()
    assert [
        e.action
        for e in AuditEntry.objects.filter(
            object_type="secretariat-member", object_uid__contains="nobody"
        ).order_by("id")
    ] == ["secretariat.grant", "secretariat.revoke"]


def test_create_token_prints_the_key_once(
    people: People, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("create_token", "carla", "GBR", "contributor", name="nightly", days=30)
    captured = capsys.readouterr()
    key = captured.out.strip()
    assert "the key, shown only now" in captured.err
    token = ApiToken.objects.get(user=people.contributor)
    assert token.key_digest == digest(key)
    assert token.expires_at is not None
    me = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert me["token"] == {"country": "GBR", "role": "contributor"}
    assert AuditEntry.objects.get(action="token.create").actor == "system:cli"


def test_create_token_needs_the_role(people: People) -> None:
    with pytest.raises(
        CommandError, match="carla is not focal-point for GBR: grant the role first"
    ):
        call_command("create_token", "carla", "GBR", "focal-point", name="x")
    with pytest.raises(CommandError, match="--days must be 1 or more"):
        call_command("create_token", "carla", "GBR", "contributor", name="x", days=0)
    assert not ApiToken.objects.exists()
