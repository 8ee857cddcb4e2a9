"""The national reports API on the real CBD 7th national report: templates, opening a
report, answers (in the reader's language), lost updates, validation, the workflow by
the right people and tokens, comments, assignments, snapshots and their differences."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from meadow.audit.models import AuditEntry
from meadow.parties import team as teams
from meadow.parties.models import CountryRole, Role
from meadow.places.models import Place
from meadow.reports import facts, review, templates_io, workflow
from meadow.reports.models import Fact, Report, Snapshot, Template, Transition
from tests.reports.helpers import fill, user
from tests.test_openapi import _inline

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

API = "/api/v1"
TEMPLATES = f"{API}/report-templates/"
REPORTS = f"{API}/reports/"
B1_ZH = (
    "贵国是否制定政策和/或行动计划，旨在确保维护、增强和恢复自然对人类的贡献，"
    "包括生态系统功能和服务？"
)
RAMSAR = templates_io.SHIPPED_TEMPLATES / "ramsar-cop15.yaml"


def client(who: Any = None, **headers: str) -> APIClient:
    api = APIClient()
    api.credentials(**headers)
    if who is not None:
        api.force_authenticate(who)
    return api


def bearer(owner: Any, country: str, role: Role) -> APIClient:
    """A client sending a real API token of ``owner``'s for one country and role."""
    _token, key = teams.create_token(actor=owner, name="script", country=country, role=role)
    return client(HTTP_AUTHORIZATION=f"Bearer {key}")


def url(report: Report | int, *parts: str) -> str:
    pk = report.pk if isinstance(report, Report) else report
    return f"{REPORTS}{pk}/" + "".join(f"{part}/" for part in parts)


@pytest.fixture
def people() -> dict[str, Any]:
    return {
        "contributor": user("co", "KEN", Role.CONTRIBUTOR),
        "contributor2": user("co2", "KEN", Role.CONTRIBUTOR),
        "reviewer": user("rv", "KEN", Role.REVIEWER),
        "authority": user("pa", "KEN", Role.PUBLISHING_AUTHORITY),
        "focal": user("fp", "KEN", Role.FOCAL_POINT),
        "brazil": user("br", "BRA", Role.FOCAL_POINT),
        "cbd": user("cbd", secretariat="cbd"),
        "cms": user("cms", secretariat="cms"),
        "ramsar": user("ramsar", secretariat="ramsar"),
    }


def opened(people: dict[str, Any], template: str = "cbd-nr7") -> Report:
    response = client(people["contributor"]).post(
        REPORTS, {"country": "KEN", "template": template}, format="json"
    )
    assert response.status_code == 201, response.content
    return Report.objects.get(pk=response.json()["id"])


def complete(report: Report, who: Any) -> None:
    """Every question answered validly (the NBSAP adopted, so no follow-up is asked)."""
    fill(report, who, skip=("nbsap-status",))
    facts.set_fact(
        actor=who,
        country="KEN",
        concept="nbsap.status",
        value="adopted",
        source=facts.source_of(report.template, "KEN"),
    )


def step(api: APIClient, report: Report, name: str, reason: str = "") -> Any:
    return api.post(url(report, "transitions"), {"name": name, "reason": reason}, format="json")


def answer(api: APIClient, report: Report, key: str, value: Any, version: int) -> Any:
    return api.put(url(report, "answers", key), {"value": value, "version": version}, format="json")


def upload(name: str, content: bytes) -> dict[str, Any]:
    return {"file": SimpleUploadedFile(name, content, content_type="application/x-yaml")}


# Templates ------------------------------------------------------------------------------


