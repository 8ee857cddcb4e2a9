"""The report workflow, as data: states, the transitions between them, who may take each.

A report is a draft until its team sends it for review; the focal point or publishing
authority approves it (or sends it back), then submits it to the secretariat, which
freezes it as a ``Snapshot`` with a content hash. A submitted report can be unsubmitted
by the country (with a reason) or returned by the secretariat (with comments); the
secretariat publishes it. Every step is a ``Transition`` row: the history is the data.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meadow import audit
from meadow.core import policies
from meadow.core.actions import action
from meadow.core.actors import Actor, SystemActor, label
from meadow.places.models import Place, PlaceKind
from meadow.reports import facts, review, rules
from meadow.reports.models import Report, Snapshot, Template, Transition

DRAFT, IN_REVIEW, APPROVED, SUBMITTED, PUBLISHED = (
    "draft",
    "in-review",
    "approved",
    "submitted",
    "published",
)
STATES = (DRAFT, IN_REVIEW, APPROVED, SUBMITTED, PUBLISHED)
STATE_LABELS = {
    DRAFT: gettext_lazy("Draft"),
    IN_REVIEW: gettext_lazy("In review"),
    APPROVED: gettext_lazy("Approved"),
    SUBMITTED: gettext_lazy("Submitted"),
    PUBLISHED: gettext_lazy("Published"),
}
STEP_LABELS = {
    "submit-for-review": gettext_lazy("Submit for review"),
    "send-back": gettext_lazy("Send back to draft"),
    "approve": gettext_lazy("Approve"),
    "submit": gettext_lazy("Submit to the secretariat"),
    "unsubmit": gettext_lazy("Take back the submission"),
    "return": gettext_lazy("Return to the country"),
    "publish": gettext_lazy("Publish"),
}


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def step_label(step: str) -> str:
    return str(STEP_LABELS.get(step, step))


@dataclass(frozen=True)
class Step:
    name: str
    sources: tuple[str, ...]
    target: str
    policy: str
    needs_reason: bool = False


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step("submit-for-review", (DRAFT,), IN_REVIEW, "national.draft"),
        Step("send-back", (IN_REVIEW, APPROVED), DRAFT, "national.publish", needs_reason=True),
        Step("approve", (IN_REVIEW,), APPROVED, "national.publish"),
        Step("submit", (APPROVED,), SUBMITTED, "national.publish"),
        Step("unsubmit", (SUBMITTED,), DRAFT, "national.publish", needs_reason=True),
        Step("return", (SUBMITTED,), DRAFT, "reports.secretariat", needs_reason=True),
        Step("publish", (SUBMITTED,), PUBLISHED, "reports.secretariat"),
    )
}


# The steps the template's rules can stop: blockers stop both, errors stop approval
# unless the approver says why the report goes ahead with them.
GATED = ("approve", "submit")


def _numbers(report: Report, keys: list[str]) -> str:
    numbers = {
        q["key"]: str(q.get("number") or q["key"])
        for _s, q in rules.questions(report.template.document)
    }
    shown = [numbers.get(k, k) for k in keys[:10]]
    return ", ".join(shown) + (" ..." if len(keys) > 10 else "")


def _gate(report: Report, name: str, reason: str) -> None:
    evaluation = review.evaluate(report)
    blockers = [i.question for i in evaluation.of(rules.BLOCKER)]
    if blockers:
        raise ValidationError(
            _("%(count)d blocking problems stop the step %(name)s: questions %(questions)s.")
            % {
                "count": len(blockers),
                "name": step_label(name),
                "questions": _numbers(report, blockers),
            }
        )
    errors = [i.question for i in evaluation.of(rules.ERROR)]
    if name == "approve" and errors and not reason.strip():
        raise ValidationError(
            _(
                "%(count)d errors remain (questions %(questions)s): fix them, or approve "
                "with a reason saying why the report goes ahead with them."
            )
            % {"count": len(errors), "questions": _numbers(report, errors)}
        )


def state(report: Report) -> str:
    last = report.transitions.order_by("-at", "-id").first()
    return last.to_state if last else DRAFT


def _user(actor: Actor) -> Any:
    return None if isinstance(actor, SystemActor) or not actor.is_authenticated else actor


@action("facts.edit")
def open_report(*, actor: Actor, country: str, template: Template, cycle: str = "") -> Report:
    """The country's report on the template for the cycle (made once, then found)."""
    place = Place.objects.get(code=country, kind=PlaceKind.COUNTRY)
    report, created = Report.objects.get_or_create(
        country=place,
        template=template,
        cycle=cycle or template.cycle,
        defaults={"created_by": _user(actor)},
    )
    if created:
        audit.record(
            actor=actor,
            action="report.create",
            object_type="report",
            object_uid=report.uid,
            after={"template": f"{template.code}@{template.version}", "cycle": report.cycle},
            country=country,
        )
    return report


def content(report: Report, number: int) -> dict[str, Any]:
    """What a snapshot freezes: every question with its answer and the fact's version."""
    template = report.template
    return {
        "report": report.uid,
        "country": report.country.code,
        "template": f"{template.code}@{template.version}",
        "template_digest": template.digest,
        "cycle": report.cycle,
        "number": number,
        "answers": [
            {
                "question": a.question.key,
                "concept": a.concept.uid,
                "value": a.fact.value if a.fact else None,
                "fact_version": a.fact.version if a.fact else 0,
            }
            for a in facts.answers(template, report.country.code)
        ],
    }


def digest(document: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8): anyone can recompute it."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def verify(snapshot: Snapshot) -> bool:
    return digest(snapshot.content) == snapshot.digest


@action("national.read-unpublished")
def move(report: Report, name: str, *, actor: Actor, country: str, reason: str = "") -> Transition:
    """Take the named step; the step's own policy decides who may.

    (``country`` is the report's country: the outer policy keeps everyone off a
    country's unpublished reports who is not its team, the secretariat or an admin.)
    """
    if country != report.country.code:
        raise ValidationError(_("The report is not for this country."))
    step = STEPS.get(name)
    if step is None:
        raise ValidationError(_("Unknown step %(name)s.") % {"name": name})
    policies.check(step.policy, actor, country=country, convention=report.template.convention.code)
    Report.objects.select_for_update().filter(pk=report.pk).first()
    current = state(report)
    if current not in step.sources:
        raise ValidationError(
            _("A report that is %(state)s cannot take the step %(name)s.")
            % {"state": state_label(current), "name": step_label(name)}
        )
    if step.needs_reason and not reason.strip():
        raise ValidationError(
            _("Say why: the step %(name)s needs a reason.") % {"name": step_label(name)}
        )
    if name in GATED:
        _gate(report, name, reason)
    moved = Transition.objects.create(
        report=report,
        name=name,
        from_state=current,
        to_state=step.target,
        reason=reason.strip(),
        at=timezone.now(),
        by=_user(actor),
        actor=label(actor),
    )
    after: dict[str, Any] = {"state": step.target}
    if step.target == SUBMITTED:
        number = (report.snapshots.aggregate(n=Max("number"))["n"] or 0) + 1
        document = content(report, number)
        snap = Snapshot.objects.create(
            report=report, number=number, content=document, digest=digest(document)
        )
        after["snapshot"] = {"number": number, "digest": snap.digest}
    audit.record(
        actor=actor,
        action=f"report.{name}",
        object_type="report",
        object_uid=report.uid,
        before={"state": current},
        after=after,
        source=reason.strip(),
        country=country,
    )
    return moved
