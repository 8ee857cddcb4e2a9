"""The report workflow: each step, who may take it, and the submitted snapshot's hash."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meadow.audit.models import AuditEntry
from meadow.parties.models import Role
from meadow.reports import facts, workflow
from meadow.reports.models import Report, Snapshot, Template, Transition
from tests.reports.helpers import fill, user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]


@pytest.fixture
def team() -> dict[str, Any]:
    return {
        "contributor": user("co", "KEN", Role.CONTRIBUTOR),
        "reviewer": user("rv", "KEN", Role.REVIEWER),
        "authority": user("pa", "KEN", Role.PUBLISHING_AUTHORITY),
        "focal": user("fp", "KEN", Role.FOCAL_POINT),
        "brazil": user("br", "BRA", Role.FOCAL_POINT),
        "cbd": user("cbd", secretariat="cbd"),
        "cms": user("cms", secretariat="cms"),
    }


@pytest.fixture
def report(team: dict[str, Any]) -> Report:
    template = Template.objects.get(code="cbd-nr7")
    made = workflow.open_report(actor=team["contributor"], country="KEN", template=template)
    # A complete report: every question answered, so no rule stops the workflow.
    fill(made, team["contributor"], skip=("nbsap-status",))
    facts.set_fact(
        actor=team["contributor"],
        country="KEN",
        concept="nbsap.status",
        value="adopted",
        source=facts.source_of(template, "KEN"),
    )
    return made


def move(report: Report, name: str, who: Any, reason: str = "") -> Transition:
    return workflow.move(report, name, actor=who, country="KEN", reason=reason)


def refused(report: Report, name: str, who: Any, error: type[Exception], reason: str = "") -> None:
    before = (Transition.objects.count(), Snapshot.objects.count(), AuditEntry.objects.count())
    with pytest.raises(error):
        move(report, name, who, reason)
    after = (Transition.objects.count(), Snapshot.objects.count(), AuditEntry.objects.count())
    assert after == before


def test_a_report_goes_from_draft_to_published(team: dict[str, Any], report: Report) -> None:
    assert workflow.state(report) == "draft"
    refused(report, "approve", team["authority"], ValidationError)  # not in review yet
    refused(report, "submit-for-review", team["reviewer"], PermissionDenied)
    refused(report, "submit-for-review", team["brazil"], PermissionDenied)
    move(report, "submit-for-review", team["contributor"])
    refused(report, "approve", team["contributor"], PermissionDenied)
    move(report, "approve", team["authority"])
    refused(report, "publish", team["cbd"], ValidationError)  # not submitted yet
    move(report, "submit", team["focal"])
    assert workflow.state(report) == "submitted"
    refused(report, "publish", team["cms"], PermissionDenied)  # another convention
    refused(report, "publish", team["focal"], PermissionDenied)
    move(report, "publish", team["cbd"])
    assert workflow.state(report) == "published"
    history = [(t.name, t.from_state, t.to_state, t.actor) for t in report.transitions.all()]
    assert history == [
        ("submit-for-review", "draft", "in-review", "co"),
        ("approve", "in-review", "approved", "pa"),
        ("submit", "approved", "submitted", "fp"),
        ("publish", "submitted", "published", "cbd"),
    ]
    assert list(
        AuditEntry.objects.filter(object_uid=report.uid)
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "report.create",
        "report.submit-for-review",
        "report.approve",
        "report.submit",
        "report.publish",
    ]


def test_sending_back_unsubmitting_and_returning_need_a_reason(
    team: dict[str, Any], report: Report
) -> None:
    move(report, "submit-for-review", team["contributor"])
    refused(report, "send-back", team["focal"], ValidationError, reason="  ")
    move(report, "send-back", team["focal"], reason="Section II is missing the adoption date")
    assert workflow.state(report) == "draft"
    for step, who in (
        ("submit-for-review", "contributor"),
        ("approve", "focal"),
        ("submit", "focal"),
    ):
        move(report, step, team[who])
    refused(report, "unsubmit", team["focal"], ValidationError)
    move(report, "unsubmit", team["focal"], reason="A figure was wrong")
    for step, who in (
        ("submit-for-review", "contributor"),
        ("approve", "focal"),
        ("submit", "focal"),
    ):
        move(report, step, team[who])
    refused(report, "return", team["cbd"], ValidationError)
    move(report, "return", team["cbd"], reason="Please add the indicator data")
    assert workflow.state(report) == "draft"
    reasons = [t.reason for t in report.transitions.exclude(reason="")]
    assert reasons == [
        "Section II is missing the adoption date",
        "A figure was wrong",
        "Please add the indicator data",
    ]
    assert report.snapshots.count() == 2


def test_the_submitted_snapshot_has_a_hash_anyone_can_recompute(
    team: dict[str, Any], report: Report
) -> None:
    for step, who in (
        ("submit-for-review", "contributor"),
        ("approve", "focal"),
        ("submit", "focal"),
    ):
        move(report, step, team[who])
    snapshot = report.snapshots.get()
    canonical = json.dumps(
        snapshot.content, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == snapshot.digest
    assert workflow.verify(snapshot)
    answers = {a["concept"]: a["value"] for a in snapshot.content["answers"]}
    assert answers["nbsap.status"] == "adopted"
    assert snapshot.content["report"] == "report/cbd-nr7/2026/KEN"
    # The snapshot does not follow later changes of the facts, and cannot be edited.
    facts.set_fact(
        actor=team["focal"], country="KEN", concept="nbsap.status", value="under-revision"
    )
    snapshot.refresh_from_db()
    assert workflow.verify(snapshot)
    with pytest.raises(ValueError, match="immutable"):
        snapshot.save()
    tampered = Snapshot(content={**snapshot.content, "cycle": "2025"}, digest=snapshot.digest)
    assert not workflow.verify(tampered)
    # Submitting again freezes the new answers under a new hash.
    move(report, "unsubmit", team["focal"], reason="Revised NBSAP status")
    for step, who in (
        ("submit-for-review", "contributor"),
        ("approve", "focal"),
        ("submit", "focal"),
    ):
        move(report, step, team[who])
    second = report.snapshots.get(number=2)
    assert second.digest != snapshot.digest
    assert {a["concept"]: a["value"] for a in second.content["answers"]}["nbsap.status"] == (
        "under-revision"
    )


def test_a_report_is_opened_once_per_country_template_and_cycle(team: dict[str, Any]) -> None:
    template = Template.objects.get(code="cbd-nr7")
    first = workflow.open_report(actor=team["focal"], country="KEN", template=template)
    again = workflow.open_report(actor=team["contributor"], country="KEN", template=template)
    assert first.pk == again.pk and first.cycle == "2026"
    with pytest.raises(PermissionDenied):
        workflow.open_report(actor=team["reviewer"], country="KEN", template=template)
    with pytest.raises(PermissionDenied):
        workflow.open_report(actor=team["brazil"], country="KEN", template=template)