def test_templates_are_public_with_their_sections_questions_and_concepts() -> None:
    api = client()
    listing = api.get(TEMPLATES, {"convention": "cbd", "lang": "fr"})
    assert listing.status_code == 200, listing.content
    rows = {row["ref"]: row for row in listing.json()["results"]}
    nr7 = Template.objects.get(code="cbd-nr7")
    row = rows["cbd-nr7/2026.1"]
    assert row["title_text"] == "septième rapport national"
    assert row["questions"] == nr7.questions.count() > 100
    assert (row["convention"], row["cycle"], row["digest"]) == ("cbd", "2026", nr7.digest)
    assert all(r["convention"] == "cbd" for r in rows.values())

    detail = api.get(f"{TEMPLATES}cbd-nr7/2026.1/")
    assert detail.status_code == 200, detail.content
    body = detail.json()
    assert [x["key"] for x in body["document"]["sections"]][:3] == ["I", "II", "III"]
    concepts = {c["uid"]: c for c in body["concepts"]}
    assert concepts["gbf.binary.b_1"]["type"] == "choice"
    assert [o["value"] for o in concepts["gbf.binary.b_1"]["options"]] == [
        "no",
        "underDevelopment",
        "partially",
        "fully",
    ]
    assert concepts["indicator.gbf-a.1"]["indicator"] == "gbf/indicator/A.1"
    assert api.get(f"{TEMPLATES}cbd-nr7@2026.1/").json()["digest"] == nr7.digest
    assert api.get(f"{TEMPLATES}cbd-nr7/1999.1/").status_code == 404


def test_checking_a_template_file_names_every_problem_and_loads_nothing(
    people: dict[str, Any],
) -> None:
    check = f"{TEMPLATES}check/"
    good = RAMSAR.read_bytes().replace(b'version: "2025.1"', b'version: "2025.2"')
    assert client().post(check, upload("ramsar.yaml", good), format="multipart").status_code == 401
    api = client(people["contributor"])
    fine = api.post(check, upload("ramsar.yaml", good), format="multipart")
    assert fine.status_code == 200, fine.content
    assert fine.json() == {"file": "ramsar.yaml", "ok": True, "problems": []}

    bad = good.replace(b"concept: ramsar.implementation-successes", b"concept: ramsar.nowhere", 1)
    found = api.post(check, upload("ramsar-bad.yaml", bad), format="multipart").json()
    assert found["ok"] is False
    problem = found["problems"][0]
    assert problem["file"] == "ramsar-bad.yaml"
    assert problem["path"].startswith("sections[") and problem["path"].endswith(".concept")
    line = bad.decode().splitlines()[problem["line"] - 1]
    assert "ramsar.nowhere" in line
    assert "ramsar.nowhere" in problem["message"]

    wrong = api.post(check, upload("ramsar.txt", good), format="multipart")
    assert wrong.status_code == 400 and "ramsar.txt" in wrong.json()["file"][0]
    assert api.post(check, {}, format="multipart").json()["file"]
    assert not Template.objects.filter(code="ramsar-cop15", version="2025.2").exists()


def test_loading_a_template_file_is_for_that_conventions_secretariat(
    people: dict[str, Any],
) -> None:
    good = RAMSAR.read_bytes().replace(b'version: "2025.1"', b'version: "2025.2"')
    for who in ("contributor", "cbd"):
        refused = client(people[who]).post(
            TEMPLATES, upload("ramsar.yaml", good), format="multipart"
        )
        assert refused.status_code == 403, (who, refused.content)
    assert client().post(TEMPLATES, upload("ramsar.yaml", good)).status_code == 401
    assert not Template.objects.filter(code="ramsar-cop15", version="2025.2").exists()

    api = client(people["ramsar"])
    bad = good.replace(b"concept: ramsar.implementation-successes", b"concept: ramsar.nowhere", 1)
    rejected = api.post(TEMPLATES, upload("ramsar.yaml", bad), format="multipart")
    assert rejected.status_code == 400
    assert rejected.json()["problems"][0]["path"].endswith(".concept")
    assert not Template.objects.filter(code="ramsar-cop15", version="2025.2").exists()

    loaded = api.post(TEMPLATES, upload("ramsar.yaml", good), format="multipart")
    assert loaded.status_code == 201, loaded.content
    assert loaded.json()["created"] is True
    assert loaded.json()["template"]["ref"] == "ramsar-cop15/2025.2"
    again = api.post(TEMPLATES, upload("ramsar.yaml", good), format="multipart")
    assert again.status_code == 200 and again.json()["created"] is False
    changed = good.replace(b'en: "Ramsar Convention:', b'en: "Changed Ramsar Convention:', 1)
    refused_change = api.post(TEMPLATES, upload("ramsar.yaml", changed), format="multipart")
    assert refused_change.status_code == 400
    assert refused_change.json()["problems"][0]["path"] == "version"
    assert Template.objects.filter(code="ramsar-cop15").count() == 2


