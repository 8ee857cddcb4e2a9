"""Every change to a commitment is in the audit log, once per country concerned."""

from __future__ import annotations

import pytest

from meadow.audit.models import AuditEntry
from meadow.commitments import actions
from tests.commitments.conftest import People, Register, commitment_input, publish, submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]


def entries(uid: str, action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_uid=uid, action=action).order_by("country"))


def test_registration_is_logged_for_each_country_concerned(
    people: People, register: Register
) -> None:
    commitment = register()
    found = entries(commitment.uid, "commitment.create")
    assert [e.country for e in found] == ["BRA", "KEN"]
    for entry in found:
        assert (entry.user, entry.actor, entry.object_type) == (
            people.business,
            "acme",
            "commitment",
        )
        assert entry.before is None
        assert entry.after["countries"] == ["BRA", "KEN"]
        assert entry.after["title"]["en"] == "Deforestation-free supply chains"
        assert entry.after["amount"] == "2500000.00"
        assert entry.after["status"] == "draft"


def test_a_global_commitment_is_logged_without_a_country(
    people: People, register: Register
) -> None:
    commitment = register(coverage="global", countries=[])
    assert [e.country for e in entries(commitment.uid, "commitment.create")] == [""]


def test_an_edit_logs_what_changed_for_old_and_new_countries(
    people: People, register: Register
) -> None:
    commitment = register()
    actions.update(
        commitment,
        commitment_input(countries=["KEN", "USA"], end_year=2029),
        actor=people.business,
        owner_id=commitment.owner_id,
        version=1,
        source="web",
    )
    found = entries(commitment.uid, "commitment.update")
    # Brazil, no longer covered, still has the change in its history.
    assert [e.country for e in found] == ["BRA", "KEN", "USA"]
    entry = found[0]
    assert entry.before == {"countries": ["BRA", "KEN"], "end_year": 2030, "version": 1}
    assert entry.after == {"countries": ["KEN", "USA"], "end_year": 2029, "version": 2}
    assert entry.source == "web"
    assert entry.changed_fields == ["countries", "end_year", "version"]


def test_submission_reviews_and_progress_are_logged(people: People, register: Register) -> None:
    commitment = register()
    commitment = submitted(commitment)
    submits = entries(commitment.uid, "commitment.submit")
    assert [e.country for e in submits] == ["BRA", "KEN"]
    assert submits[0].before == {"status": "draft", "version": 1}
    assert submits[0].after == {"status": "submitted", "version": 2, "round": 1}

    actions.review(commitment, actor=people.ken_focal_point, country="KEN", decision="approved")
    actions.review(
        commitment,
        actor=people.bra_publisher,
        country="BRA",
        decision="returned",
        comment="More detail, please.",
    )
    reviews = AuditEntry.objects.filter(object_uid=commitment.uid, action="commitment.review")
    by_user = sorted({(e.actor, e.after["review"]["country"]) for e in reviews})
    assert by_user == [("bra-pa", "BRA"), ("ken-fp", "KEN")]
    last = reviews.filter(actor="bra-pa").first()
    assert last is not None
    assert last.before == {"status": "submitted", "version": 3}
    assert last.after == {
        "status": "returned",
        "version": 4,
        "review": {
            "round": 1,
            "country": "BRA",
            "decision": "returned",
            "comment": "More detail, please.",
        },
    }
    assert sorted(reviews.values_list("country", flat=True)) == ["BRA", "BRA", "KEN", "KEN"]


def test_progress_reports_and_withdrawal_are_logged(people: People, register: Register) -> None:
    commitment = publish(register(), people)
    report = actions.add_progress_report(
        commitment,
        actor=people.business,
        owner_id=commitment.owner_id,
        year=2025,
        text={"en": "Traced to the farm"},
        percent_complete=40,
    )
    logged = entries(report.uid, "commitment.progress-report.add")
    assert [e.country for e in logged] == ["BRA", "KEN"]
    assert logged[0].object_type == "progress-report"
    assert logged[0].after == {
        "year": 2025,
        "text": {"en": "Traced to the farm"},
        "percent_complete": 40,
    }
    actions.withdraw(commitment, actor=people.business, owner_id=commitment.owner_id)
    withdrawn = entries(commitment.uid, "commitment.withdraw")
    assert [(e.country, e.after["status"]) for e in withdrawn] == [
        ("BRA", "withdrawn"),
        ("KEN", "withdrawn"),
    ]
