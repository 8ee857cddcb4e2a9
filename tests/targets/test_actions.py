"""Drafting, editing, publishing and deleting national targets: who may, and what is recorded."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from meadow.audit.models import AuditEntry
from meadow.parties.models import Role
from meadow.parties.roles import TokenScope
from meadow.parties.visibility import Publication, visible
from meadow.targets import actions, queries
from meadow.targets.models import NationalTarget
from meadow.targets.specs import InvalidTarget
from tests.targets.conftest import PROTECT, RESTORE, draft, person, published

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]


def entries(code: str = "T1") -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(object_uid=f"place/KEN/target/{code}").order_by("at", "id")
    )


def test_a_contributor_drafts_a_target_with_every_part(contributor: User) -> None:
    target = actions.save_target(actor=contributor, country="KEN", **PROTECT)
    assert target.status == Publication.DRAFT and target.version == 1
    assert target.uid == "place/KEN/target/T1"
    assert target.created_by == contributor
    assert [(a.element.uid, a.degree) for a in target.alignments.all()] == [
        ("gbf/goal/A", "partial"),
        ("gbf/target/3", "full"),
    ]
    assert target.alignments.get(element__uid="gbf/target/3").explanation == {
        "en": "Protected areas and conservancies"
    }
    indicators = list(target.indicators.all())
    assert indicators[0].element.uid == "gbf/indicator/3.1" and indicators[0].name == {}
    assert indicators[1].element is None
    assert indicators[1].name == {"en": "Area under community conservancies"}
    quantity = target.quantities.get()
    assert quantity.global_element.code == "gbf-3-land"
    assert (quantity.value, quantity.unit, quantity.year) == (30.0, "percent", 2030)
    assert (quantity.baseline_value, quantity.baseline_year) == (12.5, 2020)


def test_a_contributor_edits_a_draft_but_cannot_publish(contributor: User) -> None:
    draft(PROTECT)
    changed = actions.save_target(
        actor=contributor,
        country="KEN",
        **{**PROTECT, "title": {"en": "Protect a third of the land"}},
        expected_version=1,
    )
    assert changed.version == 2 and changed.title == {"en": "Protect a third of the land"}
    with pytest.raises(PermissionDenied):
        actions.publish_target(actor=contributor, country="KEN", code="T1")
    assert NationalTarget.objects.get(code="T1").status == Publication.DRAFT


def test_a_contributor_cannot_change_a_published_target(contributor: User) -> None:
    published(PROTECT)
    with pytest.raises(PermissionDenied):
        actions.save_target(actor=contributor, country="KEN", **{**PROTECT, "title": "Changed"})
    with pytest.raises(actions.Refused):
        actions.delete_target(actor=contributor, country="KEN", code="T1")
    with pytest.raises(PermissionDenied):
        actions.unpublish_target(actor=contributor, country="KEN", code="T1")
    target = NationalTarget.objects.get(code="T1")
    assert target.title == PROTECT["title"] and target.is_published


@pytest.mark.parametrize("role", [Role.FOCAL_POINT, Role.PUBLISHING_AUTHORITY])
def test_focal_point_and_publishing_authority_publish_and_edit_published(role: str) -> None:
    user = person("p", ("KEN", role))
    draft(PROTECT)
    target = actions.publish_target(actor=user, country="KEN", code="T1", expected_version=1)
    assert target.is_published and target.version == 2
    assert target.published_by == user and target.published_at is not None
    edited = actions.save_target(actor=user, country="KEN", **{**PROTECT, "title": "Changed"})
    assert edited.is_published and edited.title == {"en": "Changed"} and edited.version == 3
    back = actions.unpublish_target(actor=user, country="KEN", code="T1")
    assert back.status == Publication.DRAFT and back.version == 4


def test_a_reviewer_reads_drafts_but_cannot_edit(reviewer: User) -> None:
    draft(PROTECT)
    assert [t.code for t in queries.targets(reviewer, country="KEN")] == ["T1"]
    with pytest.raises(PermissionDenied):
        actions.save_target(actor=reviewer, country="KEN", **RESTORE)
    with pytest.raises(PermissionDenied):
        actions.delete_target(actor=reviewer, country="KEN", code="T1")
    with pytest.raises(PermissionDenied):
        actions.publish_target(actor=reviewer, country="KEN", code="T1")


def test_another_countrys_focal_point_is_refused(other_focal: User) -> None:
    draft(PROTECT)
    published(RESTORE)
    for attempt in (
        lambda: actions.save_target(actor=other_focal, country="KEN", **PROTECT),
        lambda: actions.publish_target(actor=other_focal, country="KEN", code="T1"),
        lambda: actions.unpublish_target(actor=other_focal, country="KEN", code="T2"),
        lambda: actions.delete_target(actor=other_focal, country="KEN", code="T1"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    # Their own country is theirs to draft.
    assert actions.save_target(actor=other_focal, country="TZA", **PROTECT).country.code == "TZA"
    # They see Kenya's published target, not its draft.
    assert [t.code for t in queries.targets(other_focal, country="KEN")] == ["T2"]


def test_the_public_sees_published_targets_only(secretariat: User, admin: User) -> None:
    draft(PROTECT)
    published(RESTORE)
    anonymous = AnonymousUser()
    assert [t.code for t in visible(NationalTarget.objects.all(), anonymous)] == ["T2"]
    assert queries.target(anonymous, "KEN", "T1") is None
    assert queries.target(anonymous, "KEN", "T2") is not None
    # The secretariat and administrators read drafts too, but only administrators write.
    assert {t.code for t in queries.targets(secretariat)} == {"T1", "T2"}
    assert {t.code for t in queries.targets(admin)} == {"T1", "T2"}
    with pytest.raises(PermissionDenied):
        actions.save_target(actor=secretariat, country="KEN", **PROTECT)
    with pytest.raises(PermissionDenied):
        actions.save_target(actor=anonymous, country="KEN", **PROTECT)


def test_a_token_holds_only_its_role() -> None:
    """A focal point who is also a contributor, through a contributor token: drafts only."""
    user = person("both", ("KEN", Role.FOCAL_POINT), ("KEN", Role.CONTRIBUTOR))
    draft(PROTECT)
    user.token_scope = TokenScope("KEN", Role.CONTRIBUTOR)  # type: ignore[attr-defined]
    actions.save_target(actor=user, country="KEN", **RESTORE)
    with pytest.raises(PermissionDenied):
        actions.publish_target(actor=user, country="KEN", code="T1")


def test_deleting_a_draft_and_a_published_target(contributor: User, focal: User) -> None:
    draft(RESTORE)
    actions.delete_target(actor=contributor, country="KEN", code="T2", expected_version=1)
    assert not NationalTarget.objects.filter(code="T2").exists()
    published(PROTECT)
    with pytest.raises(actions.Refused, match="unpublish it"):
        actions.delete_target(actor=focal, country="KEN", code="T1")
    actions.unpublish_target(actor=focal, country="KEN", code="T1")
    actions.delete_target(actor=focal, country="KEN", code="T1")
    assert not NationalTarget.objects.filter(country__code="KEN").exists()
    with pytest.raises(NationalTarget.DoesNotExist):
        actions.delete_target(actor=focal, country="KEN", code="T1")


def test_a_stale_version_is_refused_and_nothing_is_lost(contributor: User, focal: User) -> None:
    draft(PROTECT)
    # Both open version 1; the focal point saves first.
    actions.save_target(
        actor=focal, country="KEN", **{**PROTECT, "title": "First"}, expected_version=1
    )
    with pytest.raises(actions.Conflict) as refused:
        actions.save_target(
            actor=contributor, country="KEN", **{**PROTECT, "title": "Second"}, expected_version=1
        )
    assert (refused.value.expected, refused.value.current) == (1, 2)
    assert "version 2, not 1" in str(refused.value)
    target = NationalTarget.objects.get(code="T1")
    assert target.title == {"en": "First"} and target.version == 2
    with pytest.raises(actions.Conflict):
        actions.publish_target(actor=focal, country="KEN", code="T1", expected_version=1)
    with pytest.raises(actions.Conflict):
        actions.delete_target(actor=focal, country="KEN", code="T1", expected_version=1)
    # Version 0 means "create": the code is taken.
    with pytest.raises(actions.Conflict, match="already exists") as taken:
        actions.save_target(actor=focal, country="KEN", **PROTECT, expected_version=0)
    assert (taken.value.expected, taken.value.current) == (0, 2)


def test_an_unchanged_save_changes_nothing(contributor: User) -> None:
    draft(PROTECT)
    before = AuditEntry.objects.count()
    same = actions.save_target(actor=contributor, country="KEN", **PROTECT, expected_version=1)
    assert same.version == 1 and AuditEntry.objects.count() == before


def test_every_change_is_audited_with_full_before_and_after(contributor: User, focal: User) -> None:
    actions.save_target(actor=contributor, country="KEN", **PROTECT, source="web")
    actions.save_target(
        actor=contributor,
        country="KEN",
        **{**PROTECT, "alignments": [("gbf/target/3", "partial", "Only land")]},
    )
    actions.publish_target(actor=focal, country="KEN", code="T1")
    actions.unpublish_target(actor=focal, country="KEN", code="T1")
    actions.delete_target(actor=focal, country="KEN", code="T1")
    rows = entries()
    assert [r.action for r in rows] == [
        "target.create",
        "target.update",
        "target.publish",
        "target.unpublish",
        "target.delete",
    ]
    assert {r.country for r in rows} == {"KEN"}
    assert {r.object_type for r in rows} == {"national-target"}
    assert [r.actor for r in rows] == ["kc", "kc", "kf", "kf", "kf"]
    create, update, publish, _unpublish, delete = rows
    assert create.before is None and create.source == "web"
    assert create.after == {
        "country": "KEN",
        "code": "T1",
        "title": PROTECT["title"],
        "text": PROTECT["text"],
        "status": "draft",
        "version": 1,
        "alignments": [
            {"element": "gbf/goal/A", "degree": "partial", "explanation": {}},
            {
                "element": "gbf/target/3",
                "degree": "full",
                "explanation": {"en": "Protected areas and conservancies"},
            },
        ],
        "indicators": [
            {"element": "gbf/indicator/3.1"},
            {"name": {"en": "Area under community conservancies"}},
        ],
        "quantities": [
            {
                "global_element": "gbf-3-land",
                "quantity": {"en": "Land and inland waters protected"},
                "unit": "percent",
                "value": 30.0,
                "year": 2030,
                "baseline_value": 12.5,
                "baseline_year": 2020,
            }
        ],
    }
    assert update.before == create.after
    assert update.after["alignments"] == [
        {"element": "gbf/target/3", "degree": "partial", "explanation": {"en": "Only land"}}
    ]
    assert update.changed_fields == ["alignments", "version"]
    assert (publish.before["status"], publish.after["status"]) == ("draft", "published")
    assert delete.after is None and delete.before["status"] == "draft"


def test_invalid_content_is_refused_with_every_problem(contributor: User) -> None:
    with pytest.raises(InvalidTarget) as refused:
        actions.save_target(
            actor=contributor,
            country="KEN",
            code="T 1",
            title="",
            alignments=[
                ("aichi/target/11", "full", ""),
                ("gbf/target/99", "full", ""),
                ("gbf/target/3", "complete", ""),
            ],
            indicators=["gbf/indicator/99.9", "sdg/indicator/15.1.1"],
            quantities=[
                {"global_element": "gbf-3-moon", "unit": "", "value": "thirty", "year": 2030},
                {"unit": "percent", "value": 10, "year": 2030, "baseline_value": 5},
            ],
        )
    problems = {(p.location.column, p.code) for p in refused.value.problems}
    assert problems == {
        ("code", "bad-code"),
        ("title", "missing-title"),
        ("alignments[0].element", "unknown-element"),
        ("alignments[1].element", "unknown-element"),
        ("alignments[2].degree", "bad-degree"),
        ("indicators[0].element", "unknown-indicator"),
        ("indicators[1].element", "unknown-indicator"),
        ("quantities[0].global_element", "unknown-global-element"),
        ("quantities[0].unit", "missing-unit"),
        ("quantities[0].value", "bad-number"),
        ("quantities[1].baseline_year", "incomplete-baseline"),
    }
    assert not NationalTarget.objects.exists()


def test_codes_differing_only_in_case_are_one_target(contributor: User) -> None:
    draft(PROTECT)
    with pytest.raises(InvalidTarget, match="'T1'"):
        actions.save_target(actor=contributor, country="KEN", **{**PROTECT, "code": "t1"})