# Opening and reading --------------------------------------------------------------------


def test_a_writer_opens_the_countrys_report_once(people: dict[str, Any]) -> None:
    api = client(people["contributor"])
    made = api.post(REPORTS, {"country": "ken", "template": "cbd-nr7"}, format="json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["country"], body["template_ref"], body["cycle"], body["state"]) == (
        "KEN",
        "cbd-nr7/2026.1",
        "2026",
        "draft",
    )
    assert body["uid"] == "report/cbd-nr7/2026/KEN"
    assert body["steps"] == ["submit-for-review"]
    assert [s["key"] for s in body["sections"]][:2] == ["I", "II"]
    assert body["sections"][0]["answered"] == 0 and body["sections"][0]["missing"]
    again = client(people["focal"]).post(
        REPORTS, {"country": "KEN", "template": "cbd-nr7@2026.1"}, format="json"
    )
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert again.json()["steps"] == ["submit-for-review"]
    assert Report.objects.count() == 1

    for who, code in (("reviewer", 403), ("brazil", 403), ("cbd", 403)):
        refused = client(people[who]).post(
            REPORTS, {"country": "KEN", "template": "cbd-nr7", "cycle": "2030"}, format="json"
        )
        assert refused.status_code == code, who
    assert client().post(REPORTS, {"country": "KEN", "template": "cbd-nr7"}).status_code == 401
    unknown = api.post(REPORTS, {"country": "XXX", "template": "cbd-nr7"}, format="json")
    assert unknown.status_code == 400 and "XXX" in unknown.json()["country"][0]
    missing = api.post(REPORTS, {"country": "KEN", "template": "cbd-nr99"}, format="json")
    assert missing.status_code == 400 and "cbd-nr99" in missing.json()["template"][0]
    assert Report.objects.count() == 1


def test_a_draft_is_read_by_the_team_and_the_secretariat_only(people: dict[str, Any]) -> None:
    report = opened(people)
    for who in ("contributor", "reviewer", "cbd", "cms"):
        api = client(people[who])
        assert api.get(url(report)).status_code == 200, who
        assert [r["id"] for r in api.get(REPORTS).json()["results"]] == [report.pk]
    for api in (client(people["brazil"]), client()):
        assert api.get(REPORTS).json()["results"] == []
        for path in (
            url(report),
            url(report, "answers"),
            url(report, "answers", "b_1"),
            url(report, "validate"),
            url(report, "snapshots"),
            url(report, "comments"),
            url(report, "export"),
        ):
            assert api.get(path).status_code == 404, path
    brazil = client(people["brazil"])
    assert answer(brazil, report, "b_1", "fully", 0).status_code == 404
    assert step(brazil, report, "submit-for-review").status_code == 404
    assert not Fact.objects.filter(country__code="KEN").exists()
    team_view = client(people["reviewer"]).get(REPORTS, {"country": "KEN", "state": "draft"})
    assert [r["state"] for r in team_view.json()["results"]] == ["draft"]
    assert client(people["reviewer"]).get(REPORTS, {"state": "published"}).json()["results"] == []
    assert client(people["reviewer"]).get(REPORTS, {"state": "lost"}).status_code == 400


# Answers --------------------------------------------------------------------------------


