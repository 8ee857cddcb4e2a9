"""Every write to commitments: register, edit, submit, review, withdraw, report progress.

The owner (whoever registered a commitment) edits it while it is a draft or has been
returned, and submits it; each country it covers then reviews it (its focal point or
publishing authority), or the CBD secretariat for a global commitment. It is published
once every one of them has approved the submission, and goes back to its owner with
the reviewer's comment as soon as one returns it. The owner of a published commitment
reports progress on it; the reports are public at once.

Each action writes one audit entry per country concerned (so that every country's
history shows it), or one entry with no country for a global commitment.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from meadow import audit
from meadow.commitments.models import (
    EDITABLE,
    FIRST_YEAR,
    LAST_YEAR,
    ActorType,
    Commitment,
    CommitmentReview,
    Coverage,
    Decision,
    ProgressReport,
    Status,
)
from meadow.commitments.queries import concerned, gbf_target_uid, gbf_targets
from meadow.core import i18n
from meadow.core.actions import action
from meadow.core.actors import Actor, SystemActor
from meadow.frameworks.models import Element
from meadow.parties.visibility import Publication
from meadow.places.models import Place, PlaceKind
from meadow.targets.models import NationalTarget

MAX_TEXT = 500
MAX_AMOUNT = Decimal(10) ** 16
CURRENCY = re.compile(r"^[A-Z]{3}$")
NATIONAL_TARGET_UID = re.compile(r"^place/(?P<country>[A-Za-z]{3})/target/(?P<code>[^/]+)$")


class Conflict(Exception):
    """The commitment changed since the version the editor started from; nothing saved."""

    def __init__(self, commitment: Commitment, expected: int) -> None:
        self.current = commitment.version
        self.expected = expected
        super().__init__(
            _(
                "This commitment was changed by someone else since you opened it "
                "(version %(current)s, yours was %(expected)s). Reload it and make your "
                "changes again."
            )
            % {"current": self.current, "expected": expected}
        )


class WrongState(ValidationError):
    """The action does not apply to a commitment in its present state."""


@dataclass
class CommitmentInput:
    """What a registration or edit form gives, before it is checked."""

    actor_name: str = ""
    actor_type: str = ""
    title: Mapping[str, Any] = field(default_factory=dict)
    description: Mapping[str, Any] = field(default_factory=dict)
    coverage: str = ""
    countries: Sequence[str] = ()
    gbf_targets: Sequence[str] = ()
    national_targets: Sequence[str] = ()
    start_year: int | None = None
    end_year: int | None = None
    resources: Mapping[str, Any] = field(default_factory=dict)
    amount: Decimal | str | int | float | None = None
    currency: str = ""
    website: str = ""

    @classmethod
    def of(cls, commitment: Commitment) -> CommitmentInput:
        """A commitment's present values (to change some and keep the rest)."""
        return cls(
            actor_name=commitment.actor_name,
            actor_type=commitment.actor_type,
            title=dict(commitment.title),
            description=dict(commitment.description),
            coverage=commitment.coverage,
            countries=[p.code for p in commitment.countries.all()],
            gbf_targets=[e.uid for e in commitment.gbf_targets.all()],
            national_targets=[t.uid for t in commitment.national_targets.select_related("country")],
            start_year=commitment.start_year,
            end_year=commitment.end_year,
            resources=dict(commitment.resources),
            amount=commitment.amount,
            currency=commitment.currency,
            website=commitment.website,
        )


@dataclass
class _Checked:
    values: dict[str, Any]
    countries: list[Place]
    gbf_targets: list[Element]
    national_targets: list[NationalTarget]


class _Errors:
    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.found.setdefault(name, []).append(message)

    def raise_any(self) -> None:
        if self.found:
            raise ValidationError(self.found)


def _six(values: Mapping[str, Any] | None, name: str, errors: _Errors) -> dict[str, str]:
    try:
        cleaned = i18n.clean(values, field=name)
    except ValueError as exc:
        errors.add(name, str(exc))
        return {}
    return cleaned


def _year(value: Any, name: str, errors: _Errors, *, required: bool) -> int | None:
    if value is None or value == "":
        if required:
            errors.add(name, _("A year is required."))
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        errors.add(name, _("%(value)r is not a year") % {"value": value})
        return None
    try:
        year = int(value)
    except ValueError:
        errors.add(name, _("%(value)r is not a year") % {"value": value})
        return None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        errors.add(
            name,
            _("%(year)s is not between %(first)s and %(last)s")
            % {"year": year, "first": FIRST_YEAR, "last": LAST_YEAR},
        )
        return None
    return year


