"""Web pages for commitments: the published list, each commitment, the register and edit
form, the owner's own list and each country's review queue.

Every read goes through ``queries`` (``visible_commitments``), every write through
``actions``; a commitment the reader may not see is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render as django_render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from meadow.audit.queries import history
from meadow.audit.queries import rows as audit_rows
from meadow.commitments import actions, queries
from meadow.commitments.forms import CommitmentForm, ProgressReportForm, ReviewForm
from meadow.commitments.models import (
    ActorType,
    Commitment,
    CommitmentReview,
    Coverage,
    Status,
)
from meadow.core import policies
from meadow.core.actors import Actor
from meadow.frameworks.models import Element
from meadow.parties import roles
from meadow.places.models import Place, PlaceKind

PAGE_SIZE = 50
FILTERS = ("country", "gbf_target", "actor_type", "coverage")


def render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render a page of the Commitments section (the navigation marks it)."""
    return django_render(
        request, template, {**context, "nav_section": "commitments"}, status=status
    )


def _sign_in(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _visible(request: HttpRequest, code: str) -> Commitment:
    commitment = queries.commitment(code, request.user)
    if commitment is None:
        raise Http404(code)
    return commitment


def _messages_of(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for items in error.message_dict.values() for m in items]
    return list(error.messages)


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def may_edit(actor: Actor, commitment: Commitment) -> bool:
    return bool(policies.require("commitments.edit")(actor, owner_id=commitment.owner_id))


def may_review(actor: Actor, commitment: Commitment, part: str | None) -> bool:
    """Whether the actor may decide on ``part`` (a country, None: the secretariat's)."""
    if commitment.owner_id == roles.user_id(actor):
        return False
    return bool(policies.require("commitments.review")(actor, country=part))


def review_url(part: str | None) -> str:
    from django.urls import reverse

    if part is None:
        return reverse("commitment-review-global")
    return reverse("commitment-review-queue", kwargs={"code": part})


# The published list ------------------------------------------------------------------------


@dataclass
class Facet:
    value: str
    label: str
    count: int
    url: str
    current: bool


def _filters(request: HttpRequest) -> dict[str, str]:
    """The list's filters from the query string; values that cannot match are dropped."""
    raw = {name: request.GET.get(name, "").strip() for name in FILTERS}
    if raw["actor_type"] not in ActorType.values:
        raw["actor_type"] = ""
    if raw["coverage"] not in Coverage.values:
        raw["coverage"] = ""
    raw["country"] = raw["country"].upper()[:3]
    if raw["gbf_target"]:
        raw["gbf_target"] = queries.gbf_target_uid(raw["gbf_target"])
    return {k: v for k, v in raw.items() if v}


def _query(filters: dict[str, str], **change: str) -> str:
    merged = {**filters, **change}
    return urlencode({k: v for k, v in merged.items() if v})


def commitment_list(request: HttpRequest) -> HttpResponse:
    base = queries.published(request.user)
    filters = _filters(request)
    chosen = queries.filtered(base, **filters)
    by_target = [
        Facet(
            value=target.uid,
            label=target.code,
            count=count,
            url="?" + _query(filters, gbf_target="" if current else target.uid),
            current=current,
        )
        for target, count in queries.counts_by_target(chosen)
        for current in [filters.get("gbf_target") == target.uid]
    ]
    by_type = [
        Facet(
            value=value,
            label=label,
            count=count,
            url="?" + _query(filters, actor_type="" if current else value),
            current=current,
        )
        for value, label, count in queries.counts_by_actor_type(chosen)
        for current in [filters.get("actor_type") == value]
    ]
    page = Paginator(chosen.order_by("-published_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    countries = Place.objects.filter(
        kind=PlaceKind.COUNTRY,
        pk__in=Commitment.countries.through.objects.filter(
            commitment_id__in=base.values("pk")
        ).values("place_id"),
    )
    context = {
        "page": page,
        "total": page.paginator.count,
        "filters": filters,
        "filter_query": _query(filters),
        "by_target": by_target,
        "by_type": by_type,
        "countries": sorted(countries, key=lambda p: p.label().casefold()),
        "targets": list(queries.gbf_targets()),
        "actor_types": ActorType.choices,
        "coverages": Coverage.choices,
        "target_label": _target_label(filters.get("gbf_target")),
    }
    return render(request, "commitments/commitment_list.html", context)


def _target_label(uid: str | None) -> str:
    if not uid:
        return ""
    element = Element.objects.filter(uid=uid).first()
    return element.label() if element else uid


# One commitment ----------------------------------------------------------------------------


@dataclass
class ReviewRow:
    review: CommitmentReview
    reviewer: str | None


@dataclass
class Part:
    """A country (or the secretariat) whose decision the current submission waits for."""

    code: str | None
    label: str
    review_url: str | None


def _part_label(code: str | None, places: dict[str, Place]) -> str:
    if code is None:
        return _("The CBD secretariat")
    place = places.get(code)
    return place.label() if place else code


def _detail_context(
    request: HttpRequest, commitment: Commitment, progress_form: ProgressReportForm | None = None
) -> dict[str, Any]:
    actor = request.user
    places = {p.code: p for p in commitment.countries.all()}
    owner = commitment.owner_id == roles.user_id(actor)
    editor = may_edit(actor, commitment)
    pending = [
        Part(
            code=part,
            label=_part_label(part, places),
            review_url=review_url(part) if may_review(actor, commitment, part) else None,
        )
        for part in queries.pending_parts(commitment)
    ]
    reviews = [ReviewRow(r, queries.reviewer_name(r, actor)) for r in queries.reviews(commitment)]
    may_report = editor and commitment.status == Status.PUBLISHED
    if may_report and progress_form is None:
        progress_form = ProgressReportForm()
    return {
        "commitment": commitment,
        "countries": sorted(places.values(), key=lambda p: p.label().casefold()),
        "gbf_targets": list(commitment.gbf_targets.order_by("order")),
        "national_targets": list(queries.national_targets(commitment, actor)),
        "reviews": reviews,
        "pending": pending,
        "progress_reports": list(queries.progress_reports(commitment)),
        "is_owner": owner,
        "may_edit": editor and commitment.is_editable,
        "may_submit": editor and commitment.is_editable,
        "may_withdraw": editor and commitment.status != Status.WITHDRAWN,
        "may_report": may_report,
        "progress_form": progress_form,
        "progress_languages": progress_form.languages("text") if progress_form else None,
        "show_status": not commitment.is_published,
        "returned": commitment.status == Status.RETURNED,
        "may_view_history": may_view_history(actor, commitment),
    }


def may_view_history(actor: Actor, commitment: Commitment) -> bool:
    """The owner, the teams of the countries concerned, the secretariat and administrators
    (the policy ``audit.view``: per country, or for the whole log)."""
    if commitment.owner_id == roles.user_id(actor) and roles.token_scope(actor) is None:
        return True
    check = policies.require("audit.view")
    codes = [p.code for p in commitment.countries.all()]
    return bool(check(actor)) or any(check(actor, country=code) for code in codes)


def commitment_history(request: HttpRequest, code: str) -> HttpResponse:
    """Who changed the commitment, and when, with the values before and after."""
    commitment = _visible(request, code)
    if not may_view_history(request.user, commitment):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404(code)
    entries = history(commitment.uid)[:200]
    return render(
        request,
        "commitments/commitment_history.html",
        {"commitment": commitment, "rows": audit_rows(entries)},
    )


def commitment_detail(request: HttpRequest, code: str) -> HttpResponse:
    commitment = _visible(request, code)
    return render(
        request, "commitments/commitment_detail.html", _detail_context(request, commitment)
    )


def _owner_step(request: HttpRequest, code: str, step: Any, done: str) -> HttpResponse:
    """Submit or withdraw (``step``) from the page, telling the outcome in a message."""
    refusal = _sign_in(request)
    if refusal is not None:
        return refusal
    commitment = _visible(request, code)
    try:
        step(
            commitment,
            actor=request.user,
            owner_id=commitment.owner_id,
            version=_version(request),
            source="web",
        )
    except actions.Conflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(commitment.get_absolute_url())


@require_POST
def commitment_submit(request: HttpRequest, code: str) -> HttpResponse:
    done = _(
        "The commitment is submitted. It is published once every country concerned has approved it."
    )
    return _owner_step(request, code, actions.submit, done)


@require_POST
def commitment_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    return _owner_step(request, code, actions.withdraw, _("The commitment is withdrawn."))


@require_POST
def progress_report_add(request: HttpRequest, code: str) -> HttpResponse:
    refusal = _sign_in(request)
    if refusal is not None:
        return refusal
    commitment = _visible(request, code)
    if not may_edit(request.user, commitment):
        raise PermissionDenied
    form = ProgressReportForm(request.POST)
    if form.is_valid():
        try:
            actions.add_progress_report(
                commitment,
                actor=request.user,
                owner_id=commitment.owner_id,
                year=form.cleaned_data["year"],
                text=form.six("text"),
                percent_complete=form.cleaned_data.get("percent_complete"),
                source="web",
            )
        except ValidationError as exc:
            form.attach(exc)
        else:
            messages.success(request, _("The progress report is published."))
            return redirect(commitment.get_absolute_url() + "#progress")
    context = _detail_context(request, commitment, progress_form=form)
    return render(request, "commitments/commitment_detail.html", context, status=400)


# Register and edit -------------------------------------------------------------------------


def _form_page(
    request: HttpRequest,
    form: CommitmentForm,
    commitment: Commitment | None,
    status: int = 200,
) -> HttpResponse:
    title_first, title_others = form.languages("title", "description")
    resources_first, resources_others = form.languages("resources")
    context = {
        "form": form,
        "commitment": commitment,
        "title_first": title_first,
        "title_others": title_others,
        "resources_first": resources_first,
        "resources_others": resources_others,
    }
    return render(request, "commitments/commitment_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def commitment_create(request: HttpRequest) -> HttpResponse:
    refusal = _sign_in(request)
    if refusal is not None:
        return refusal
    policies.check("commitments.draft", request.user)
    form = CommitmentForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                commitment = actions.create(form.to_input(), actor=request.user, source="web")
            except ValidationError as exc:
                form.attach(exc)
            else:
                messages.success(
                    request,
                    _("The commitment is saved as a draft. Submit it for review when it is ready."),
                )
                return redirect(commitment.get_absolute_url())
        return _form_page(request, form, None, status=400)
    return _form_page(request, form, None)


@require_http_methods(["GET", "POST"])
def commitment_edit(request: HttpRequest, code: str) -> HttpResponse:
    refusal = _sign_in(request)
    if refusal is not None:
        return refusal
    commitment = _visible(request, code)
    if not may_edit(request.user, commitment):
        raise PermissionDenied
    if not commitment.is_editable:
        messages.error(
            request,
            _("Only a draft or a returned commitment can be edited; this one is %(status)s.")
            % {"status": commitment.get_status_display()},
        )
        return redirect(commitment.get_absolute_url())
    form = CommitmentForm(request.POST or None, initial=CommitmentForm.initial_from(commitment))
    if request.method == "POST":
        if form.is_valid():
            version = form.cleaned_data.get("version")
            try:
                if version is None:
                    raise ValidationError(_("The form lost its version: reload the page."))
                actions.update(
                    commitment,
                    form.to_input(),
                    actor=request.user,
                    owner_id=commitment.owner_id,
                    version=version,
                    source="web",
                )
            except actions.Conflict as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                form.attach(exc)
            else:
                messages.success(request, _("The commitment is saved."))
                return redirect(commitment.get_absolute_url())
        return _form_page(request, form, commitment, status=400)
    return _form_page(request, form, commitment)


def my_commitments(request: HttpRequest) -> HttpResponse:
    refusal = _sign_in(request)
    if refusal is not None:
        return refusal
    items = queries.owned_by(request.user).order_by("-updated_at", "-id")
    return render(request, "commitments/my_commitments.html", {"commitments": items})


# Review queues -----------------------------------------------------------------------------


@dataclass
class QueueItem:
    commitment: Commitment
    decided: list[CommitmentReview]
    countries: list[Place]
    errors: list[str]
    comment: str = ""


def _queue(request: HttpRequest, country: str | None, place: Place | None) -> HttpResponse:
    refusal = _sign_in(request)
    if refusal is not None:
        return refusal
    policies.check("commitments.review", request.user, country=country)
    errors: dict[str, list[str]] = {}
    comments: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = ReviewForm(request.POST)
        code = request.POST.get("commitment", "")
        if form.is_valid():
            commitment = _visible(request, form.cleaned_data["commitment"])
            try:
                actions.review(
                    commitment,
                    actor=request.user,
                    country=country,
                    decision=form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"],
                    source="web",
                )
            except ValidationError as exc:
                errors[code] = _messages_of(exc)
            else:
                if form.cleaned_data["decision"] == "approved":
                    messages.success(
                        request, _("Approved: %(title)s") % {"title": commitment.label()}
                    )
                else:
                    messages.success(
                        request,
                        _("Returned to its owner: %(title)s") % {"title": commitment.label()},
                    )
                return redirect(request.path)
        else:
            errors[code] = [str(m) for items in form.errors.values() for m in items]
        comments[code] = request.POST.get("comment", "")
        status = 400
    waiting = queries.awaiting_review(country, request.user)
    items = [_queue_item(c, errors, comments) for c in waiting]
    decided = _decided(country, request.user)
    context = {
        "place": place,
        "items": items,
        "decided": decided,
        "heading_place": place.label() if place else _("Global commitments"),
    }
    return render(request, "commitments/review_queue.html", context, status=status)


def _queue_item(
    commitment: Commitment, errors: dict[str, list[str]], comments: dict[str, str]
) -> QueueItem:
    decided = list(commitment.reviews.filter(round=commitment.round).select_related("country"))
    return QueueItem(
        commitment=commitment,
        decided=decided,
        countries=sorted(commitment.countries.all(), key=lambda p: p.code),
        errors=errors.get(commitment.code, []),
        comment=comments.get(commitment.code, ""),
    )


def _decided(country: str | None, actor: Actor) -> QuerySet[CommitmentReview]:
    """This country's (or the secretariat's) latest decisions on commitments the actor sees."""
    visible = queries.commitments(actor).values("pk")
    reviews = CommitmentReview.objects.filter(commitment__in=visible)
    reviews = (
        reviews.filter(country__isnull=True)
        if country is None
        else reviews.filter(country__code=country)
    )
    return reviews.select_related("commitment", "by").order_by("-at", "-id")[:20]


@require_http_methods(["GET", "POST"])
def review_queue(request: HttpRequest, code: str) -> HttpResponse:
    place = Place.objects.filter(kind=PlaceKind.COUNTRY, code=code.upper()).first()
    if place is None:
        raise Http404(code)
    return _queue(request, place.code, place)


@require_http_methods(["GET", "POST"])
def global_review_queue(request: HttpRequest) -> HttpResponse:
    return _queue(request, None, None)