def test_answers_follow_the_readers_language(people: dict[str, Any]) -> None:
    report = opened(people)
    api = client(people["contributor"], HTTP_ACCEPT_LANGUAGE="zh-hans")
    saved = answer(api, report, "b_1", "partially", 0)
    assert saved.status_code == 200, saved.content
    row = saved.json()
    assert (row["value"], row["fact_version"], row["answered"]) == ("partially", 1, True)
    assert row["title"] == B1_ZH
    assert row["updated_by"] == "co" and row["source"] == "report/cbd-nr7/2026/KEN"

    answers = {a["key"]: a for a in api.get(url(report, "answers")).json()}
    b1 = answers["b_1"]
    assert b1["title"] == B1_ZH
    assert (b1["number"], b1["section"], b1["concept"]) == ("B.1", "IV.B", "gbf.binary.b_1")
    assert {o["value"]: o["title"] for o in b1["options"]}["partially"] == "部分"
    assert b1["issues"] == [] and b1["required"] is True
    assert b1["also_in"] == [] and b1["prefilled_from"] == ""
    assert answers["b_2"]["issues"][0]["kind"] == "required"
    assert answers["b_2"]["value"] is None and answers["b_2"]["fact_version"] == 0
    assert len(answers) == report.template.questions.count()
    # ?lang= overrides the header.
    english = client(people["contributor"]).get(url(report, "answers", "b_1"), {"lang": "en"})
    assert english.json()["title"].startswith("Does your country have policies")


def test_a_stale_version_is_refused_with_both_versions(people: dict[str, Any]) -> None:
    report = opened(people)
    contributor, focal = client(people["contributor"]), client(people["focal"])
    assert answer(contributor, report, "b_1", "no", 0).status_code == 200
    assert answer(focal, report, "b_1", "partially", 1).status_code == 200
    stale = answer(contributor, report, "b_1", "fully", 1)
    assert stale.status_code == 409, stale.content
    body = stale.json()
    assert body["yours"] == "fully"
    theirs = body["theirs"]
    assert (theirs["version"], theirs["value"], theirs["actor"]) == (2, "partially", "fp")
    assert theirs["source"] == "report/cbd-nr7/2026/KEN" and theirs["at"]
    assert "fp" in body["detail"]
    fact = Fact.objects.get(country__code="KEN", concept__uid="gbf.binary.b_1")
    assert (fact.value, fact.version) == ("partially", 2)
    assert answer(contributor, report, "b_1", "fully", 2).json()["fact_version"] == 3


def test_an_invalid_answer_is_refused_naming_the_field(people: dict[str, Any]) -> None:
    report = opened(people)
    api = client(people["contributor"])
    wrong = answer(api, report, "b_1", "maybe", 0)
    assert wrong.status_code == 400
    message = wrong.json()["value"][0]
    assert "gbf.binary.b_1" in message and "maybe" in message and "partially" in message
    no_version = api.put(url(report, "answers", "b_1"), {"value": "no"}, format="json")
    assert no_version.status_code == 400 and "version" in no_version.json()
    indicator = answer(api, report, "headline-a.1", 3, 0)
    assert indicator.status_code == 400 and "value" in indicator.json()
    assert answer(api, report, "no-such-question", "x", 0).status_code == 404
    assert not Fact.objects.filter(country__code="KEN").exists()


def test_who_may_change_answers(people: dict[str, Any]) -> None:
    report = opened(people)
    for who in ("reviewer", "cbd"):
        refused = answer(client(people[who]), report, "b_1", "no", 0)
        assert refused.status_code == 403, who
    assert not Fact.objects.filter(country__code="KEN").exists()
    # Published elsewhere: readable, not writable, by another country's people.
    complete(report, people["contributor"])
    for name, who in (
        ("submit-for-review", "contributor"),
        ("approve", "authority"),
        ("submit", "focal"),
        ("publish", "cbd"),
    ):
        assert step(client(people[who]), report, name).status_code == 201, name
    brazil = client(people["brazil"])
    assert brazil.get(url(report)).status_code == 200
    assert answer(brazil, report, "b_1", "no", 1).status_code == 403
    assert answer(client(), report, "b_1", "no", 1).status_code == 401
    # Not editable once submitted, whoever asks.
    frozen = answer(client(people["focal"]), report, "b_1", "no", 1)
    assert frozen.status_code == 400 and frozen.json()["state"] == "published"


# Validation and the workflow ------------------------------------------------------------