def _amount(value: Any, errors: _Errors) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        errors.add("amount", _("%(value)r is not a number") % {"value": value})
        return None
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        errors.add("amount", _("The amount must be a positive number below 10¹⁶."))
        return None
    if amount != amount.quantize(Decimal("0.01")):
        errors.add("amount", _("The amount takes at most two decimals."))
        return None
    return amount.quantize(Decimal("0.01"))


def _countries(codes: Iterable[str], errors: _Errors) -> list[Place]:
    wanted = sorted({str(c).strip().upper() for c in codes if str(c).strip()})
    found = {p.code: p for p in Place.objects.filter(kind=PlaceKind.COUNTRY, code__in=wanted)}
    for code in wanted:
        if code not in found:
            errors.add(
                "countries",
                _("%(code)r is not a country's ISO alpha-3 code") % {"code": code},
            )
    return [found[c] for c in wanted if c in found]


def _gbf_targets(values: Iterable[str], errors: _Errors) -> list[Element]:
    wanted = list(dict.fromkeys(gbf_target_uid(str(v)) for v in values if str(v).strip()))
    found = {e.uid: e for e in gbf_targets().filter(uid__in=wanted)}
    for uid in wanted:
        if uid not in found:
            errors.add("gbf_targets", _("%(uid)r is not a GBF target") % {"uid": uid})
    if not wanted:
        errors.add("gbf_targets", _("Name at least one GBF target the commitment serves."))
    return sorted(found.values(), key=lambda e: e.order)


def _national_targets(
    values: Iterable[str], countries: list[Place], coverage: str, errors: _Errors
) -> list[NationalTarget]:
    """Published national targets of the covered countries (any country's, if global).

    A target that exists only as a draft reads as not published, like one that does
    not exist: the error says nothing about drafts the registrant may not see.
    """
    covered = {p.code for p in countries}
    out: list[NationalTarget] = []
    for raw in dict.fromkeys(str(v).strip() for v in values if str(v).strip()):
        match = NATIONAL_TARGET_UID.match(raw)
        if match is None:
            errors.add(
                "national_targets",
                _("%(uid)r is not a national target identifier (place/KEN/target/T1)")
                % {"uid": raw},
            )
            continue
        country = match["country"].upper()
        if coverage != Coverage.GLOBAL and country not in covered:
            errors.add(
                "national_targets",
                _(
                    "%(uid)r is a target of %(country)s, which this commitment does not "
                    "cover; add %(country)s to its countries or leave the target out."
                )
                % {"uid": raw, "country": country},
            )
            continue
        target = (
            NationalTarget.objects.select_related("country")
            .filter(country__code=country, code=match["code"], status=Publication.PUBLISHED)
            .first()
        )
        if target is None:
            errors.add(
                "national_targets",
                _("%(uid)r is not a published national target of %(country)s")
                % {"uid": raw, "country": country},
            )
            continue
        out.append(target)
    return out


