"""The commitments API: reads show only what the reader may see, writes go through the
actions for signed-in users (session or API token)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from meadow.commitments import actions
from meadow.commitments.models import Commitment
from meadow.parties.models import ApiToken, new_secret
from meadow.places.models import Place
from tests.commitments.conftest import People, Register, Targets, publish, submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

API = "/api/v1/commitments/"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token_client(user: Any, country: str, role: str) -> Client:
    secret, key_digest = new_secret()
    ApiToken.objects.create(
        user=user,
        name="test",
        country=Place.objects.get(code=country),
        role=role,
        prefix=secret[:8],
        key_digest=key_digest,
    )
    return Client(headers={"Authorization": f"Bearer {secret}"})


def codes(response: Any) -> set[str]:
    assert response.status_code == 200, response.content[:300]
    return {row["code"] for row in response.json()["results"]}


BODY: dict[str, Any] = {
    "actor_name": "Acme Agriculture Ltd",
    "actor_type": "business",
    "titles": {"en": "Deforestation-free supply chains"},
    "coverage": "multi-country",
    "countries": ["KEN", "BRA"],
    "gbf_targets": ["gbf/target/3", "10"],
    "start_year": 2024,
    "end_year": 2030,
    "amount": "1000.50",
    "currency": "EUR",
}


def test_the_public_lists_published_commitments_only(
    client: Client, people: People, register: Register
) -> None:
    published = publish(register(), people)
    submitted(register())
    register()
    assert codes(client.get(API)) == {published.code}
    row = client.get(API).json()["results"][0]
    assert row["uid"] == published.uid
    assert row["url"] == f"/commitment/{published.code}"
    assert row["titles"]["fr"] == "Chaînes sans déforestation"
    assert row["countries"] == ["BRA", "KEN"]
    assert row["gbf_targets"] == ["gbf/target/3", "gbf/target/10"]
    assert row["amount"] == "2500000.00"
    assert row["mine"] is False
    assert client.get(API, {"lang": "fr"}).json()["results"][0]["title"] == (
        "Chaînes sans déforestation"
    )


def test_filters(client: Client, people: People, register: Register) -> None:
    both = publish(register(), people)
    kenya = register(coverage="national", countries=["KEN"], gbf_targets=["15"])
    kenya = submitted(kenya)
    actions.review(kenya, actor=people.ken_focal_point, country="KEN", decision="approved")
    city = register(
        coverage="global", countries=[], actor_type="local-government", gbf_targets=["12"]
    )
    city = submitted(city)
    actions.review(city, actor=people.cbd_secretariat, country=None, decision="approved")
    assert codes(client.get(API, {"country": "KEN"})) == {both.code, kenya.code}
    assert codes(client.get(API, {"country": "bra"})) == {both.code}
    assert codes(client.get(API, {"gbf_target": "gbf/target/3"})) == {both.code}
    assert codes(client.get(API, {"gbf_target": "15"})) == {kenya.code}
    assert codes(client.get(API, {"actor_type": "local-government"})) == {city.code}
    assert codes(client.get(API, {"coverage": "global"})) == {city.code}
    assert codes(client.get(API, {"status": "draft"})) == set()
    bad = client.get(API, {"actor_type": "government"})
    assert bad.status_code == 400
    assert "actor_type" in bad.json()
    as_csv = client.get(API, {"format": "csv", "country": "KEN"})
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode())))
    assert sorted(r["code"] for r in rows) == sorted([both.code, kenya.code])


def test_drafts_are_404_to_those_who_may_not_see_them(
    client: Client, people: People, register: Register
) -> None:
    draft = register()
    url = f"{API}{draft.code}/"
    assert client.get(url).status_code == 404
    assert signed_in(people.other_business).get(url).status_code == 404
    assert signed_in(people.ken_focal_point).get(url).status_code == 404
    mine = signed_in(people.business).get(url)
    assert mine.status_code == 200
    assert mine.json()["status"] == "draft"
    assert mine.json()["mine"] is True
    assert codes(signed_in(people.business).get(API, {"mine": "true"})) == {draft.code}
    assert codes(signed_in(people.other_business).get(API, {"mine": "true"})) == set()
    assert signed_in(people.cbd_secretariat).get(url).status_code == 200


def test_register_edit_submit_review_and_report_through_the_api(
    client: Client, people: People, targets: Targets
) -> None:
    assert client.post(API, BODY, content_type="application/json").status_code in (401, 403)
    owner = signed_in(people.business)
    created = owner.post(API, BODY, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    code = body["code"]
    assert (body["status"], body["version"], body["amount"]) == ("draft", 1, "1000.50")
    url = f"{API}{code}/"

    edited = owner.patch(
        url,
        {"version": 1, "national_targets": ["place/KEN/target/T3"]},
        content_type="application/json",
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["version"] == 2
    assert edited.json()["national_targets"] == ["place/KEN/target/T3"]
    assert edited.json()["titles"] == {"en": "Deforestation-free supply chains"}

    stale = owner.patch(url, {"version": 1, "end_year": 2031}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["version"] == "2"
    missing = owner.patch(url, {"end_year": 2031}, content_type="application/json")
    assert missing.status_code == 400
    assert "version" in missing.json()

    bad = owner.put(
        url,
        {**BODY, "version": 2, "national_targets": ["place/KEN/target/T9"]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json() == {
        "national_targets": ["'place/KEN/target/T9' is not a published national target of KEN"]
    }
    untitled = owner.put(url, {**BODY, "version": 2, "titles": {}}, content_type="application/json")
    assert untitled.status_code == 400
    assert "titles" in untitled.json()

    submitted_ = owner.post(f"{url}submit/", {"version": 2}, content_type="application/json")
    assert submitted_.status_code == 200
    assert submitted_.json()["status"] == "submitted"
    assert submitted_.json()["awaiting_review"] == ["BRA", "KEN"]

    # Another country's focal point does not even see it; a contributor may not decide.
    other = signed_in(people.usa_focal_point)
    decision = {"country": "KEN", "decision": "approved"}
    assert other.post(f"{url}review/", decision, content_type="application/json").status_code == 404
    contributor = signed_in(people.ken_contributor)
    refused = contributor.post(f"{url}review/", decision, content_type="application/json")
    assert refused.status_code == 403

    approved = signed_in(people.ken_focal_point).post(
        f"{url}review/", decision, content_type="application/json"
    )
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "submitted"
    assert approved.json()["review"]["country"] == "KEN"
    assert approved.json()["review"]["by"] == "ken-fp"
    assert client.get(url).status_code == 404

    done = signed_in(people.bra_publisher).post(
        f"{url}review/",
        {"country": "bra", "decision": "approved", "comment": "Welcome."},
        content_type="application/json",
    )
    assert done.json()["status"] == "published"
    public = client.get(url).json()
    assert public["status"] == "published"
    assert {(r["country"], r["decision"], r["by"]) for r in public["reviews"]} == {
        ("KEN", "approved", None),
        ("BRA", "approved", None),
    }
    assert public["national_targets"] == ["place/KEN/target/T3"]

    progress = f"{url}progress-reports/"
    report = {"year": 2025, "texts": {"en": "Half done"}, "percent_complete": 50}
    assert other.post(progress, report, content_type="application/json").status_code == 403
    too_much = owner.post(
        progress, {**report, "percent_complete": 120}, content_type="application/json"
    )
    assert too_much.status_code == 400
    made = owner.post(progress, report, content_type="application/json")
    assert made.status_code == 201
    assert made.json()["texts"] == {"en": "Half done"}
    listed = client.get(progress).json()
    assert [(r["year"], r["percent_complete"], r["text"]) for r in listed["results"]] == [
        (2025, 50, "Half done")
    ]
    assert client.get(url).json()["progress_reports"][0]["year"] == 2025

    # Published, it is no longer edited; anyone else's edit is refused.
    frozen = owner.patch(url, {"version": 5, "end_year": 2031}, content_type="application/json")
    assert frozen.status_code == 400
    stranger = signed_in(people.other_business).patch(
        url, {"version": 5, "end_year": 2031}, content_type="application/json"
    )
    assert stranger.status_code == 403

    withdrawn = owner.post(f"{url}withdraw/", {}, content_type="application/json")
    assert withdrawn.json()["status"] == "withdrawn"
    assert client.get(url).status_code == 404


def test_a_returned_commitment_carries_the_comment_back(
    client: Client, people: People, register: Register
) -> None:
    commitment = submitted(register())
    url = f"{API}{commitment.code}/"
    reviewer = signed_in(people.bra_publisher)
    no_comment = reviewer.post(
        f"{url}review/", {"country": "BRA", "decision": "returned"}, content_type="application/json"
    )
    assert no_comment.status_code == 400
    assert "comment" in no_comment.json()
    returned = reviewer.post(
        f"{url}review/",
        {"country": "BRA", "decision": "returned", "comment": "Name the states."},
        content_type="application/json",
    )
    assert returned.status_code == 200
    assert returned.json()["status"] == "returned"
    # The reviewer answered; the returned commitment is now its owner's alone.
    assert reviewer.get(url).status_code == 404
    mine = signed_in(people.business).get(url).json()
    assert mine["status"] == "returned"
    assert [(r["country"], r["comment"]) for r in mine["reviews"]] == [("BRA", "Name the states.")]


def test_a_global_commitment_is_reviewed_by_the_secretariat(
    people: People, register: Register
) -> None:
    commitment = submitted(register(coverage="global", countries=[]))
    url = f"{API}{commitment.code}/review/"
    staff = signed_in(people.cbd_secretariat)
    wrong = staff.post(
        url, {"country": "KEN", "decision": "approved"}, content_type="application/json"
    )
    assert wrong.status_code == 403
    done = staff.post(url, {"country": "", "decision": "approved"}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["status"] == "published"
    assert done.json()["review"]["country"] is None
    assert done.json()["review"]["by"] == "cbd-staff"


def test_api_tokens_review_their_own_country_only_and_register_nothing(
    people: People, register: Register
) -> None:
    commitment = submitted(register())
    url = f"{API}{commitment.code}/"
    ken = token_client(people.ken_focal_point, "KEN", "focal-point")
    assert ken.get(url).status_code == 200
    assert ken.post(API, BODY, content_type="application/json").status_code == 403
    bra = ken.post(
        f"{url}review/", {"country": "BRA", "decision": "approved"}, content_type="application/json"
    )
    assert bra.status_code == 403
    done = ken.post(
        f"{url}review/", {"country": "KEN", "decision": "approved"}, content_type="application/json"
    )
    assert done.status_code == 200
    # A secretariat member's token carries only its country role.
    staff = token_client(people.cbd_secretariat, "KEN", "focal-point")
    assert staff.get(url).status_code == 404
    assert Commitment.objects.get(pk=commitment.pk).status == "submitted"


def test_bad_keys_are_refused(client: Client, people: People) -> None:
    response = client.get(API, headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401


def test_the_browsable_api_renders_the_owners_forms(people: People, register: Register) -> None:
    commitment = register()
    owner = signed_in(people.business)
    for url in (
        API,
        f"{API}{commitment.code}/",
        f"{API}{commitment.code}/progress-reports/",
    ):
        response = owner.get(url, headers={"Accept": "text/html"})
        assert response.status_code == 200, url
    page = owner.get(f"{API}{commitment.code}/", headers={"Accept": "text/html"})
    assert "Deforestation-free supply chains" in page.content.decode()