def test_validate_counts_the_issues_by_level(people: dict[str, Any]) -> None:
    report = opened(people)
    api = client(people["contributor"])
    empty = api.get(url(report, "validate"))
    assert empty.status_code == 200
    body = empty.json()
    evaluation = review.evaluate(report)
    assert body["counts"] == {
        level: evaluation.count(level) for level in ("blocker", "error", "warning")
    }
    assert body["counts"]["error"] > 0 and body["counts"]["blocker"] == 0
    assert body["ready_to_submit"] == {"no_blockers": True, "no_errors": False}
    b2 = next(i for i in body["issues"] if i["question"] == "b_2")
    assert (b2["number"], b2["section"], b2["level"], b2["kind"]) == (
        "B.2",
        "IV.B",
        "error",
        "required",
    )
    assert b2["message"] == "An answer is required."
    assert len(body["issues"]) == sum(body["counts"].values())

    complete(report, people["contributor"])
    done = api.get(url(report, "validate")).json()
    assert done["ready_to_submit"] == {"no_blockers": True, "no_errors": True}
    assert done["issues"] == []


def test_a_blocker_stops_approval_and_is_listed_in_the_readers_language(
    people: dict[str, Any],
) -> None:
    report = opened(people, "cites-2026")
    assert step(client(people["contributor"]), report, "submit-for-review").status_code == 201
    api = client(people["authority"], HTTP_ACCEPT_LANGUAGE="zh-hans")
    before = (Transition.objects.count(), AuditEntry.objects.count())
    refused = step(api, report, "approve", reason="We go ahead")
    assert refused.status_code == 400
    body = refused.json()
    assert "A.1" in body["detail"]
    blocker = next(i for i in body["issues"] if i["question"] == "a_1")
    assert (blocker["level"], blocker["message"]) == ("blocker", "提交报告前须填写管理机构。")
    assert {i["level"] for i in body["issues"]} == {"blocker"}
    assert (Transition.objects.count(), AuditEntry.objects.count()) == before
    assert (
        client(people["authority"])
        .get(url(report, "validate"))
        .json()["ready_to_submit"]["no_blockers"]
        is False
    )


def test_the_whole_workflow_through_the_api(people: dict[str, Any]) -> None:
    report = opened(people)
    complete(report, people["contributor"])
    contributor, reviewer = client(people["contributor"]), client(people["reviewer"])
    authority, focal = client(people["authority"]), client(people["focal"])
    cbd, cms = client(people["cbd"]), client(people["cms"])

    assert step(reviewer, report, "submit-for-review").status_code == 403
    assert step(contributor, report, "approve").status_code == 403
    assert step(contributor, report, "fly").status_code == 400
    moved = step(contributor, report, "submit-for-review")
    assert moved.status_code == 201, moved.content
    assert moved.json()["state"] == "in-review" and moved.json()["snapshot"] is None
    assert step(contributor, report, "approve").status_code == 403
    assert authority.get(url(report)).json()["steps"] == ["send-back", "approve"]
    assert step(authority, report, "approve").status_code == 201
    too_early = step(cbd, report, "publish")
    assert (
        too_early.status_code == 400
        and "is Approved cannot take the step Publish" in too_early.json()["detail"]
    )
    submitted = step(focal, report, "submit")
    assert submitted.status_code == 201
    snap = submitted.json()["snapshot"]
    assert snap["number"] == 1 and snap["verified"] is True
    assert snap["digest"] == Snapshot.objects.get(report=report).digest
    assert step(cms, report, "publish").status_code == 403
    assert step(focal, report, "publish").status_code == 403
    assert cbd.get(url(report)).json()["steps"] == ["return", "publish"]
    assert step(cbd, report, "publish").status_code == 201

    history = focal.get(url(report, "transitions")).json()
    assert [(t["name"], t["from"], t["to"], t["actor"]) for t in history] == [
        ("submit-for-review", "draft", "in-review", "co"),
        ("approve", "in-review", "approved", "pa"),
        ("submit", "approved", "submitted", "fp"),
        ("publish", "submitted", "published", "cbd"),
    ]
    # The public reads the published report, as submitted; not who did what.
    public = client()
    assert [r["id"] for r in public.get(REPORTS).json()["results"]] == [report.pk]
    detail = public.get(url(report)).json()
    assert detail["state"] == "published" and detail["steps"] == []
    assert detail["comments"] is None and detail["assignments"] == []
    assert {t["actor"] for t in detail["transitions"]} == {None}
    assert all(s["complete"] for s in detail["sections"])
    snapshot = public.get(url(report, "snapshots", "1")).json()
    assert snapshot["verified"] is True and snapshot["digest"] == snap["digest"]
    assert snapshot["content"]["report"] == report.uid
    answers = {a["key"]: a for a in public.get(url(report, "answers")).json()}
    assert answers["nbsap-status"]["value"] == "adopted"
    assert answers["nbsap-status"]["updated_by"] == ""
    exported = public.get(url(report, "export"), {"format": "json", "lang": "fr"})
    assert exported.status_code == 200, exported.content
    assert exported["Content-Type"].startswith("application/json")
    assert "attachment" in exported["Content-Disposition"]
    document = exported.json()
    assert document["format"] == "meadow-report/1" and document["state"] == "published"
    assert document["snapshot"]["digest"] == snap["digest"]
    assert public.get(url(report, "export"), {"format": "odt"}).status_code == 400
    assert public.get(url(report, "comments")).status_code == 401
    assert client(people["brazil"]).get(url(report, "comments")).status_code == 403