def check(data: CommitmentInput) -> _Checked:
    """Every field checked at once; a ValidationError lists each problem by field."""
    errors = _Errors()
    actor_name = " ".join(str(data.actor_name or "").split())
    if not actor_name:
        errors.add("actor_name", _("Name the organisation that commits."))
    elif len(actor_name) > 200:
        errors.add("actor_name", _("At most 200 characters."))
    if data.actor_type not in ActorType.values:
        errors.add(
            "actor_type",
            _("%(value)r is not one of: %(choices)s")
            % {"value": data.actor_type, "choices": ", ".join(ActorType.values)},
        )
    title = _six(data.title, "title", errors)
    if not title and "title" not in errors.found:
        errors.add("title", _("Give a title in at least one language."))
    for lang, text in title.items():
        if len(text) > MAX_TEXT:
            errors.add("title", _("title[%(lang)s]: at most 500 characters.") % {"lang": lang})
    description = _six(data.description, "description", errors)
    resources = _six(data.resources, "resources", errors)
    coverage = data.coverage
    if coverage not in Coverage.values:
        errors.add(
            "coverage",
            _("%(value)r is not one of: %(choices)s")
            % {"value": coverage, "choices": ", ".join(Coverage.values)},
        )
    countries = _countries(data.countries, errors)
    if "countries" not in errors.found:
        if coverage == Coverage.NATIONAL and len(countries) != 1:
            errors.add("countries", _("A national commitment covers exactly one country."))
        elif coverage == Coverage.MULTI_COUNTRY and len(countries) < 2:
            errors.add("countries", _("A multi-country commitment covers two countries or more."))
        elif coverage == Coverage.GLOBAL and countries:
            errors.add("countries", _("A global commitment names no countries."))
    gbf = _gbf_targets(data.gbf_targets, errors)
    national = _national_targets(data.national_targets, countries, coverage, errors)
    start = _year(data.start_year, "start_year", errors, required=True)
    end = _year(data.end_year, "end_year", errors, required=False)
    if start is not None and end is not None and end < start:
        errors.add("end_year", _("The end year comes before the start year."))
    amount = _amount(data.amount, errors)
    currency = str(data.currency or "").strip().upper()
    if currency and not CURRENCY.match(currency):
        errors.add(
            "currency",
            _("%(value)r is not an ISO 4217 code (USD, EUR...)") % {"value": data.currency},
        )
    if amount is not None and not currency:
        errors.add("currency", _("Give the currency of the amount."))
    if currency and amount is None and "amount" not in errors.found:
        errors.add("amount", _("Give the amount in %(currency)s.") % {"currency": currency})
    website = str(data.website or "").strip()
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            errors.add("website", _("%(value)r is not a web address") % {"value": website})
        if len(website) > 500:
            errors.add("website", _("At most 500 characters."))
    errors.raise_any()
    return _Checked(
        values={
            "actor_name": actor_name,
            "actor_type": data.actor_type,
            "title": title,
            "description": description,
            "coverage": coverage,
            "start_year": start,
            "end_year": end,
            "resources": resources,
            "amount": amount,
            "currency": currency,
            "website": website,
        },
        countries=countries,
        gbf_targets=gbf,
        national_targets=national,
    )


def snapshot(commitment: Commitment) -> dict[str, Any]:
    """The commitment's values as the audit log keeps them."""
    return {
        "actor_name": commitment.actor_name,
        "actor_type": commitment.actor_type,
        "title": dict(commitment.title),
        "description": dict(commitment.description),
        "coverage": commitment.coverage,
        "countries": sorted(p.code for p in commitment.countries.all()),
        "gbf_targets": [e.uid for e in commitment.gbf_targets.order_by("order")],
        "national_targets": sorted(
            t.uid for t in commitment.national_targets.select_related("country")
        ),
        "start_year": commitment.start_year,
        "end_year": commitment.end_year,
        "resources": dict(commitment.resources),
        "amount": None if commitment.amount is None else str(commitment.amount),
        "currency": commitment.currency,
        "website": commitment.website,
        "status": commitment.status,
        "version": commitment.version,
    }


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _log(
    commitment: Commitment,
    *,
    actor: Actor,
    name: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    source: str,
    countries: Iterable[str] = (),
    object_type: str = "commitment",
    object_uid: str | None = None,
) -> None:
    """One entry per country concerned (``countries`` adds any other, e.g. one removed)."""
    codes = sorted({*(p.code for p in commitment.countries.all()), *countries})
    for code in codes or [""]:
        audit.record(
            actor=actor,
            action=name,
            object_type=object_type,
            object_uid=object_uid or commitment.uid,
            before=before,
            after=after,
            source=source,
            country=code,
        )


def _new_code(actor_name: str) -> str:
    stem = slugify(actor_name)[:40].strip("-") or "commitment"
    while True:
        code = f"{stem}-{secrets.token_hex(3)}"
        if not Commitment.objects.filter(code=code).exists():
            return code


def _lock(commitment: Commitment, owner_id: int | None = None) -> Commitment:
    """The commitment's row, locked for this transaction, as it is now in the database."""
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if owner_id is not None and locked.owner_id != owner_id:
        raise PermissionDenied(_("Only the owner of a commitment may do this."))
    return locked


def _check_version(commitment: Commitment, version: int | None) -> None:
    if version is not None and commitment.version != version:
        raise Conflict(commitment, version)


def _require_state(commitment: Commitment, allowed: Iterable[str], message: str) -> None:
    if commitment.status not in set(allowed):
        raise WrongState(message, code="state")


def _user(actor: Actor) -> Any:
    """The signed-in user behind an actor (None for the system)."""
    if isinstance(actor, SystemActor) or not actor.is_authenticated:
        return None
    return actor


def _owner(actor: Actor) -> Any:
    if isinstance(actor, SystemActor) or not actor.is_authenticated:
        raise PermissionDenied(_("A commitment is registered by a signed-in person."))
    return actor


