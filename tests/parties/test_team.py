"""Invitations, the team page and its access matrix, and the team actions' audit entries."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from meadow.audit.models import AuditEntry
from meadow.parties import roles, team
from meadow.parties.models import ApiToken, CountryRole, Invitation
from tests.parties.conftest import PASSWORD, SYSTEM, People, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

Capture = Callable[..., Any]
LINK = re.compile(r"http://testserver/invitation/([A-Za-z0-9_-]+)")


def text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


def invite_through_the_page(
    client: Client, capture: Capture, email: str = "nadia@example.org", role: str = "contributor"
) -> str:
    """Invite from GBR's team page; returns the secret from the mailed link."""
    with capture(execute=True):
        response = client.post("/place/GBR/team", {"email": email, "role": role})
    assert response.status_code == 200, text(response.content)
    assert "The invitation is sent." in text(response.content)
    message = mail.outbox[-1]
    assert message.to == [email]
    assert "United Kingdom" in message.subject
    match = LINK.search(message.body)
    assert match, message.body
    # The page shows the same link once, for when the mail does not arrive.
    assert match.group(0) in response.content.decode()
    return match.group(1)


# The invitation flow ------------------------------------------------------------------------


def test_a_focal_point_invites_and_a_newcomer_opens_an_account_and_joins(
    people: People, django_capture_on_commit_callbacks: Capture
) -> None:
    secret = invite_through_the_page(
        client_for(people.focal_point), django_capture_on_commit_callbacks
    )
    message = mail.outbox[-1]
    assert "fiona invites you to join the reporting team of" in message.body
    assert "as Contributor" in message.body
    invitation = Invitation.objects.get(email="nadia@example.org")
    assert invitation.secret_digest != secret  # only the digest is stored
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=14)

    newcomer = Client()
    page = newcomer.get(f"/invitation/{secret}")
    assert page.status_code == 200
    assert "Join the team of United Kingdom" in text(page.content)
    assert "Open an account" in text(page.content)
    response = newcomer.post(
        f"/invitation/{secret}",
        {"username": "nadia", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/place/GBR/team"
    nadia = User.objects.get(username="nadia")
    assert nadia.email == "nadia@example.org"
    assert nadia.check_password(PASSWORD)
    held = CountryRole.objects.get(user=nadia)
    assert (held.country.code, held.role, held.granted_by) == (
        "GBR",
        "contributor",
        people.focal_point,
    )
    invitation.refresh_from_db()
    assert invitation.accepted_by == nadia and invitation.accepted_at is not None
    # Signed in at once, and in the team.
    team_page = newcomer.get("/place/GBR/team")
    assert team_page.status_code == 200
    assert (
        "You are now in the team of United Kingdom of Great Britain and Northern Ireland "
        "as Contributor." in text(team_page.content)
    )
    assert 'data-member="nadia"' in team_page.content.decode()

    actions = list(
        AuditEntry.objects.filter(country="GBR", at__gte=invitation.created_at)
        .order_by("id")
        .values_list("actor", "action", "object_uid")
    )
    assert actions == [
        ("fiona", "invitation.create", f"party/GBR/invitation/{invitation.pk}"),
        ("anonymous", "user.create", "user/nadia"),
        ("nadia", "team.change", "party/GBR/team/nadia"),
        ("nadia", "invitation.accept", f"party/GBR/invitation/{invitation.pk}"),
    ]


def test_an_invitation_works_once(
    people: People, django_capture_on_commit_callbacks: Capture
) -> None:
    secret = invite_through_the_page(
        client_for(people.focal_point), django_capture_on_commit_callbacks
    )
    first = client_for(people.nobody)
    assert first.post(f"/invitation/{secret}").status_code == 302
    assert roles.roles_in(User.objects.get(pk=people.nobody.pk), "GBR") == {"contributor"}
    for client in (client_for(people.other_country), Client()):
        again = client.get(f"/invitation/{secret}")
        assert again.status_code == 410
        assert "This invitation has already been used." in text(again.content)
    refused = Client().post(
        f"/invitation/{secret}", {"username": "late", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert refused.status_code == 410
    assert not User.objects.filter(username="late").exists()
    assert not CountryRole.objects.filter(user=people.other_country, country__code="GBR").exists()


def test_an_expired_invitation_is_refused(people: People) -> None:
    invitation, secret = team.invite(
        actor=people.focal_point,
        email="old@example.org",
        country="GBR",
        role="reviewer",
        site_url="http://testserver",
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    response = client_for(people.nobody).post(f"/invitation/{secret}")
    assert response.status_code == 410
    assert "This invitation expired on" in text(response.content)
    with pytest.raises(team.InvitationClosed) as caught:
        team.accept_invitation(actor=people.nobody, secret=secret)
    assert caught.value.reason == "expired"
    assert not CountryRole.objects.filter(user=people.nobody).exists()


def test_a_withdrawn_invitation_is_refused_and_an_unknown_one_is_not_found(people: People) -> None:
    invitation, secret = team.invite(
        actor=people.focal_point,
        email="gone@example.org",
        country="GBR",
        role="reviewer",
        site_url="http://testserver",
    )
    fp = client_for(people.focal_point)
    response = fp.post(f"/place/GBR/team/invitation/{invitation.pk}/revoke")
    assert response.status_code == 302
    refused = Client().get(f"/invitation/{secret}")
    assert refused.status_code == 410
    assert "This invitation was withdrawn." in text(refused.content)
    assert Client().get("/invitation/not-a-real-secret").status_code == 404
    entry = AuditEntry.objects.get(action="invitation.revoke")
    assert (entry.actor, entry.country, entry.before, entry.after) == (
        "fiona",
        "GBR",
        {"status": "open"},
        {"status": "revoked"},
    )


def test_an_account_form_with_a_bad_password_creates_nothing(people: People) -> None:
    _, secret = team.invite(
        actor=people.focal_point,
        email="weak@example.org",
        country="GBR",
        role="reviewer",
        site_url="http://testserver",
    )
    response = Client().post(
        f"/invitation/{secret}", {"username": "weak", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 400
    assert "This password is too short." in text(response.content)
    taken = Client().post(
        f"/invitation/{secret}", {"username": "Fiona", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert taken.status_code == 400
    assert "This user name is taken; choose another." in text(taken.content)
    assert not User.objects.filter(username__in=["weak", "Fiona"]).exists()
    assert Invitation.objects.get(email="weak@example.org").is_open


def test_the_secretariat_appoints_a_focal_point_but_not_a_contributor(people: People) -> None:
    client = client_for(people.secretariat)
    page = client.get("/place/GBR/team")
    assert re.findall(r'<option value="([a-z-]+)"', page.content.decode()) == ["focal-point"]
    refused = client.post("/place/GBR/team", {"email": "x@example.org", "role": "contributor"})
    assert refused.status_code == 400
    assert not Invitation.objects.filter(email="x@example.org").exists()
    with pytest.raises(PermissionDenied):
        team.invite(
            actor=people.secretariat,
            email="x@example.org",
            country="GBR",
            role="contributor",
            site_url="http://testserver",
        )


# The team page: who sees it, who changes it --------------------------------------------------

VIEWERS = {"focal_point", "publishing_authority", "contributor", "reviewer", "secretariat", "admin"}


@pytest.mark.parametrize(
    "who",
    [
        "focal_point",
        "publishing_authority",
        "contributor",
        "reviewer",
        "other_country",
        "secretariat",
        "admin",
        "nobody",
        "anonymous",
    ],
)
def test_team_page_access(people: People, who: str) -> None:
    client = client_for(people.named(who))
    response = client.get("/place/GBR/team")
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == "/account/login?next=/place/GBR/team"
        return
    if who not in VIEWERS:
        assert response.status_code == 404
        assert (
            client.post(
                "/place/GBR/team", {"email": "a@example.org", "role": "reviewer"}
            ).status_code
            == 404
        )
        return
    assert response.status_code == 200
    html = response.content.decode()
    for member in ("fiona", "paul", "carla", "rui"):
        assert f'data-member="{member}"' in html
    assert 'data-member="francois"' not in html
    manages = who in {"focal_point", "admin", "secretariat"}
    assert ("Invite someone" in html) == manages
    assert ("Pending invitations" in html) == manages
    # Remove buttons: for every role for the focal point and administrators; the
    # secretariat may remove only the focal point.
    removable = html.count("/team/role/")
    assert removable == {"focal_point": 4, "admin": 4, "secretariat": 1}.get(who, 0)


def test_a_contributor_may_not_invite_or_remove(people: People) -> None:
    client = client_for(people.contributor)
    assert (
        client.post("/place/GBR/team", {"email": "a@example.org", "role": "reviewer"}).status_code
        == 403
    )
    reviewer_role = CountryRole.objects.get(user=people.reviewer)
    assert client.post(f"/place/GBR/team/role/{reviewer_role.pk}/remove").status_code == 403
    assert CountryRole.objects.filter(pk=reviewer_role.pk).exists()


def test_unknown_or_non_country_places_are_not_found(people: People) -> None:
    client = client_for(people.admin)
    assert client.get("/place/XXX/team").status_code == 404
    assert client.get("/place/150/team").status_code == 404  # Europe, not a country
    assert client.get("/place/gbr/team").status_code == 200


def test_removing_a_role_revokes_the_persons_tokens_for_it(people: People) -> None:
    token, _key = team.create_token(
        actor=people.contributor, name="uploader", country="GBR", role="contributor"
    )
    held = CountryRole.objects.get(user=people.contributor)
    response = client_for(people.focal_point).post(f"/place/GBR/team/role/{held.pk}/remove")
    assert response.status_code == 302
    assert not CountryRole.objects.filter(pk=held.pk).exists()
    token.refresh_from_db()
    assert token.revoked_at is not None
    change = AuditEntry.objects.get(
        action="team.change", object_uid="party/GBR/team/carla", actor="fiona"
    )
    assert change.before == {"user": "carla", "roles": ["contributor"]}
    assert change.after is None
    assert change.changed_fields == ["roles", "user"]
    assert ApiToken.objects.get(pk=token.pk).is_active is False


def test_another_countrys_role_cannot_be_removed_through_this_country(people: People) -> None:
    french = CountryRole.objects.get(user=people.other_country)
    response = client_for(people.focal_point).post(f"/place/GBR/team/role/{french.pk}/remove")
    assert response.status_code == 404
    assert CountryRole.objects.filter(pk=french.pk).exists()


def test_granting_twice_changes_nothing_and_records_once(people: People) -> None:
    nobody = people.nobody
    team.grant_role(actor=SYSTEM, user=nobody, country="GBR", role="reviewer")
    team.grant_role(actor=SYSTEM, user=nobody, country="GBR", role="reviewer")
    team.grant_role(actor=SYSTEM, user=nobody, country="GBR", role="contributor")
    entries = AuditEntry.objects.filter(object_uid="party/GBR/team/nobody").order_by("id")
    assert [(e.before, e.after) for e in entries] == [
        (None, {"user": "nobody", "roles": ["reviewer"]}),
        (
            {"user": "nobody", "roles": ["reviewer"]},
            {"user": "nobody", "roles": ["contributor", "reviewer"]},
        ),
    ]
    assert {e.actor for e in entries} == {"system:tests"}


def test_team_actions_refuse_bad_codes(people: People) -> None:
    with pytest.raises(team.TeamError, match="'XYZ' is not the ISO alpha-3 code of a country"):
        team.grant_role(actor=SYSTEM, user=people.nobody, country="XYZ", role="reviewer")
    with pytest.raises(team.TeamError, match="'boss' is not a role"):
        team.grant_role(actor=SYSTEM, user=people.nobody, country="GBR", role="boss")
    with pytest.raises(team.TeamError, match="is not an email address"):
        team.invite(actor=SYSTEM, email="no-at-sign", country="GBR", role="reviewer", site_url="")
    with pytest.raises(team.TeamError, match="'abc' is not a convention"):
        team.grant_secretariat(actor=SYSTEM, user=people.nobody, convention="abc")
    with pytest.raises(PermissionDenied):
        team.grant_role(
            actor=people.focal_point, user=people.nobody, country="GBR", role="reviewer"
        )