def test_a_contributor_token_drafts_and_asks_for_review_but_does_not_approve(
    people: dict[str, Any],
) -> None:
    both = user("multi", "KEN", Role.FOCAL_POINT)
    kenya = Place.objects.get(code="KEN")
    CountryRole.objects.create(user=both, country=kenya, role=Role.CONTRIBUTOR)
    CountryRole.objects.create(
        user=both, country=Place.objects.get(code="BRA"), role=Role.CONTRIBUTOR
    )
    report = opened(people)
    complete(report, people["contributor"])
    script = bearer(both, "KEN", Role.CONTRIBUTOR)
    current = script.get(url(report, "answers", "b_1")).json()
    saved = answer(script, report, "b_1", "no", current["fact_version"])
    assert saved.status_code == 200, saved.content
    assert saved.json()["updated_by"] == "multi"
    assert script.get(url(report, "validate")).json()["ready_to_submit"]["no_blockers"] is True
    assert step(script, report, "submit-for-review").status_code == 201
    assert step(script, report, "approve").status_code == 403
    assert workflow.state(report) == "in-review"

    foreign = bearer(both, "BRA", Role.CONTRIBUTOR)
    assert foreign.get(url(report)).status_code == 404
    assert foreign.get(REPORTS).json()["results"] == []
    assert answer(foreign, report, "b_1", "fully", 2).status_code == 404

    publisher = user("pub", "KEN", Role.PUBLISHING_AUTHORITY)
    signer = bearer(publisher, "KEN", Role.PUBLISHING_AUTHORITY)
    assert step(signer, report, "approve").status_code == 201
    assert step(signer, report, "submit").status_code == 201
    assert step(signer, report, "publish").status_code == 403
    assert workflow.state(report) == "submitted"


# Comments, assignments, history ---------------------------------------------------------


