"""Working on a report: answers through the report, sections, comments, completeness,
the rules stopping the workflow, the assembled document and differences over time."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meadow.audit.models import AuditEntry
from meadow.parties.models import Role
from meadow.reports import compare, document, editing, facts, review, rules, workflow
from meadow.reports.models import Comment, FactVersion, Report, Template
from tests.reports.helpers import fill, user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]


@pytest.fixture
def team() -> dict[str, Any]:
    return {
        "contributor": user("co", "KEN", Role.CONTRIBUTOR),
        "other": user("co2", "KEN", Role.CONTRIBUTOR),
        "reviewer": user("rv", "KEN", Role.REVIEWER),
        "authority": user("pa", "KEN", Role.PUBLISHING_AUTHORITY),
        "focal": user("fp", "KEN", Role.FOCAL_POINT),
        "brazil": user("br", "BRA", Role.FOCAL_POINT),
        "cbd": user("cbd", secretariat="cbd"),
    }


def open_cbd(who: Any) -> Report:
    template = Template.objects.get(code="cbd-nr7")
    return workflow.open_report(actor=who, country="KEN", template=template)


def save(report: Report, who: Any, key: str, value: Any, version: int | None = None) -> Any:
    return editing.save_answer(
        actor=who,
        country="KEN",
        report=report,
        question=key,
        value=value,
        expected_version=version,
    )


def move(report: Report, name: str, who: Any, reason: str = "") -> None:
    workflow.move(report, name, actor=who, country="KEN", reason=reason)


def test_an_answer_saved_in_the_report_is_the_countrys_fact(team: dict[str, Any]) -> None:
    report = open_cbd(team["contributor"])
    fact = save(report, team["contributor"], "b_1", "fully", version=0)
    assert fact.concept.uid == "gbf.binary.b_1" and fact.version == 1
    assert fact.source == "report/cbd-nr7/2026/KEN"
    view = document.assemble(report).question("b_1")
    assert view.value == "fully" and view.fact_version == 1 and view.prefilled_from == ""
    with pytest.raises(facts.Conflict) as conflict:
        save(report, team["other"], "b_1", "partially", version=0)
    assert conflict.value.theirs.value == "fully" and conflict.value.yours == "partially"
    with pytest.raises(ValidationError, match="not one of the choices"):
        save(report, team["contributor"], "b_1", "maybe", version=1)
    with pytest.raises(ValidationError, match="has no question"):
        save(report, team["contributor"], "no-such-question", "x")
    with pytest.raises(ValidationError, match="indicator data"):
        save(report, team["contributor"], "headline-a.1", 3)
    with pytest.raises(PermissionDenied):
        save(report, team["reviewer"], "b_1", "partially", version=1)
    with pytest.raises(PermissionDenied):
        save(report, team["brazil"], "b_1", "partially", version=1)
    assert FactVersion.objects.filter(fact=fact).count() == 1


def test_an_assigned_section_is_answered_by_its_assignees(team: dict[str, Any]) -> None:
    report = open_cbd(team["focal"])
    with pytest.raises(PermissionDenied):
        editing.assign(
            actor=team["contributor"], country="KEN", report=report, section="IV.B", username="co"
        )
    with pytest.raises(ValidationError, match="not a contributor"):
        editing.assign(
            actor=team["focal"], country="KEN", report=report, section="IV.B", username="rv"
        )
    with pytest.raises(ValidationError, match="no section"):
        editing.assign(
            actor=team["focal"], country="KEN", report=report, section="IV.X", username="co"
        )
    editing.assign(actor=team["focal"], country="KEN", report=report, section="IV.B", username="co")
    save(report, team["contributor"], "b_1", "fully")
    with pytest.raises(PermissionDenied):
        save(report, team["other"], "b_2", "fully")
    save(report, team["other"], "1", "no")  # an unassigned section is open to the team
    save(report, team["authority"], "b_2", "fully")  # publishers answer anything
    progress = {p.key: p for p in review.completeness(report)}
    assert progress["IV.B"].assignees == ["co"]
    editing.unassign(
        actor=team["focal"], country="KEN", report=report, section="IV.B", username="co"
    )
    save(report, team["other"], "b_3", "fully")
    actions = list(
        AuditEntry.objects.filter(object_uid=report.uid, action__startswith="report.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["report.create", "report.assign", "report.unassign"]


def test_answers_are_locked_once_the_report_moves_on(team: dict[str, Any]) -> None:
    report = open_cbd(team["contributor"])
    fill(report, team["contributor"])
    move(report, "submit-for-review", team["contributor"])
    with pytest.raises(PermissionDenied):  # in review: only the publishers still edit
        save(report, team["contributor"], "b_1", "partially")
    save(report, team["authority"], "b_1", "partially")
    move(report, "approve", team["authority"])
    with pytest.raises(ValidationError, match="cannot be changed"):
        save(report, team["authority"], "b_1", "fully")


def test_comments_on_questions(team: dict[str, Any]) -> None:
    report = open_cbd(team["contributor"])
    made = editing.comment(
        actor=team["reviewer"], country="KEN", report=report, question="b_1", text=" Check it "
    )
    assert made.text == "Check it" and made.actor == "rv"
    editing.comment(actor=team["cbd"], country="KEN", report=report, question="", text="Overall")
    with pytest.raises(PermissionDenied):
        editing.comment(
            actor=team["brazil"], country="KEN", report=report, question="b_1", text="x"
        )
    with pytest.raises(ValidationError):
        editing.comment(
            actor=team["reviewer"], country="KEN", report=report, question="b_1", text=""
        )
    with pytest.raises(ValidationError):
        editing.comment(
            actor=team["reviewer"], country="KEN", report=report, question="zz", text="x"
        )
    editing.resolve(actor=team["contributor"], country="KEN", comment=made)
    assert Comment.objects.get(pk=made.pk).resolved_by == "co"
    assert report.comments.count() == 2


def test_completeness_counts_answered_missing_and_failing_per_section(
    team: dict[str, Any],
) -> None:
    report = open_cbd(team["contributor"])
    empty = {p.key: p for p in review.completeness(report)}
    # Section II: six questions; the NBSAP status, stakeholder engagement and adoption
    # questions are required (the template says which).
    doc = report.template.document
    required_ii = [q["key"] for q in doc["sections"][1]["questions"] if q.get("required")]
    assert empty["II"].answered == 0 and empty["II"].missing == required_ii
    assert empty["II"].errors == len(required_ii) and not empty["II"].complete
    save(report, team["contributor"], "nbsap-status", "adopted")
    after = {p.key: p for p in review.completeness(report)}
    assert after["II"].answered == 1
    assert after["II"].missing == [k for k in required_ii if k != "nbsap-status"]
    # Question 1 (landlocked?) decides whether 1.1(c) is shown and so counted.
    shown_before = after["IV.1"].shown
    save(report, team["contributor"], "1", "no")
    assert {p.key: p for p in review.completeness(report)}["IV.1"].shown == shown_before + 1
    fill(report, team["contributor"])
    assert all(p.complete for p in review.completeness(report))


def test_errors_stop_approval_unless_explained_and_blockers_always(
    team: dict[str, Any],
) -> None:
    report = open_cbd(team["contributor"])
    fill(report, team["contributor"], skip=("b_1",))
    move(report, "submit-for-review", team["contributor"])
    with pytest.raises(ValidationError, match="1 errors remain"):
        move(report, "approve", team["authority"])
    move(report, "approve", team["authority"], reason="B.1 is not yet known nationally")
    assert workflow.state(report) == "approved"
    # A blocker (here: made one by the template's own rule) stops approval and submission.
    template = report.template
    doc = template.document
    question = doc["sections"][4]["questions"][1]
    assert question["key"] == "b_2"
    question["rules"] = [{"level": "blocker", "kind": "required"}]
    template.save(update_fields=["document"])
    facts.set_fact(actor=team["focal"], country="KEN", concept="gbf.binary.b_2", value=None)
    with pytest.raises(ValidationError, match="blocking"):
        move(report, "submit", team["focal"])
    move(report, "send-back", team["focal"], reason="B.2 is needed")
    move(report, "submit-for-review", team["contributor"])
    with pytest.raises(ValidationError, match="blocking"):
        move(report, "approve", team["authority"], reason="we would like to go ahead")
    assert review.evaluate(report).count(rules.BLOCKER) == 1


def test_the_document_marks_prefilled_answers_and_where_else_they_are_asked(
    team: dict[str, Any],
) -> None:
    cbd = open_cbd(team["contributor"])
    save(cbd, team["contributor"], "nbsap-status", "adopted")
    ramsar = workflow.open_report(
        actor=team["contributor"],
        country="KEN",
        template=Template.objects.get(code="ramsar-cop15"),
    )
    shared = next(q for q in document.assemble(ramsar).questions() if q.concept == "nbsap.status")
    assert shared.value == "adopted"
    assert shared.prefilled_from == "report/cbd-nr7/2026/KEN"
    assert "cbd-nr7@2026.1" in shared.also_in
    own = document.assemble(cbd).question("nbsap-status")
    assert own.prefilled_from == "" and any(t.startswith("ramsar-cop15@") for t in own.also_in)


def test_differences_between_versions_snapshots_and_cycles(team: dict[str, Any]) -> None:
    report = open_cbd(team["contributor"])
    fill(report, team["contributor"])
    save(report, team["contributor"], "nbsap-status", "adopted")
    version = document.assemble(report).question("nbsap-status").fact_version
    save(report, team["contributor"], "nbsap-status", "under-revision")
    change = compare.between_versions("KEN", "nbsap.status", version, version + 1)
    assert change is not None and (change.before, change.after) == ("adopted", "under-revision")
    assert compare.between_versions("KEN", "nbsap.status", version, version) is None
    for step, who in (("submit-for-review", "contributor"), ("approve", "focal")):
        move(report, step, team[who])
    move(report, "submit", team["focal"])
    move(report, "unsubmit", team["focal"], reason="New NBSAP status")
    save(report, team["focal"], "nbsap-status", "adopted")
    for step, who in (("submit-for-review", "contributor"), ("approve", "focal")):
        move(report, step, team[who])
    move(report, "submit", team["focal"])
    first, second = report.snapshots.order_by("number")
    changes = compare.between_snapshots(first, second)
    assert [(c.concept, c.before, c.after, c.kind) for c in changes] == [
        ("nbsap.status", "under-revision", "adopted", "changed")
    ]
    # The next cycle: the same facts prefill it; the difference with 2026 starts empty.
    template = report.template
    later = Report.objects.create(country=report.country, template=template, cycle="2030")
    assert compare.previous(later) == report
    assert compare.between_cycles(later) == []
    save(later, team["focal"], "nbsap-status", "under-revision")
    changes = compare.between_cycles(later)
    assert [(c.question, c.before, c.after) for c in changes] == [
        ("nbsap-status", "adopted", "under-revision")
    ]
    # The submitted 2026 report still reads as it was frozen.
    assert review.values(report)["nbsap-status"] == "adopted"


def test_progress_rows_name_the_countrys_own_targets_or_gbf_targets(
    team: dict[str, Any],
) -> None:
    from meadow.places.models import Place
    from meadow.targets.models import NationalTarget

    NationalTarget.objects.create(
        country=Place.objects.get(code="KEN"), code="KE-3", title={"en": "Protect land"}
    )
    NationalTarget.objects.create(
        country=Place.objects.get(code="BRA"), code="BR-3", title={"en": "Protect land"}
    )
    report = open_cbd(team["contributor"])
    rows = [{"target": "KE-3", "progress": "on-track"}, {"target": "gbf/target/7"}]
    fact = save(report, team["contributor"], "national-targets", rows)
    assert [r["target"] for r in fact.value] == ["KE-3", "gbf/target/7"]
    with pytest.raises(ValidationError, match="BR-3 is not a national target of KEN"):
        save(report, team["contributor"], "national-targets", [{"target": "BR-3"}])
    with pytest.raises(ValidationError):
        save(report, team["contributor"], "national-targets", [{"target": "gbf/target/24"}])
    assert FactVersion.objects.filter(fact=fact).count() == 1