@action("commitments.draft")
def create(data: CommitmentInput, *, actor: Actor, source: str = "") -> Commitment:
    """Register a commitment as a draft of the actor's."""
    owner = _owner(actor)
    checked = check(data)
    now = timezone.now()
    commitment = Commitment.objects.create(
        code=_new_code(checked.values["actor_name"]),
        owner=owner,
        status=Status.DRAFT,
        created_at=now,
        updated_at=now,
        **checked.values,
    )
    commitment.countries.set(checked.countries)
    commitment.gbf_targets.set(checked.gbf_targets)
    commitment.national_targets.set(checked.national_targets)
    _log(
        commitment,
        actor=actor,
        name="commitment.create",
        before=None,
        after={"code": commitment.code, **snapshot(commitment)},
        source=source,
    )
    return commitment


@action("commitments.edit")
def update(
    commitment: Commitment,
    data: CommitmentInput,
    *,
    actor: Actor,
    owner_id: int,
    version: int,
    source: str = "",
) -> Commitment:
    """Save the owner's edit of a draft or returned commitment (a returned one becomes a
    draft again); ``version`` is the one the edit started from."""
    locked = _lock(commitment, owner_id)
    _check_version(locked, version)
    _require_state(
        locked,
        EDITABLE,
        _("Only a draft or a returned commitment can be edited; this one is %(status)s.")
        % {"status": locked.get_status_display()},
    )
    checked = check(data)
    before = snapshot(locked)
    old_countries = set(before["countries"])
    for name, value in checked.values.items():
        setattr(locked, name, value)
    locked.countries.set(checked.countries)
    locked.gbf_targets.set(checked.gbf_targets)
    locked.national_targets.set(checked.national_targets)
    locked.status = Status.DRAFT
    if snapshot(locked) == before:
        return locked
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save()
    old, new = _diff(before, snapshot(locked))
    _log(
        locked,
        actor=actor,
        name="commitment.update",
        before=old,
        after=new,
        source=source,
        countries=old_countries,
    )
    return locked


@action("commitments.edit")
def submit(
    commitment: Commitment,
    *,
    actor: Actor,
    owner_id: int,
    version: int | None = None,
    source: str = "",
) -> Commitment:
    """Send a draft (or a returned commitment) to the countries concerned for review."""
    locked = _lock(commitment, owner_id)
    _check_version(locked, version)
    _require_state(
        locked,
        EDITABLE,
        _("Only a draft or a returned commitment can be submitted; this one is %(status)s.")
        % {"status": locked.get_status_display()},
    )
    # What was valid when saved may not be now (a national target unpublished since).
    check(CommitmentInput.of(locked))
    before = {"status": locked.status, "version": locked.version}
    now = timezone.now()
    locked.status = Status.SUBMITTED
    locked.round += 1
    locked.version += 1
    locked.submitted_at = now
    locked.updated_at = now
    locked.save(update_fields=["status", "round", "version", "submitted_at", "updated_at"])
    _log(
        locked,
        actor=actor,
        name="commitment.submit",
        before=before,
        after={"status": locked.status, "version": locked.version, "round": locked.round},
        source=source,
    )
    return locked