def test_comments_and_assignments(people: dict[str, Any]) -> None:
    report = opened(people)
    reviewer, focal = client(people["reviewer"]), client(people["focal"])
    made = reviewer.post(
        url(report, "comments"), {"question": "b_1", "text": "  Check the policy list. "}
    )
    assert made.status_code == 201, made.content
    comment = made.json()
    assert (comment["question"], comment["text"], comment["actor"]) == (
        "b_1",
        "Check the policy list.",
        "rv",
    )
    assert (
        reviewer.post(url(report, "comments"), {"text": "On the whole report"}).status_code == 201
    )
    unknown = reviewer.post(url(report, "comments"), {"question": "zz", "text": "x"})
    assert unknown.status_code == 400 and "zz" in unknown.json()["question"][0]
    assert "text" in reviewer.post(url(report, "comments"), {"question": "b_1", "text": " "}).json()
    brazil = client(people["brazil"])
    assert brazil.post(url(report, "comments"), {"text": "x"}).status_code == 404
    resolved = client(people["contributor"]).post(
        url(report, "comments", str(comment["id"]), "resolve")
    )
    assert resolved.status_code == 200 and resolved.json()["resolved_by"] == "co"
    assert len(focal.get(url(report, "comments")).json()) == 2
    still_open = focal.get(url(report, "comments"), {"open": "true"}).json()
    assert [c["text"] for c in still_open] == ["On the whole report"]
    assert focal.get(url(report)).json()["comments"] == {"total": 2, "open": 1}
    assert focal.post(url(report, "comments", "999999", "resolve")).status_code == 404

    assignments = url(report, "assignments")
    given = {"section": "IV.B", "username": "co"}
    assert client(people["contributor"]).post(assignments, given).status_code == 403
    made = focal.post(assignments, given)
    assert made.status_code == 201, made.content
    assert (made.json()["username"], made.json()["by"]) == ("co", "fp")
    wrong_person = focal.post(assignments, {"section": "IV.B", "username": "rv"})
    assert wrong_person.status_code == 400 and "rv" in wrong_person.json()["username"][0]
    wrong_section = focal.post(assignments, {"section": "IX", "username": "co"})
    assert wrong_section.status_code == 400 and "IX" in wrong_section.json()["section"][0]
    sections = {s["key"]: s for s in focal.get(url(report)).json()["sections"]}
    assert sections["IV.B"]["assignees"] == ["co"]
    # The section is now answered by its assignee (and the focal point), not others.
    elsewhere = answer(client(people["contributor2"]), report, "b_1", "no", 0)
    assert elsewhere.status_code == 403 and "IV.B" in elsewhere.json()["detail"]
    assert answer(client(people["contributor"]), report, "b_1", "no", 0).status_code == 200
    other_section = answer(
        client(people["contributor2"]), report, "stakeholder-engagement", True, 0
    )
    assert other_section.status_code == 200
    assert [a["section"] for a in reviewer.get(assignments).json()] == ["IV.B"]
    removed = focal.delete(assignments, given, format="json")
    assert removed.status_code == 204
    assert focal.get(assignments).json() == []
    assert answer(client(people["contributor2"]), report, "b_1", "fully", 1).status_code == 200


def test_snapshots_and_the_differences_between_them(people: dict[str, Any]) -> None:
    report = opened(people)
    complete(report, people["contributor"])
    contributor, focal = client(people["contributor"]), client(people["focal"])

    def submit() -> None:
        for name, api in (
            ("submit-for-review", contributor),
            ("approve", focal),
            ("submit", focal),
        ):
            assert step(api, report, name).status_code == 201, name

    submit()
    assert step(focal, report, "unsubmit").status_code == 400  # a reason is needed
    assert step(focal, report, "unsubmit", reason="B.1 was wrong").status_code == 201
    before = contributor.get(url(report, "answers", "b_1")).json()
    after_value = "fully" if before["value"] != "fully" else "no"
    changed = answer(contributor, report, "b_1", after_value, before["fact_version"])
    assert changed.status_code == 200
    # Since the first submission, as the report now stands.
    pending = contributor.get(url(report, "diff"), {"from": "1"}).json()
    assert pending["after"]["snapshot"] is None
    assert [(c["question"], c["after"]) for c in pending["changes"]] == [("b_1", after_value)]
    submit()

    snapshots = focal.get(url(report, "snapshots")).json()
    assert [(x["number"], x["verified"]) for x in snapshots] == [(1, True), (2, True)]
    assert snapshots[0]["digest"] != snapshots[1]["digest"]
    diff = focal.get(url(report, "diff"), {"from": "1", "to": "2"})
    assert diff.status_code == 200, diff.content
    body = diff.json()
    assert (body["before"]["snapshot"], body["after"]["snapshot"]) == (1, 2)
    assert body["changes"] == [
        {
            "concept": "gbf.binary.b_1",
            "question": "b_1",
            "number": "B.1",
            "kind": "changed",
            "before": before["value"],
            "after": after_value,
        }
    ]
    assert focal.get(url(report, "diff"), {"from": "1"}).json()["changes"] == body["changes"]
    assert focal.get(url(report, "diff"), {"from": "7"}).status_code == 400
    assert focal.get(url(report, "diff"), {"to": "2"}).status_code == 400
    assert focal.get(url(report, "diff"), {"cycle": "previous", "from": "1"}).status_code == 400
    previous = focal.get(url(report, "diff"), {"cycle": "previous"}).json()
    assert previous["before"] is None and previous["changes"] == []
    assert previous["after"] == {
        "report": report.pk,
        "template": "cbd-nr7@2026.1",
        "cycle": "2026",
        "snapshot": 2,
    }
    assert focal.get(url(report, "diff")).json() == previous

    history = focal.get(url(report, "answers", "b_1", "history")).json()
    assert [(h["version"], h["value"]) for h in history][:2] == [
        (before["fact_version"] + 1, after_value),
        (before["fact_version"], before["value"]),
    ]
    assert history[0]["actor"] == "co"
    unsubmit = next(
        t for t in focal.get(url(report, "transitions")).json() if t["name"] == "unsubmit"
    )
    assert (unsubmit["reason"], unsubmit["actor"]) == ("B.1 was wrong", "fp")


