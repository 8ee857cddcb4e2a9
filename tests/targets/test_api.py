"""The national-targets and global-elements endpoints: reads through visibility, writes
through the actions, conflicts as 409."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from meadow.audit.models import AuditEntry
from meadow.parties.models import Role
from meadow.parties.roles import TokenScope
from meadow.targets.models import NationalTarget
from tests.targets.conftest import PROTECT, RESTORE, draft, person, published

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

URL = "/api/v1/national-targets/"
BODY = {
    "country": "KEN",
    "code": "T3",
    "title": {"en": "Halve excess nutrients", "fr": "Réduire de moitié les nutriments"},
    "alignments": [{"element": "gbf/target/7", "degree": "full", "explanation": {"en": "Why"}}],
    "indicators": [{"element": "gbf/indicator/7.1"}, {"name": {"en": "Nitrogen surplus"}}],
    "quantities": [
        {
            "global_element": "gbf-7-nutrients",
            "quantity": {"en": "Excess nitrogen"},
            "unit": "percent",
            "value": 50,
            "year": 2030,
        }
    ],
}
RESTORE_BODY = {"code": "T2", "title": {"en": "Changed"}}


def client(user: User | None = None, scope: TokenScope | None = None) -> APIClient:
    api = APIClient()
    if user is not None:
        if scope is not None:
            user.token_scope = scope  # type: ignore[attr-defined]
        api.force_authenticate(user)
    return api


def codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def detail(target: NationalTarget, action: str = "") -> str:
    return f"{URL}{target.pk}/{action + '/' if action else ''}"


def test_the_public_lists_published_targets_only() -> None:
    hidden = draft(PROTECT)
    shown = published(RESTORE)
    api = client()
    assert codes(api.get(URL)) == ["T2"]
    assert codes(api.get(URL, {"status": "draft"})) == []
    assert api.get(detail(hidden)).status_code == 404
    row = api.get(detail(shown), {"lang": "fr"}).json()
    assert row["uid"] == "place/KEN/target/T2" and row["url"] == "/place/KEN/target/T2"
    assert row["status"] == "published" and row["version"] == 2
    assert row["title"] == {"en": "Restore degraded rangelands"}
    assert row["title_text"] == "Restore degraded rangelands"
    assert row["alignments"] == [
        {
            "element": "gbf/target/2",
            "element_title": "Restaurer 30 % des écosystèmes dégradés",
            "degree": "partial",
            "explanation": {"en": "Rangelands only"},
        }
    ]
    assert api.get(URL, {"status": "secret"}).status_code == 400


def test_the_team_lists_drafts_and_filters(reviewer: User) -> None:
    draft(PROTECT)
    published(RESTORE)
    draft(PROTECT, country="TZA")
    api = client(reviewer)
    assert codes(api.get(URL)) == ["T1", "T2"]
    assert codes(api.get(URL, {"country": "ken", "status": "draft"})) == ["T1"]
    assert codes(api.get(URL, {"gbf": "gbf/target/3"})) == ["T1"]
    assert codes(api.get(URL, {"gbf": "gbf/target/2"})) == ["T2"]
    row = api.get(URL, {"country": "KEN", "status": "draft"}).json()["results"][0]
    assert row["indicators"] == [
        {"element": "gbf/indicator/3.1", "name": {}},
        {"element": None, "name": {"en": "Area under community conservancies"}},
    ]
    assert row["quantities"][0]["global_element"] == "gbf-3-land"


def test_a_contributor_drafts_edits_and_deletes_but_cannot_publish(contributor: User) -> None:
    api = client(contributor)
    created = api.post(URL, BODY, format="json")
    assert created.status_code == 201, created.content
    row = created.json()
    assert (row["status"], row["version"], row["country"]) == ("draft", 1, "KEN")
    assert row["quantities"][0]["value"] == 50.0
    target = NationalTarget.objects.get(code="T3")
    changed = api.patch(detail(target), {"title": {"en": "Halve it"}, "version": 1}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["title"] == {"en": "Halve it"} and changed.json()["version"] == 2
    # A partial change keeps the rest as it was.
    assert changed.json()["alignments"][0]["element"] == "gbf/target/7"
    assert api.post(detail(target, "publish"), {}, format="json").status_code == 403
    assert api.delete(detail(target) + "?version=2").status_code == 204
    assert not NationalTarget.objects.filter(code="T3").exists()
    assert AuditEntry.objects.filter(object_uid="place/KEN/target/T3", source="api").count() == 3


def test_a_stale_version_is_a_conflict_with_both_versions(contributor: User, focal: User) -> None:
    target = draft(PROTECT)
    first = client(focal).put(detail(target), {**BODY, "code": "T1", "version": 1}, format="json")
    assert first.status_code == 200, first.content
    second = client(contributor).put(
        detail(target), {**BODY, "code": "T1", "title": {"en": "Mine"}, "version": 1}, format="json"
    )
    assert second.status_code == 409
    body = second.json()
    assert (body["expected_version"], body["current_version"]) == (1, 2)
    assert NationalTarget.objects.get(pk=target.pk).title == BODY["title"]
    taken = client(contributor).post(URL, {**BODY, "code": "T1"}, format="json")
    assert taken.status_code == 409 and taken.json()["current_version"] == 2


def test_a_focal_point_publishes_and_unpublishes(focal: User) -> None:
    target = draft(PROTECT)
    api = client(focal)
    done = api.post(detail(target, "publish"), {"version": 1}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "published"
    assert client().get(detail(target)).status_code == 200
    stale = api.post(detail(target, "unpublish"), {"version": 1}, format="json")
    assert stale.status_code == 409
    assert api.delete(detail(target)).status_code == 409
    back = api.post(detail(target, "unpublish"), {"version": 2}, format="json")
    assert back.status_code == 200 and back.json()["status"] == "draft"
    assert client().get(detail(target)).status_code == 404


def test_a_contributor_token_drafts_but_does_not_publish() -> None:
    user = person("both", ("KEN", Role.FOCAL_POINT), ("KEN", Role.CONTRIBUTOR))
    target = draft(PROTECT)
    api = client(user, TokenScope("KEN", Role.CONTRIBUTOR))
    assert api.post(URL, BODY, format="json").status_code == 201
    assert api.post(detail(target, "publish"), {}, format="json").status_code == 403
    assert NationalTarget.objects.get(pk=target.pk).status == "draft"


def test_a_token_for_another_country_is_refused() -> None:
    user = person("two", ("KEN", Role.FOCAL_POINT), ("TZA", Role.CONTRIBUTOR))
    hidden = draft(PROTECT)
    shown = published(RESTORE)
    api = client(user, TokenScope("TZA", Role.CONTRIBUTOR))
    # Kenya's draft is not even visible through a Tanzania token.
    assert codes(api.get(URL, {"country": "KEN"})) == ["T2"]
    assert api.get(detail(hidden)).status_code == 404
    assert api.patch(detail(hidden), {"title": {"en": "x"}}, format="json").status_code == 404
    assert api.post(URL, BODY, format="json").status_code == 403
    assert api.put(detail(shown), {**RESTORE_BODY}, format="json").status_code == 403
    assert api.post(detail(shown, "unpublish"), {}, format="json").status_code == 403
    assert api.delete(detail(shown)).status_code == 403
    # Within its scope it works.
    assert api.post(URL, {**BODY, "country": "TZA"}, format="json").status_code == 201


def test_visitors_must_sign_in_to_write(other_focal: User) -> None:
    target = published(RESTORE)
    assert client().post(URL, BODY, format="json").status_code == 401
    assert client().post(detail(target, "unpublish"), {}).status_code == 401
    assert client(other_focal).post(URL, BODY, format="json").status_code == 403
    assert not NationalTarget.objects.filter(code="T3").exists()


def test_problems_are_reported_by_field(contributor: User) -> None:
    api = client(contributor)
    bad = {
        **BODY,
        "alignments": [{"element": "aichi/target/11", "degree": "full"}],
        "quantities": [
            {"global_element": "gbf-3-moon", "unit": "percent", "value": 1, "year": 2030}
        ],
    }
    response = api.post(URL, bad, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"alignments[0].element", "quantities[0].global_element"}
    shape = api.post(
        URL, {**BODY, "alignments": [{"element": "gbf/target/3", "degree": "most"}]}, format="json"
    )
    assert shape.status_code == 400 and "alignments" in shape.json()
    assert api.post(URL, {**BODY, "country": ""}, format="json").status_code == 400
    target = draft(PROTECT)
    renamed = api.patch(detail(target), {"code": "T9"}, format="json")
    assert renamed.status_code == 400 and "code" in renamed.json()


def test_global_elements() -> None:
    api = client()
    rows = api.get("/api/v1/global-elements/", {"lang": "es"}).json()["results"]
    assert len(rows) == 11
    land = api.get("/api/v1/global-elements/gbf-3-land/", {"lang": "fr"}).json()
    assert land == {
        "uid": "global-element/gbf-3-land",
        "code": "gbf-3-land",
        "element": "gbf/target/3",
        "name": land["name"],
        "name_text": "Zones terrestres et d'eaux intérieures conservées et gérées efficacement",
        "measure": "share",
        "unit": "percent",
        "value": 30.0,
        "year": 2030,
        "basis": "area",
        "order": 2,
    }
    marine = api.get("/api/v1/global-elements/gbf-3-marine/").json()
    assert marine["basis"] is None
    assert api.post("/api/v1/global-elements/", {}).status_code in (401, 403, 405)


def test_the_documented_request_body(contributor: User) -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "national-targets.md"
    blocks = re.findall(r"```json\n(.*?)```", docs.read_text(encoding="utf-8"), re.S)
    body = json.loads(next(b for b in blocks if '"targets"' not in b))
    response = client(contributor).post(URL, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["uid"] == "place/KEN/target/T3"