@action("commitments.review")
def review(
    commitment: Commitment,
    *,
    actor: Actor,
    country: str | None,
    decision: str,
    comment: str = "",
    source: str = "",
) -> CommitmentReview:
    """Record a country's decision on the submission (``country=None``: the CBD
    secretariat on a global commitment). Publishes the commitment once every country
    concerned has approved; returns it to its owner when one returns it."""
    locked = _lock(commitment)
    _require_state(
        locked,
        {Status.SUBMITTED},
        _("Only a submitted commitment can be reviewed; this one is %(status)s.")
        % {"status": locked.get_status_display()},
    )
    if locked.is_global:
        if country is not None:
            raise PermissionDenied(_("A global commitment is reviewed by the CBD secretariat."))
        place = None
    else:
        place = locked.countries.filter(code=country).first() if country else None
        if place is None:
            raise PermissionDenied(
                _("%(country)s is not a country this commitment covers.")
                % {"country": country or "—"}
            )
    if not isinstance(actor, SystemActor) and actor.pk == locked.owner_id:
        raise PermissionDenied(_("The owner of a commitment may not review it."))
    if decision not in Decision.values:
        raise ValidationError(
            {
                "decision": [
                    _("%(value)r is not one of: %(choices)s")
                    % {"value": decision, "choices": ", ".join(Decision.values)}
                ]
            }
        )
    comment = (comment or "").strip()
    if decision == Decision.RETURNED and not comment:
        raise ValidationError(
            {"comment": [_("Say what should change before the commitment can be approved.")]}
        )
    part = locked.reviews.filter(round=locked.round)
    part = part.filter(country=place) if place else part.filter(country__isnull=True)
    if part.exists():
        raise WrongState(
            _("%(who)s has already decided on this submission.")
            % {"who": place.code if place else _("The CBD secretariat")},
            code="state",
        )
    by = _user(actor)
    entry = CommitmentReview.objects.create(
        commitment=locked,
        round=locked.round,
        country=place,
        decision=decision,
        comment=comment,
        by=by,
    )
    before = {"status": locked.status, "version": locked.version}
    now = timezone.now()
    if decision == Decision.RETURNED:
        locked.status = Status.RETURNED
    else:
        approved = set(
            locked.reviews.filter(round=locked.round, decision=Decision.APPROVED).values_list(
                "country__code", flat=True
            )
        )
        if all(part in approved for part in concerned(locked)):
            locked.status = Status.PUBLISHED
            locked.published_at = now
    locked.version += 1
    locked.updated_at = now
    locked.save(update_fields=["status", "version", "updated_at", "published_at"])
    _log(
        locked,
        actor=actor,
        name="commitment.review",
        before=before,
        after={
            "status": locked.status,
            "version": locked.version,
            "review": {
                "round": entry.round,
                "country": place.code if place else "",
                "decision": decision,
                "comment": comment,
            },
        },
        source=source,
    )
    return entry


@action("commitments.edit")
def withdraw(
    commitment: Commitment,
    *,
    actor: Actor,
    owner_id: int,
    version: int | None = None,
    source: str = "",
) -> Commitment:
    """The owner withdraws a commitment, in review or published: it is no longer public
    and no longer reviewed, and it can no longer be edited. Its history is kept."""
    locked = _lock(commitment, owner_id)
    _check_version(locked, version)
    _require_state(
        locked,
        set(Status.values) - {Status.WITHDRAWN},
        _("This commitment is already withdrawn."),
    )
    before = {"status": locked.status, "version": locked.version}
    locked.status = Status.WITHDRAWN
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "version", "updated_at"])
    _log(
        locked,
        actor=actor,
        name="commitment.withdraw",
        before=before,
        after={"status": locked.status, "version": locked.version},
        source=source,
    )
    return locked


@action("commitments.edit")
def add_progress_report(
    commitment: Commitment,
    *,
    actor: Actor,
    owner_id: int,
    year: int | str | None,
    text: Mapping[str, Any],
    percent_complete: int | str | None = None,
    source: str = "",
) -> ProgressReport:
    """The owner reports progress on a published commitment; the report is public at once."""
    locked = _lock(commitment, owner_id)
    _require_state(
        locked,
        {Status.PUBLISHED},
        _("Progress is reported on a published commitment only."),
    )
    errors = _Errors()
    when = _year(year, "year", errors, required=True)
    this_year = timezone.now().year
    if when is not None and not locked.start_year <= when <= this_year:
        errors.add(
            "year",
            _("Report on a year from %(start)s, when the commitment starts, to %(now)s.")
            % {"start": locked.start_year, "now": this_year},
        )
    body = _six(text, "text", errors)
    if not body and "text" not in errors.found:
        errors.add("text", _("Say what has been done, in at least one language."))
    percent: int | None = None
    if percent_complete is not None and percent_complete != "":
        try:
            if isinstance(percent_complete, bool | float):
                raise ValueError(percent_complete)
            percent = int(percent_complete)
        except ValueError:
            errors.add(
                "percent_complete",
                _("%(value)r is not a whole number") % {"value": percent_complete},
            )
        else:
            if not 0 <= percent <= 100:
                errors.add("percent_complete", _("A percentage lies between 0 and 100."))
    errors.raise_any()
    assert when is not None
    by = _user(actor)
    report = ProgressReport.objects.create(
        commitment=locked, year=when, text=body, percent_complete=percent, by=by
    )
    _log(
        locked,
        actor=actor,
        name="commitment.progress-report.add",
        before=None,
        after={"year": when, "text": body, "percent_complete": percent},
        source=source,
        object_type="progress-report",
        object_uid=report.uid,
    )
    return report
