"""API tokens are limited to their scope: one country, one role of their owner's, and
nothing more (docs/api-tokens.md).

The contributor token of the world belongs to a user who is also an administrator,
CBD secretariat staff, Kenya's focal point and Brazil's focal point: none of that
travels with the token.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from meadow.audit.models import AuditEntry
from meadow.commitments import actions as commitment_actions
from meadow.commitments.models import Commitment
from meadow.core.actors import SystemActor
from meadow.parties import team
from meadow.parties.models import ApiToken, CountryRole, Invitation
from meadow.reports import workflow
from meadow.reports.models import Fact, Template
from meadow.targets.models import NationalTarget
from tests.authz.conftest import World, commitment_input, template_file
from tests.authz.matrix import ANSWERED, ANSWERED_CONCEPT, ASSIGNED_QUESTION, OTHER, OWN

pytestmark = pytest.mark.django_db

SYSTEM = SystemActor("tests")
API = "/api/v1"
NEW_TARGET = {
    "code": "TOK1",
    "title": {"en": "Drafted by a script"},
    "alignments": [{"element": "gbf/target/3", "degree": "full"}],
}


def bearer(key: str, **extra: Any) -> Client:
    return Client(headers={"Authorization": f"Bearer {key}"}, **extra)


def post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


def patch(client: Client, url: str, data: Any) -> Any:
    return client.patch(url, data, content_type="application/json")


def put(client: Client, url: str, data: Any) -> Any:
    return client.put(url, data, content_type="application/json")


def test_a_contributor_token_drafts_for_its_country_and_nothing_more(world: World) -> None:
    client = bearer(world.keys["ken-contributor"])
    me = client.get(f"{API}/me/").json()
    assert me["username"] == "multi" and me["is_admin"] is False
    assert me["secretariat"] == []
    assert me["countries"] == [{"country": OWN, "roles": ["contributor"]}]
    assert me["token"] == {"country": OWN, "role": "contributor"}

    made = post(client, f"{API}/national-targets/", {"country": OWN, **NEW_TARGET})
    assert made.status_code == 201, made.content
    target = made.json()
    assert target["status"] == "draft"
    # ... but it cannot publish it, nor change what is published.
    refused = post(client, f"{API}/national-targets/{target['id']}/publish/")
    assert refused.status_code == 403
    assert NationalTarget.objects.get(pk=target["id"]).status == "draft"
    published = world.t["KEN-PUB"]
    change = {"title": {"en": "Changed"}, "version": published.version}
    assert patch(client, f"{API}/national-targets/{published.pk}/", change).status_code == 403
    assert post(client, f"{API}/national-targets/{published.pk}/unpublish/").status_code == 403

    # Brazil is out of its reach, though its user is Brazil's focal point.
    other = post(client, f"{API}/national-targets/", {"country": OTHER, **NEW_TARGET})
    assert other.status_code == 403
    draft = world.t["BRA-DRAFT"]
    assert client.get(f"{API}/national-targets/{draft.pk}/").status_code == 404
    assert post(client, f"{API}/national-targets/{draft.pk}/publish/").status_code == 404
    bra = world.t["BRA-PUB"]
    change = {"title": {"en": "Changed"}, "version": bra.version}
    assert patch(client, f"{API}/national-targets/{bra.pk}/", change).status_code == 403
    assert client.get(f"{API}/audit/?country={OTHER}").status_code == 404
    assert {e["country"] for e in client.get(f"{API}/audit/").json()["results"]} == {OWN}
    assert not NationalTarget.objects.filter(country__code=OTHER, code="TOK1").exists()


def test_a_token_carries_no_secretariat_or_administrator_power(world: World) -> None:
    client = bearer(world.keys["ken-contributor"])
    global_one = world.c["GLOBAL-SUBMITTED"]
    assert client.get(f"{API}/commitments/{global_one.code}/").status_code == 404
    decision = {"country": None, "decision": "approved"}
    refused = post(client, f"{API}/commitments/{global_one.code}/review/", decision)
    assert refused.status_code == 404
    assert Commitment.objects.get(pk=global_one.pk).status == "submitted"
    # The jobs of other people are staff's to read: not through a token.
    assert client.get(f"{API}/jobs/{world.x['admin_job']}/").status_code == 404
    # Nor does the token open the admin site or the staff's import page.
    assert client.get("/admin/").status_code == 302
    assert client.get("/data/import").status_code == 302


def test_tokens_make_no_tokens_and_invite_nobody(world: World) -> None:
    client = bearer(world.keys["ken-focal-point"])
    tokens, invitations, entries = (
        ApiToken.objects.count(),
        Invitation.objects.count(),
        AuditEntry.objects.count(),
    )
    # The API has no route for either...
    assert (
        post(client, f"{API}/tokens/", {"country": OWN, "role": "focal-point"}).status_code == 404
    )
    assert post(client, f"{API}/invitations/", {"email": "x@example.org"}).status_code == 404
    # ... and the web forms do not take a token for a person.
    token_form = {"name": "more", "scope": "KEN:focal-point", "expires": "30"}
    response = client.post("/account/", token_form)
    assert response.status_code == 302 and response["Location"].startswith("/account/login")
    invite = {"email": "friend@example.org", "role": "contributor"}
    response = client.post("/place/KEN/team", invite)
    assert response.status_code == 302 and response["Location"].startswith("/account/login")
    assert (ApiToken.objects.count(), Invitation.objects.count()) == (tokens, invitations)
    assert AuditEntry.objects.count() == entries


def test_revoked_expired_and_unknown_keys_are_refused(world: World) -> None:
    revoked = world.tokens["ken-focal-point"]
    team.revoke_token(revoked, actor=SYSTEM)
    expired = world.tokens["bra-focal-point"]
    ApiToken.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    keys = {
        "revoked": world.keys["ken-focal-point"],
        "expired": world.keys["bra-focal-point"],
        "unknown": "not-a-key-at-all",
    }
    before = NationalTarget.objects.count()
    for name, key in keys.items():
        client = bearer(key)
        # Even what the public reads is refused: a bad key is never taken for no key.
        for url in (f"{API}/frameworks/", f"{API}/me/", f"{API}/national-targets/"):
            response = client.get(url)
            assert response.status_code == 401, (name, url, response.status_code)
            assert response["WWW-Authenticate"].startswith("Bearer"), name
        made = post(client, f"{API}/national-targets/", {"country": OWN, **NEW_TARGET})
        assert made.status_code == 401, name
    assert NationalTarget.objects.count() == before
    for header in ("Bearer", f"Bearer {world.keys['ken-contributor']} extra"):
        response = Client(headers={"Authorization": header}).get(f"{API}/me/")
        assert response.status_code == 401, header


def test_a_token_is_refused_once_its_user_is_inactive(world: World) -> None:
    User.objects.filter(username="multi").update(is_active=False)
    response = bearer(world.keys["ken-contributor"]).get(f"{API}/me/")
    assert response.status_code == 401


def test_a_token_loses_its_power_with_its_role(world: World) -> None:
    # Taken away on the team page: the token is revoked with the role.
    held = CountryRole.objects.get(user=world.users["ken-fp"], country__code=OWN)
    team.revoke_role(held, actor=SYSTEM)
    assert bearer(world.keys["ken-focal-point"]).get(f"{API}/me/").status_code == 401
    # Gone some other way: the token still signs in, but holds no role at all.
    CountryRole.objects.filter(user=world.users["bra-fp"]).delete()
    client = bearer(world.keys["bra-focal-point"])
    me = client.get(f"{API}/me/").json()
    assert me["countries"] == [] and me["token"] == {"country": OTHER, "role": "focal-point"}
    made = post(client, f"{API}/national-targets/", {"country": OTHER, **NEW_TARGET})
    assert made.status_code == 403
    assert client.get(f"{API}/national-targets/{world.t['BRA-DRAFT'].pk}/").status_code == 404


def test_web_pages_ignore_tokens(world: World) -> None:
    client = bearer(world.keys["ken-contributor"])
    account = client.get("/account/")
    assert account.status_code == 302 and account["Location"].startswith("/account/login")
    draft = world.t["KEN-DRAFT"]
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/place/{OWN}/team").status_code == 302
    before = NationalTarget.objects.count()
    form = {"code": "WEB1", "title_en": "Through the web with a key"}
    response = client.post(f"/place/{OWN}/targets/new", form)
    assert response.status_code == 302 and response["Location"].startswith("/account/login")
    assert NationalTarget.objects.count() == before
    # The page does not greet the token's user: it offers to sign in.
    assert "/account/login" in client.get("/").content.decode()


def test_tokens_need_no_csrf_token_but_sessions_do(world: World) -> None:
    session = Client(enforce_csrf_checks=True)
    session.force_login(world.users["ken-contrib"])
    url = f"{API}/national-targets/"
    refused = post(session, url, {"country": OWN, **NEW_TARGET})
    assert refused.status_code == 403 and "CSRF" in refused.content.decode()
    assert not NationalTarget.objects.filter(code="TOK1").exists()
    client = bearer(world.keys["ken-contributor"], enforce_csrf_checks=True)
    assert post(client, url, {"country": OWN, **NEW_TARGET}).status_code == 201


def test_a_token_does_not_carry_its_users_own_commitments(world: World) -> None:
    """A commitment is its owner's to read while a draft and to edit, submit and
    withdraw: signed in with a password, not through a token for a country role."""
    multi = world.users["multi"]
    draft = commitment_actions.create(commitment_input("KEN-DRAFT"), actor=multi)
    in_review = commitment_actions.submit(
        commitment_actions.create(commitment_input("KEN-SUBMITTED"), actor=multi),
        actor=multi,
        owner_id=multi.pk,
    )
    client = bearer(world.keys["ken-contributor"])
    assert client.get(f"{API}/commitments/{draft.code}/").status_code == 404
    mine = client.get(f"{API}/commitments/?mine=true").json()["results"]
    assert draft.code not in {c["code"] for c in mine}
    edit = {"titles": {"en": "Changed by a script"}, "version": draft.version}
    assert patch(client, f"{API}/commitments/{draft.code}/", edit).status_code == 404
    assert post(client, f"{API}/commitments/{draft.code}/submit/").status_code == 404
    # Kenya's team reads a commitment under review; the token still may not withdraw it.
    assert client.get(f"{API}/commitments/{in_review.code}/").status_code == 200
    assert post(client, f"{API}/commitments/{in_review.code}/withdraw/").status_code == 403
    assert Commitment.objects.get(pk=draft.pk).status == "draft"
    assert Commitment.objects.get(pk=in_review.pk).status == "submitted"
    # Signed in with a password, the owner does both.
    session = Client()
    session.force_login(multi)
    assert post(session, f"{API}/commitments/{in_review.code}/withdraw/").status_code == 200


def test_a_contributor_token_answers_a_report_and_asks_for_review_and_no_more(
    world: World,
) -> None:
    """docs/reports-api.md: a contributor's token answers questions and asks for review;
    approving is the focal point's and publishing authority's; publishing is the
    secretariat's, which no token carries. Brazil's reports in the making do not exist
    for a Kenyan token, though its user is Brazil's focal point and an administrator."""
    client = bearer(world.keys["ken-contributor"])
    draft = world.r["KEN-DRAFT"]
    answers = f"{API}/reports/{draft.pk}/answers"
    fact = Fact.objects.get(country__code=OWN, concept__uid=ANSWERED_CONCEPT)
    change = {"value": "Drafted by a script.", "version": fact.version}
    answered = put(client, f"{answers}/{ANSWERED}/", change)
    assert answered.status_code == 200, answered.content
    assert answered.json()["value"] == "Drafted by a script."
    assert Fact.objects.get(pk=fact.pk).version == fact.version + 1
    # The section given to Kenya's contributor by name is not the token's to answer.
    given = client.get(f"{answers}/{ASSIGNED_QUESTION}/").json()
    flip = {"value": not given["value"], "version": given["fact_version"]}
    refused = put(client, f"{answers}/{ASSIGNED_QUESTION}/", flip)
    assert refused.status_code == 403

    steps = f"{API}/reports/{draft.pk}/transitions/"
    asked = post(client, steps, {"name": "submit-for-review"})
    assert asked.status_code == 201, asked.content
    assert workflow.state(draft) == "in-review"
    assert post(client, steps, {"name": "approve"}).status_code == 403
    # In review, answers are the focal point's and publishing authority's.
    fact.refresh_from_db()
    late = put(client, f"{answers}/{ANSWERED}/", {"value": "Late.", "version": fact.version})
    assert late.status_code == 403
    assert workflow.state(draft) == "in-review"
    submitted = world.r["KEN-SUB"]
    to_publish = {"name": "publish"}
    assert post(client, f"{API}/reports/{submitted.pk}/transitions/", to_publish).status_code == 403
    assert workflow.state(submitted) == "submitted"
    form = SimpleUploadedFile("authz-form.yaml", template_file("cbd"))
    assert client.post(f"{API}/report-templates/", {"file": form}).status_code == 403
    assert not Template.objects.filter(code="authz-form").exists()

    brazil = world.r["BRA-DRAFT"]
    assert client.get(f"{API}/reports/{brazil.pk}/").status_code == 404
    bra_fact = Fact.objects.get(country__code=OTHER, concept__uid=ANSWERED_CONCEPT)
    bra_change = {"value": "Changed.", "version": bra_fact.version}
    assert (
        put(client, f"{API}/reports/{brazil.pk}/answers/{ANSWERED}/", bra_change).status_code == 404
    )
    brazil_steps = f"{API}/reports/{brazil.pk}/transitions/"
    assert post(client, brazil_steps, {"name": "submit-for-review"}).status_code == 404
    listed = {r["id"] for r in client.get(f"{API}/reports/").json()["results"]}
    assert brazil.pk not in listed and draft.pk in listed
    assert Fact.objects.get(pk=bra_fact.pk).version == bra_fact.version
    assert workflow.state(brazil) == "draft"


def test_a_focal_point_token_approves_but_does_not_publish(world: World) -> None:
    client = bearer(world.keys["ken-focal-point"])
    review = world.r["KEN-REVIEW"]
    approved = post(client, f"{API}/reports/{review.pk}/transitions/", {"name": "approve"})
    assert approved.status_code == 201, approved.content
    assert workflow.state(review) == "approved"
    submitted = world.r["KEN-SUB"]
    refused = post(client, f"{API}/reports/{submitted.pk}/transitions/", {"name": "publish"})
    assert refused.status_code == 403
    assert workflow.state(submitted) == "submitted"
    # Brazil's token does not find Kenya's reports in the making.
    other = bearer(world.keys["bra-focal-point"])
    for label in ("KEN-DRAFT", "KEN-REVIEW", "KEN-SUB"):
        assert other.get(f"{API}/reports/{world.r[label].pk}/").status_code == 404, label
    listed = {r["id"] for r in other.get(f"{API}/reports/").json()["results"]}
    assert listed == {world.r["KEN-PUB"].pk, world.r["BRA-DRAFT"].pk}
