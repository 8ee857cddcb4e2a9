"""API tokens: Bearer keys, their scope, and their refusal when revoked, expired or unknown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIRequestFactory

from meadow.audit.models import AuditEntry
from meadow.core import policies
from meadow.parties import team
from meadow.parties.auth import BearerTokenAuthentication
from meadow.parties.models import ApiToken
from tests.parties.conftest import SYSTEM, People, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]


def bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def acting_as(key: str) -> Any:
    """The user a request with this key acts as, as the API sees it."""
    request = APIRequestFactory().get("/api/v1/me/", **bearer(key))
    found = BearerTokenAuthentication().authenticate(request)  # type: ignore[arg-type]
    assert found is not None
    return found[0]


def test_me_with_a_token_shows_its_scope_only(people: People) -> None:
    team.grant_role(actor=SYSTEM, user=people.focal_point, country="FRA", role="reviewer")
    _, key = team.create_token(
        actor=people.focal_point, name="bot", country="GBR", role="focal-point"
    )
    response = Client().get("/api/v1/me/", **bearer(key))
    assert response.status_code == 200
    assert response.json() == {
        "is_authenticated": True,
        "username": "fiona",
        "is_admin": False,
        "countries": [{"country": "GBR", "roles": ["focal-point"]}],
        "secretariat": [],
        "token": {"country": "GBR", "role": "focal-point"},
    }
    signed_in = client_for(people.focal_point).get("/api/v1/me/").json()
    assert signed_in["countries"] == [
        {"country": "FRA", "roles": ["reviewer"]},
        {"country": "GBR", "roles": ["focal-point"]},
    ]
    assert signed_in["token"] is None


def test_a_focal_points_contributor_scoped_token_cannot_publish(people: People) -> None:
    team.grant_role(actor=SYSTEM, user=people.focal_point, country="GBR", role="contributor")
    _, key = team.create_token(
        actor=people.focal_point, name="drafts", country="GBR", role="contributor"
    )
    user = acting_as(key)
    assert policies.require("national.draft")(user, country="GBR")
    assert not policies.require("national.publish")(user, country="GBR")
    assert not policies.require("team.invite")(user, country="GBR", role="reviewer")


def test_a_token_for_one_country_cannot_act_in_another(people: People) -> None:
    team.grant_role(actor=SYSTEM, user=people.contributor, country="FRA", role="contributor")
    _, key = team.create_token(
        actor=people.contributor, name="uk", country="GBR", role="contributor"
    )
    user = acting_as(key)
    assert policies.require("national.draft")(user, country="GBR")
    assert not policies.require("national.draft")(user, country="FRA")
    client = Client()
    assert client.get("/api/v1/audit/?country=GBR", **bearer(key)).status_code == 200
    assert client.get("/api/v1/audit/?country=FRA", **bearer(key)).status_code == 404


def test_an_administrators_token_is_no_administrator(people: People) -> None:
    team.grant_role(actor=SYSTEM, user=people.admin, country="GBR", role="reviewer")
    _, key = team.create_token(actor=people.admin, name="ro", country="GBR", role="reviewer")
    me = Client().get("/api/v1/me/", **bearer(key)).json()
    assert me["is_admin"] is False
    assert Client().get("/api/v1/audit/?country=FRA", **bearer(key)).status_code == 404
    whole = Client().get("/api/v1/audit/", **bearer(key)).json()["results"]
    assert {entry["country"] for entry in whole} == {"GBR"}


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown", "malformed", "owner inactive"])
def test_refused_keys_get_401(people: People, state: str) -> None:
    token, key = team.create_token(
        actor=people.contributor, name="t", country="GBR", role="contributor"
    )
    header = bearer(key)
    if state == "revoked":
        team.revoke_token(token, actor=people.contributor)
    elif state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
    elif state == "unknown":
        header = bearer(key[:-2] + "xx")
    elif state == "malformed":
        header = {"HTTP_AUTHORIZATION": f"Bearer {key} extra"}
    else:
        people.contributor.is_active = False
        people.contributor.save()
    response = Client().get("/api/v1/me/", **header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "detail" in response.json()


def test_the_refusal_says_why(people: People) -> None:
    token, key = team.create_token(
        actor=people.contributor, name="t", country="GBR", role="contributor"
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    assert Client().get("/api/v1/me/", **bearer(key)).json() == {
        "detail": "This API key has expired."
    }
    team.revoke_token(token, actor=people.contributor)
    assert Client().get("/api/v1/me/", **bearer(key)).json() == {
        "detail": "This API key has been revoked."
    }


def test_a_token_is_revoked_with_its_role(people: People) -> None:
    _token, key = team.create_token(actor=people.reviewer, name="t", country="GBR", role="reviewer")
    # The key is refused once the role goes (its tokens are revoked with it).
    team.revoke_role(people.reviewer.country_roles.get(), actor=people.focal_point)
    assert Client().get("/api/v1/me/", **bearer(key)).status_code == 401


def test_last_use_is_noted_at_most_once_a_minute(people: People) -> None:
    token, key = team.create_token(
        actor=people.contributor, name="t", country="GBR", role="contributor"
    )
    assert token.last_used_at is None
    Client().get("/api/v1/me/", **bearer(key))
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    Client().get("/api/v1/me/", **bearer(key))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    earlier = first - dt.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    Client().get("/api/v1/me/", **bearer(key))
    assert ApiToken.objects.get(pk=token.pk).last_used_at > earlier


def test_only_digests_are_stored_and_the_history_never_holds_a_key(people: People) -> None:
    token, key = team.create_token(
        actor=people.contributor, name="t", country="GBR", role="contributor"
    )
    assert key not in token.key_digest
    assert key.startswith(token.prefix) and len(token.prefix) == 8
    entry = AuditEntry.objects.get(action="token.create")
    assert entry.object_uid == f"party/GBR/token/{token.prefix}"
    assert entry.country == "GBR"
    assert key not in str(entry.after)


def test_tokens_are_not_made_through_a_token(people: People) -> None:
    _, key = team.create_token(
        actor=people.contributor, name="t", country="GBR", role="contributor"
    )
    user = acting_as(key)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        team.create_token(actor=user, name="more", country="GBR", role="contributor")
    # The web pages do not read tokens: the account page sends a token user to sign in.
    response = Client().post(
        "/account/", {"name": "x", "scope": "GBR:contributor", "expires": ""}, **bearer(key)
    )
    assert response.status_code == 302
    assert ApiToken.objects.count() == 1


def test_session_requests_to_the_api_still_work(people: People) -> None:
    me = client_for(people.secretariat).get("/api/v1/me/").json()
    assert me["secretariat"] == ["cbd"]
    assert me["countries"] == []