def test_every_response_is_as_the_schema_documents(people: dict[str, Any]) -> None:
    """The served schema describes each read, for a report with a comment, an assignment
    and a snapshot."""
    report = opened(people)
    complete(report, people["contributor"])
    focal = client(people["focal"])
    for name in ("submit-for-review", "approve", "submit"):
        assert step(focal, report, name).status_code == 201
    assert focal.post(url(report, "comments"), {"question": "b_1", "text": "ok"}).status_code == 201
    assert (
        focal.post(url(report, "assignments"), {"section": "I", "username": "co"}).status_code
        == 201
    )
    schema = yaml.safe_load(client().get("/api/schema/").content)
    components = schema["components"]["schemas"]
    reads = {
        "/api/v1/report-templates/": TEMPLATES,
        "/api/v1/report-templates/{ref}/": f"{TEMPLATES}cbd-nr7/2026.1/",
        "/api/v1/reports/": REPORTS,
        "/api/v1/reports/{id}/": url(report),
        "/api/v1/reports/{id}/answers/": url(report, "answers"),
        "/api/v1/reports/{id}/answers/{key}/": url(report, "answers", "b_1"),
        "/api/v1/reports/{id}/answers/{key}/history/": url(report, "answers", "b_1", "history"),
        "/api/v1/reports/{id}/validate/": url(report, "validate"),
        "/api/v1/reports/{id}/transitions/": url(report, "transitions"),
        "/api/v1/reports/{id}/comments/": url(report, "comments"),
        "/api/v1/reports/{id}/assignments/": url(report, "assignments"),
        "/api/v1/reports/{id}/snapshots/": url(report, "snapshots"),
        "/api/v1/reports/{id}/snapshots/{number}/": url(report, "snapshots", "1"),
        "/api/v1/reports/{id}/diff/": url(report, "diff") + "?from=1",
        "/api/v1/reports/{id}/export/": url(report, "export"),
    }
    for path, address in reads.items():
        response = focal.get(address)
        assert response.status_code == 200, (address, response.content[:300])
        operation = schema["paths"][path]["get"]
        documented = operation["responses"]["200"]["content"]["application/json"]["schema"]
        jsonschema.validate(response.json(), _inline(documented, components))
        if "{" in path:
            assert "404" in operation["responses"], path
    for path in (p for p in schema["paths"] if p.startswith(("/api/v1/report", "/api/v1/reports"))):
        for method, operation in schema["paths"][path].items():
            assert operation["responses"], (path, method)
            assert operation.get("summary"), (path, method)
