"""Working on a report: answering its questions, sharing out its sections, commenting.

``save_answer`` is how an answer given in a report becomes the country's fact: the
report must be open for editing (a draft, or in review for the focal point and the
publishing authority), a section with assignees is answered by them, and the fact's
version guards against a lost update (``facts.Conflict``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from meadow import audit
from meadow.core.actions import action
from meadow.core.actors import Actor, SystemActor, label
from meadow.parties import roles
from meadow.reports import facts, review
from meadow.reports.models import Assignment, Comment, ConceptType, Fact, Report

# Who may still change answers in each state: writers in a draft, publishers in review.
EDITABLE = {"draft": roles.WRITERS, "in-review": roles.PUBLISHERS}


def _user(actor: Actor) -> Any:
    return None if isinstance(actor, SystemActor) or not actor.is_authenticated else actor


def may_edit_section(actor: Actor, report: Report, section: str, state: str) -> bool:
    """Whether the actor may change answers of this section now (facts.edit aside)."""
    from meadow.reports.workflow import state as state_of

    allowed = EDITABLE.get(state or state_of(report))
    if allowed is None:
        return False
    if isinstance(actor, SystemActor) or roles.is_admin(actor):
        return True
    country = report.country.code
    if not roles.has_role(actor, country, allowed):
        return False
    if roles.has_role(actor, country, roles.PUBLISHERS):
        return True
    assigned = list(report.assignments.filter(section=section).values_list("user_id", flat=True))
    return not assigned or roles.user_id(actor) in assigned


@action("facts.edit")
def save_answer(
    *,
    actor: Actor,
    country: str,
    report: Report,
    question: str,
    value: Any,
    expected_version: int | None = None,
) -> Fact:
    """Answer one question of the report: the country's fact for its concept changes.

    ``expected_version`` is the fact's version the editor started from (0 when there
    was none); ``facts.Conflict`` carries both values when someone saved in between.
    """
    from meadow.reports import workflow
    from meadow.reports.workflow import state as state_of

    if country != report.country.code:
        raise ValidationError(_("The report is not for this country."))
    try:
        item = review.question_document(report, question)
    except KeyError:
        raise ValidationError(
            _("%(report)s has no question %(key)s.") % {"report": report.uid, "key": question}
        ) from None
    section = review.section_of(report, question)
    current = state_of(report)
    if current not in EDITABLE:
        raise ValidationError(
            _("A report that is %(state)s cannot be changed: send it back to draft first.")
            % {"state": workflow.state_label(current)}
        )
    if not may_edit_section(actor, report, section, current):
        raise PermissionDenied(
            _("Section %(section)s is assigned to others, or the report is in review.")
            % {"section": section}
        )
    concept = report.template.questions.select_related("concept").get(key=question).concept
    if concept.type == ConceptType.INDICATOR_DATA:
        raise ValidationError(
            _("Question %(key)s shows the country's indicator data: import the data instead.")
            % {"key": item.get("number") or question}
        )
    if concept.type == ConceptType.NATIONAL_TARGETS:
        _check_targets(country, value, item.get("number") or question)
    return facts.set_fact(
        actor=actor,
        country=country,
        concept=concept.uid,
        value=value,
        expected_version=expected_version,
        source=report.uid,
    )


def _check_targets(country: str, value: Any, number: str) -> None:
    """Rows on national targets name targets of this country (GBF targets are checked
    with the value itself)."""
    from meadow.targets.models import NationalTarget

    if not isinstance(value, list):
        return
    codes = {
        str(row.get("target") or "")
        for row in value
        if isinstance(row, dict) and not str(row.get("target") or "").startswith("gbf/")
    }
    known = set(
        NationalTarget.objects.filter(country__code=country, code__in=codes).values_list(
            "code", flat=True
        )
    )
    unknown = sorted(codes - known - {""})
    if unknown:
        raise ValidationError(
            _("Question %(number)s: %(codes)s is not a national target of %(country)s.")
            % {"number": number, "codes": ", ".join(unknown), "country": country}
        )


@action("reports.assign")
def assign(
    *, actor: Actor, country: str, report: Report, section: str, username: str
) -> Assignment:
    """Give a section of the report to a member of the country's team who may write."""
    if country != report.country.code:
        raise ValidationError(_("The report is not for this country."))
    keys = {s["key"] for s in report.template.document.get("sections") or []}
    if section not in keys:
        raise ValidationError(_("There is no section %(key)s.") % {"key": section})
    user = get_user_model().objects.filter(username=username).first()
    if user is None or not roles.has_role(user, country, roles.WRITERS):
        raise ValidationError(
            _("%(name)s is not a contributor, publishing authority or focal point of %(country)s.")
            % {"name": username, "country": country}
        )
    made, created = Assignment.objects.get_or_create(
        report=report, section=section, user=user, defaults={"by": _user(actor)}
    )
    if created:
        audit.record(
            actor=actor,
            action="report.assign",
            object_type="report",
            object_uid=report.uid,
            after={"section": section, "user": username},
            country=country,
        )
    return made


@action("reports.assign")
def unassign(*, actor: Actor, country: str, report: Report, section: str, username: str) -> None:
    if country != report.country.code:
        raise ValidationError(_("The report is not for this country."))
    deleted, _rows = Assignment.objects.filter(
        report=report, section=section, user__username=username
    ).delete()
    if deleted:
        audit.record(
            actor=actor,
            action="report.unassign",
            object_type="report",
            object_uid=report.uid,
            before={"section": section, "user": username},
            country=country,
        )


@action("reports.comment")
def comment(*, actor: Actor, country: str, report: Report, question: str, text: str) -> Comment:
    """Remark on a question of the report (empty question: on the whole report)."""
    if country != report.country.code:
        raise ValidationError(_("The report is not for this country."))
    if question:
        try:
            review.question_document(report, question)
        except KeyError:
            raise ValidationError(
                _("%(report)s has no question %(key)s.") % {"report": report.uid, "key": question}
            ) from None
    if not text.strip():
        raise ValidationError(_("A comment needs some text."))
    made = Comment.objects.create(
        report=report, question=question, text=text.strip(), by=_user(actor), actor=label(actor)
    )
    audit.record(
        actor=actor,
        action="report.comment",
        object_type="report",
        object_uid=report.uid,
        after={"question": question, "comment": made.pk},
        country=country,
    )
    return made


@action("reports.comment")
def resolve(*, actor: Actor, country: str, comment: Comment) -> Comment:
    """Mark a comment as dealt with (it stays in the report's history)."""
    if country != comment.report.country.code:
        raise ValidationError(_("The report is not for this country."))
    if comment.resolved_at is None:
        comment.resolved_at = timezone.now()
        comment.resolved_by = label(actor)
        comment.save(update_fields=["resolved_at", "resolved_by"])
        audit.record(
            actor=actor,
            action="report.resolve-comment",
            object_type="report",
            object_uid=comment.report.uid,
            before={"comment": comment.pk, "resolved": False},
            after={"comment": comment.pk, "resolved": True},
            country=country,
        )
    return comment
