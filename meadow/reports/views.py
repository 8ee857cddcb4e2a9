"""Web pages of national reports: a country's reports, a report, its sections, histories.

Reads: a report the reader may not read is "not found" (``access.may_read``): a draft
is seen by the country's team, the secretariat and administrators, a published report
by everyone, as its latest snapshot froze it. Writes call the actions of ``workflow``
and ``editing`` (and the offline import), which check their policies; a refusal is a
403. The buttons and forms shown follow the same policies.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.shortcuts import render as django_render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from meadow.core import i18n, policies
from meadow.core.actors import Actor
from meadow.parties import roles
from meadow.parties.models import CountryRole
from meadow.places.models import Place, PlaceKind
from meadow.reports import access, compare, document, editing, facts, review, rules, workflow
from meadow.reports.forms import (
    AssignForm,
    OfflineForm,
    QuestionForm,
    TargetOption,
    same,
    seen_value,
)
from meadow.reports.models import (
    Comment,
    Concept,
    ConceptType,
    Question,
    Report,
    Snapshot,
    Template,
    Transition,
)
from meadow.targets import queries as target_queries

PAGE_SIZE = 50
EXPORT_FORMATS = ("pdf", "docx", "xlsx", "json")
# The steps whose form asks why: those that need a reason, and approval (which needs
# one only while errors remain).
ASKS_REASON = ("approve",)


def render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render a page of the Reports section (the navigation marks it)."""
    return django_render(request, template, {**context, "nav_section": "reports"}, status=status)


# Finding things ------------------------------------------------------------------------------


def _country(code: str) -> Place:
    place = Place.objects.filter(code=code.upper(), kind=PlaceKind.COUNTRY).first()
    if place is None:
        raise Http404(code)
    return place


def _allowed(actor: Actor, policy: str, **context: Any) -> bool:
    return bool(policies.require(policy)(actor, **context))


def _sign_in(request: HttpRequest, after: str = "") -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(after or request.get_full_path())
    return None


def _find(place: Place, template: str, cycle: str) -> Report | None:
    return (
        Report.objects.filter(country=place, template__code=template, cycle=cycle)
        .select_related("country", "template", "template__convention")
        .order_by("-template__loaded_at")
        .first()
    )


def _readable(request: HttpRequest, code: str, template: str, cycle: str) -> tuple[Place, Report]:
    """The report at this address, if the reader may read it (else "not found")."""
    place = _country(code)
    report = _find(place, template, cycle)
    if report is None or not access.may_read(request.user, report):
        raise Http404(f"{place.code} {template} {cycle}")
    return place, report


def report_url(report: Report, name: str = "report-detail", **extra: str) -> str:
    kwargs = {
        "code": report.country.code,
        "template": report.template.code,
        "cycle": report.cycle,
        **extra,
    }
    return reverse(name, kwargs=kwargs)


def _template_url(template: Template) -> str:
    return reverse("report-template", kwargs={"code": template.code, "version": template.version})


def _team_view(actor: Actor, country: str) -> bool:
    """Whether the reader sees what is not public: history, comments, assignments."""
    return _allowed(actor, "national.read-unpublished", country=country)


def _messages_of(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for items in error.message_dict.values() for m in items]
    return [str(m) for m in error.messages]


# Provenance: where an answer was entered, which other templates ask the same -------------------


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    code: str = ""


def _source_links(sources: Iterable[str]) -> dict[str, Link]:
    """A fact's source ("report/cbd-nr7/2026/KEN") as the report it names, linked."""
    lang = i18n.current()
    out: dict[str, Link] = {}
    for source in set(sources):
        parts = source.split("/")
        if len(parts) != 4 or parts[0] != "report":
            out[source] = Link(source, "", source)
            continue
        _kind, code, cycle, country = parts
        template = Template.objects.filter(code=code).order_by("-loaded_at").first()
        label = template.label(lang) if template is not None else code
        found = Report.objects.filter(
            country__code=country, template__code=code, cycle=cycle
        ).exists()
        url = (
            reverse("report-detail", kwargs={"code": country, "template": code, "cycle": cycle})
            if found
            else ""
        )
        out[source] = Link(
            _("%(report)s (%(cycle)s)") % {"report": label, "cycle": cycle}, url, source
        )
    return out


def _link_html(link: Link) -> SafeString:
    if link.url:
        return format_html('<a href="{}" data-source="{}">{}</a>', link.url, link.code, link.label)
    return format_html('<span data-source="{}">{}</span>', link.code, link.label)


def _template_links(uids: Iterable[str]) -> dict[str, Link]:
    """Templates named ``code@version`` with their titles and structure pages."""
    lang = i18n.current()
    wanted = {tuple(uid.split("@", 1)) for uid in uids if "@" in uid}
    out: dict[str, Link] = {}
    if not wanted:
        return out
    codes = {code for code, _version in wanted}
    for template in Template.objects.filter(code__in=codes):
        uid = f"{template.code}@{template.version}"
        if (template.code, template.version) in wanted:
            out[uid] = Link(template.label(lang), _template_url(template), uid)
    return out


# A country's reports --------------------------------------------------------------------------


@dataclass
class ReportRow:
    report: Report
    state: str
    answered: int
    shown: int
    url: str

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.shown) if self.shown else 100


def _row(report: Report) -> ReportRow:
    progress = review.completeness(report)
    return ReportRow(
        report=report,
        state=workflow.state(report),
        answered=sum(p.answered for p in progress),
        shown=sum(p.shown for p in progress),
        url=report_url(report),
    )


def country_reports(request: HttpRequest, code: str) -> HttpResponse:
    place = _country(code)
    reports = (
        access.visible_reports(request.user)
        .filter(country=place)
        .order_by("template__convention__order", "template__code", "-cycle")
    )
    rows = [_row(r) for r in reports]
    may_open = _allowed(request.user, "facts.edit", country=place.code)
    openable: list[Template] = []
    if may_open:
        opened = {(r.report.template_id, r.report.cycle) for r in rows}
        openable = [
            t
            for t in Template.objects.select_related("convention")
            if (t.pk, t.cycle) not in opened
        ]
    context = {
        "place": place,
        "rows": rows,
        "may_open": may_open,
        "openable": openable,
        "sees_unpublished": _team_view(request.user, place.code),
    }
    return render(request, "reports/country_reports.html", context)


@require_POST
def report_open(request: HttpRequest, code: str) -> HttpResponse:
    place = _country(code)
    refusal = _sign_in(request, reverse("place-reports", kwargs={"code": place.code}))
    if refusal is not None:
        return refusal
    uid = request.POST.get("template", "")
    template_code, _at, version = uid.partition("@")
    template = Template.objects.filter(code=template_code, version=version).first()
    if template is None:
        raise Http404(uid)
    report = workflow.open_report(actor=request.user, country=place.code, template=template)
    messages.success(
        request,
        _("The report %(report)s (%(cycle)s) is open.")
        % {"report": template.label(i18n.current()), "cycle": report.cycle},
    )
    return redirect(report_url(report))


# A report -------------------------------------------------------------------------------------


@dataclass
class StepForm:
    name: str
    needs_reason: bool
    asks_reason: bool


@dataclass
class IssueRow:
    key: str
    number: str
    level: str
    text: str
    url: str


@dataclass
class SectionRow:
    progress: review.SectionProgress
    missing: list[tuple[str, str]]  # (number, url) of required questions without answer
    url: str
    open_comments: int = 0


@dataclass
class Refusal:
    step: str
    messages: list[str]
    issues: list[IssueRow] = field(default_factory=list)


def _issue_rows(doc: document.ReportDocument, levels: Iterable[str]) -> list[IssueRow]:
    lang = i18n.current()
    views = {q.key: (section.key, q) for section in doc.sections for q in section.questions}
    out = []
    for level in levels:
        for issue in doc.evaluation.of(level):
            section, view = views[issue.question]
            out.append(
                IssueRow(
                    key=view.key,
                    number=view.number or view.key,
                    level=issue.level,
                    text=review.describe(issue, lang),
                    url=report_url(doc.report, "report-section", key=section) + f"#q-{view.key}",
                )
            )
    return out


def _steps(actor: Actor, report: Report, state: str) -> list[StepForm]:
    country = report.country.code
    if not _team_view(actor, country):
        return []
    convention = report.template.convention.code
    return [
        StepForm(step.name, step.needs_reason, step.name in ASKS_REASON)
        for step in workflow.STEPS.values()
        if state in step.sources
        and _allowed(actor, step.policy, country=country, convention=convention)
    ]


def _team(country: str) -> list[tuple[str, str]]:
    """Members of the country's team who may answer: (user name, user name and roles)."""
    found: dict[str, list[str]] = {}
    rows = (
        CountryRole.objects.filter(country__code=country, role__in=[str(r) for r in roles.WRITERS])
        .select_related("user")
        .order_by("user__username")
    )
    for role in rows:
        found.setdefault(role.user.get_username(), []).append(role.get_role_display())
    return [(name, f"{name} ({', '.join(held)})") for name, held in found.items()]


def _assign_form(report: Report, data: QueryDict | None = None) -> AssignForm:
    lang = i18n.current()
    sections = [
        (str(s["key"]), f"{s.get('number') or s['key']} {i18n.text(s.get('title') or {}, lang)}")
        for s in report.template.document.get("sections") or []
    ]
    return AssignForm(data, sections=sections, people=_team(report.country.code))


def _detail_page(
    request: HttpRequest,
    place: Place,
    report: Report,
    *,
    status: int = 200,
    refusal: Refusal | None = None,
    offline_form: OfflineForm | None = None,
    problems: list[dict[str, str]] | None = None,
) -> HttpResponse:
    user = request.user
    country = place.code
    doc = document.assemble(report)
    state = doc.state
    team_view = _team_view(user, country)
    comments: dict[str, int] = {}
    if team_view:
        sections_of = {q.key: s.key for s in doc.sections for q in s.questions}
        for question in report.comments.filter(resolved_at__isnull=True).values_list(
            "question", flat=True
        ):
            where = sections_of.get(question, "")
            comments[where] = comments.get(where, 0) + 1
    section_rows = []
    for section in doc.sections:
        url = report_url(report, "report-section", key=section.key)
        numbers = {q.key: q.number or q.key for q in section.questions}
        section_rows.append(
            SectionRow(
                progress=section.progress,
                missing=[(numbers[k], f"{url}#q-{k}") for k in section.progress.missing],
                url=url,
                open_comments=comments.get(section.key, 0),
            )
        )
    # Writers change a draft; once in review, only the focal point and the publishing
    # authority do (editing.EDITABLE): the offline form is offered to them alone.
    may_edit = (
        state in editing.EDITABLE
        and _allowed(user, "facts.edit", country=country)
        and (roles.is_admin(user) or roles.has_role(user, country, editing.EDITABLE[state]))
    )
    may_assign = team_view and _allowed(user, "reports.assign", country=country)
    earlier = compare.previous(report)
    if earlier is not None and not access.may_read(user, earlier):
        earlier = None
    snapshots = list(report.snapshots.order_by("number"))
    context = {
        "place": place,
        "report": report,
        "doc": doc,
        "state": state,
        "template": report.template,
        "team_view": team_view,
        "transitions": list(report.transitions.order_by("at", "id")) if team_view else [],
        "published_at": (
            report.transitions.filter(to_state=workflow.PUBLISHED).order_by("-at").first()
        ),
        "steps": _steps(user, report, state),
        "refusal": refusal,
        "counts": {level: doc.evaluation.count(level) for level in rules.LEVELS},
        "sections": section_rows,
        "answered": sum(s.progress.answered for s in doc.sections),
        "shown": sum(s.progress.shown for s in doc.sections),
        "may_assign": may_assign,
        "assign_form": _assign_form(report) if may_assign else None,
        "assignments": (
            list(report.assignments.select_related("user").order_by("section", "user__username"))
            if team_view
            else []
        ),
        "snapshots": [(s, workflow.verify(s)) for s in snapshots],
        "exports": [(fmt, report_url(report, "report-export", fmt=fmt)) for fmt in EXPORT_FORMATS],
        "may_edit": may_edit,
        "offline_form": offline_form or (OfflineForm() if may_edit else None),
        "problems": problems or [],
        "earlier": earlier,
        "may_compare_snapshots": team_view and len(snapshots) >= 2,
        "is_published": state == workflow.PUBLISHED,
    }
    return render(request, "reports/report_detail.html", context, status=status)


def report_detail(request: HttpRequest, code: str, template: str, cycle: str) -> HttpResponse:
    place, report = _readable(request, code, template, cycle)
    return _detail_page(request, place, report)


@require_POST
def report_move(request: HttpRequest, code: str, template: str, cycle: str) -> HttpResponse:
    place, report = _readable(request, code, template, cycle)
    refusal = _sign_in(request, report_url(report))
    if refusal is not None:
        return refusal
    step = request.POST.get("step", "")
    reason = request.POST.get("reason", "")
    try:
        workflow.move(report, step, actor=request.user, country=place.code, reason=reason)
    except ValidationError as exc:
        issues: list[IssueRow] = []
        if step in workflow.GATED:
            levels = (rules.BLOCKER, rules.ERROR) if step == "approve" else (rules.BLOCKER,)
            issues = _issue_rows(document.assemble(report), levels)
        return _detail_page(
            request,
            place,
            report,
            status=400,
            refusal=Refusal(step=step, messages=_messages_of(exc), issues=issues),
        )
    messages.success(
        request,
        _("Done: the report is now %(state)s.")
        % {"state": str(workflow.STATE_LABELS.get(workflow.state(report), ""))},
    )
    return redirect(report_url(report))


@require_POST
def report_assign(request: HttpRequest, code: str, template: str, cycle: str) -> HttpResponse:
    place, report = _readable(request, code, template, cycle)
    refusal = _sign_in(request, report_url(report))
    if refusal is not None:
        return refusal
    policies.check("reports.assign", request.user, country=place.code)
    after = report_url(report) + "#assignments"
    section = request.POST.get("section", "")
    username = request.POST.get("username", "")
    try:
        if request.POST.get("remove"):
            editing.unassign(
                actor=request.user,
                country=place.code,
                report=report,
                section=section,
                username=username,
            )
            messages.success(
                request,
                _("%(name)s no longer answers section %(section)s.")
                % {"name": username, "section": section},
            )
            return redirect(after)
        form = _assign_form(report, request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
            return redirect(after)
        editing.assign(
            actor=request.user,
            country=place.code,
            report=report,
            section=form.cleaned_data["section"],
            username=form.cleaned_data["username"],
        )
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
        return redirect(after)
    messages.success(
        request,
        _("Section %(section)s is given to %(name)s.")
        % {"name": form.cleaned_data["username"], "section": form.cleaned_data["section"]},
    )
    return redirect(after)


def report_export(
    request: HttpRequest, code: str, template: str, cycle: str, fmt: str
) -> HttpResponse:
    """The report as a file: JSON (``meadow-report/1``), PDF, DOCX or the XLSX workbook."""
    place, report = _readable(request, code, template, cycle)
    if fmt not in EXPORT_FORMATS:
        raise Http404(fmt)
    doc = document.assemble(report)
    if fmt == "json":
        body = json.dumps(document.as_json(doc), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        name = f"{place.code}-{report.template.code}-{report.cycle}.json"
    else:
        # Imported when asked for: the writers load fonts and libraries of their own.
        from meadow.reports import exports

        made = exports.render(doc, fmt, i18n.current())
        response = HttpResponse(made.content, content_type=made.content_type)
        name = made.filename
    response["Content-Disposition"] = f'attachment; filename="{get_valid_filename(name)}"'
    return response


@require_POST
def report_offline(request: HttpRequest, code: str, template: str, cycle: str) -> HttpResponse:
    """Import a filled offline workbook: all its answers, or none and every problem."""
    from meadow.reports import offline

    place, report = _readable(request, code, template, cycle)
    refusal = _sign_in(request, report_url(report))
    if refusal is not None:
        return refusal
    policies.check("facts.edit", request.user, country=place.code)
    form = OfflineForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail_page(request, place, report, status=400, offline_form=form)
    upload = form.cleaned_data["file"]
    name = get_valid_filename(Path(upload.name or "workbook.xlsx").name) or "workbook.xlsx"
    try:
        result = offline.import_workbook(
            actor=request.user, report=report, data=upload.read(), name=name
        )
    except offline.OfflineRejected as exc:
        problems = [p.as_dict() for p in exc.problems]
        return _detail_page(
            request, place, report, status=400, offline_form=form, problems=problems
        )
    messages.success(
        request,
        ngettext(
            "The workbook %(name)s is imported: %(count)s answer changed.",
            "The workbook %(name)s is imported: %(count)s answers changed.",
            len(result.changed),
        )
        % {"name": name, "count": len(result.changed)},
    )
    return redirect(report_url(report))


# A section: the questions as a form -----------------------------------------------------------


def _condition_note(doc: document.ReportDocument, key: str) -> str:
    """Why a question is not asked: the condition of its ``show_if``."""
    try:
        item = review.question_document(doc.report, key)
    except KeyError:
        return ""
    condition = item.get("show_if") or {}
    other_key = str(condition.get("question", ""))
    try:
        other = doc.question(other_key)
    except StopIteration:
        return _("This question is not asked for the answers given so far.")
    wanted = [condition["equals"]] if "equals" in condition else list(condition.get("in") or [])
    lang = i18n.current()
    words = []
    for value in wanted:
        if isinstance(value, bool):
            words.append(_("Yes") if value else _("No"))
        else:
            words.append(other.option_label(value, lang))
    return _(
        "Asked only when the answer to question %(number)s is %(answers)s: "
        "answer that question first and save."
    ) % {"number": other.number or other.key, "answers": _(" or ").join(f"“{w}”" for w in words)}


def _targets(country: str) -> list[TargetOption]:
    lang = i18n.current()
    return [
        TargetOption(t.code, i18n.text(t.title, lang), t.get_absolute_url())
        for t in target_queries.published(country=country)
    ]


def _section_editable(actor: Actor, report: Report, section: str, state: str) -> bool:
    if state not in editing.EDITABLE:
        return False
    if not _allowed(actor, "facts.edit", country=report.country.code):
        return False
    return editing.may_edit_section(actor, report, section, state)


def _why_read_only(actor: Actor, report: Report, section: str, state: str) -> str:
    country = report.country.code
    if state in review.FROZEN:
        return ""
    if not _allowed(actor, "facts.edit", country=country):
        return ""
    if state not in editing.EDITABLE:
        return _(
            "The report is %(state)s: its answers cannot be changed unless it is sent back "
            "to draft."
        ) % {"state": str(workflow.STATE_LABELS.get(state, state))}
    if state == workflow.IN_REVIEW:
        return _(
            "The report is in review: only the focal point and the publishing authority "
            "change answers now."
        )
    names = sorted(
        report.assignments.filter(section=section).values_list("user__username", flat=True)
    )
    return _("This section is assigned to %(names)s.") % {"names": ", ".join(names)}


@dataclass
class SaveResult:
    saved: int = 0
    unchanged: int = 0
    problems: int = 0
    conflicts: int = 0


def _save(
    request: HttpRequest, report: Report, forms: list[QuestionForm], concepts: dict[str, Concept]
) -> SaveResult:
    """Save every changed answer of the posted section; problems stay on their forms."""
    result = SaveResult()
    country = report.country.code
    for form in forms:
        if not form.editable or not form.bound or form.hidden:
            continue
        concept = concepts[form.key]
        try:
            value = form.read(concept)
        except ValidationError as exc:
            form.errors = _messages_of(exc)
            result.problems += 1
            continue
        posted = form.posted_version()
        form.version = posted if posted is not None else form.view.fact_version
        if form.keeps_theirs():
            result.unchanged += 1
            continue
        if same(value, form.view.value) and posted == form.view.fact_version:
            result.unchanged += 1
            continue
        # Saved by someone else since this form was shown: an answer left as it was
        # shown (or already equal to theirs) keeps theirs.
        if (
            posted is not None
            and posted != form.view.fact_version
            and (
                same(value, seen_value(country, concept.uid, posted))
                or same(value, form.view.value)
            )
        ):
            result.unchanged += 1
            continue
        try:
            fact = editing.save_answer(
                actor=request.user,
                country=country,
                report=report,
                question=form.key,
                value=value,
                expected_version=posted,
            )
        except facts.Conflict as conflict:
            form.conflict = conflict
            form.version = conflict.theirs.version
            result.conflicts += 1
        except ValidationError as exc:
            form.errors = _messages_of(exc)
            result.problems += 1
        else:
            form.version = fact.version
            form.saved = True
            result.saved += 1
    return result


def _when(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def report_section(
    request: HttpRequest, code: str, template: str, cycle: str, key: str
) -> HttpResponse:
    place, report = _readable(request, code, template, cycle)
    doc = document.assemble(report)
    index = next((n for n, s in enumerate(doc.sections) if s.key == key), None)
    if index is None:
        raise Http404(key)
    section = doc.sections[index]
    user = request.user
    state = doc.state
    editable = _section_editable(user, report, section.key, state)
    data = request.POST if request.method == "POST" else None
    if data is not None:
        refusal = _sign_in(request, request.get_full_path())
        if refusal is not None:
            return refusal
        if not editable:
            raise PermissionDenied(_("You may not change the answers of this section now."))
    targets = _targets(place.code) if editable else []
    forms = [
        QuestionForm(
            view,
            editable=editable,
            data=data,
            targets=targets if view.type == ConceptType.NATIONAL_TARGETS else None,
            note=_condition_note(doc, view.key) if not view.shown else "",
        )
        for view in section.questions
    ]
    concepts = {
        q.key: q.concept
        for q in report.template.questions.select_related("concept", "concept__indicator")
    }
    result: SaveResult | None = None
    status = 200
    if data is not None:
        result = _save(request, report, forms, concepts)
        if not result.problems and not result.conflicts:
            if result.saved:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s answer is saved.", "%(count)s answers are saved.", result.saved
                    )
                    % {"count": result.saved},
                )
            else:
                messages.info(request, _("Nothing changed: no answer was saved."))
            return redirect(report_url(report, "report-section", key=section.key))
        status = 409 if result.conflicts else 400
    team_view = _team_view(user, place.code)
    comments: dict[str, list[Comment]] = {}
    if team_view:
        for comment in report.comments.filter(
            question__in=[q.key for q in section.questions]
        ).order_by("at", "id"):
            comments.setdefault(comment.question, []).append(comment)
    sources = _source_links(q.prefilled_from for q in section.questions if q.prefilled_from)
    shared = _template_links(uid for q in section.questions for uid in q.also_in)
    target_titles = {t.code: t.title for t in _targets(place.code)}
    questions = [
        {
            "form": form,
            "view": form.view,
            "concept": concepts[form.key],
            "comments": comments.get(form.key, []),
            "open_comments": sum(1 for c in comments.get(form.key, []) if c.resolved_at is None),
            "source_html": (
                _link_html(sources[form.view.prefilled_from])
                if form.view.prefilled_from in sources
                else ""
            ),
            "also_in_html": format_html_join(
                ", ",
                "{}",
                ((_link_html(shared.get(uid, Link(uid, "", uid))),) for uid in form.view.also_in),
            ),
            "theirs_at": _when(form.conflict.theirs.at) if form.conflict else None,
            "history_url": report_url(report, "report-answer-history", question=form.key),
        }
        for form in forms
    ]
    context = {
        "place": place,
        "report": report,
        "doc": doc,
        "state": state,
        "section": section,
        "questions": questions,
        "editable": editable,
        "frozen": state in review.FROZEN,
        "read_only_reason": "" if editable else _why_read_only(user, report, section.key, state),
        "team_view": team_view,
        "may_comment": team_view and _allowed(user, "reports.comment", country=place.code),
        "result": result,
        "target_titles": target_titles,
        "previous": doc.sections[index - 1] if index > 0 else None,
        "next": doc.sections[index + 1] if index + 1 < len(doc.sections) else None,
        "comment_url": report_url(report, "report-comment"),
    }
    return render(request, "reports/report_section.html", context, status=status)


@require_POST
def report_comment(request: HttpRequest, code: str, template: str, cycle: str) -> HttpResponse:
    place, report = _readable(request, code, template, cycle)
    refusal = _sign_in(request, report_url(report))
    if refusal is not None:
        return refusal
    question = request.POST.get("question", "")
    try:
        section = review.section_of(report, question)
    except KeyError:
        raise Http404(question) from None
    try:
        editing.comment(
            actor=request.user,
            country=place.code,
            report=report,
            question=question,
            text=request.POST.get("text", ""),
        )
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("Your comment is added."))
    return redirect(report_url(report, "report-section", key=section) + f"#q-{question}")


@require_POST
def comment_resolve(
    request: HttpRequest, code: str, template: str, cycle: str, pk: int
) -> HttpResponse:
    place, report = _readable(request, code, template, cycle)
    refusal = _sign_in(request, report_url(report))
    if refusal is not None:
        return refusal
    comment = Comment.objects.filter(pk=pk, report=report).first()
    if comment is None:
        raise Http404(str(pk))
    editing.resolve(actor=request.user, country=place.code, comment=comment)
    messages.success(request, _("The comment is marked as dealt with."))
    try:
        section = review.section_of(report, comment.question)
    except KeyError:
        return redirect(report_url(report))
    return redirect(report_url(report, "report-section", key=section) + f"#q-{comment.question}")


# Histories and differences --------------------------------------------------------------------


def _int(raw: str | None) -> int | None:
    return int(raw) if raw is not None and raw.isdigit() else None


def answer_history(
    request: HttpRequest, code: str, template: str, cycle: str, question: str
) -> HttpResponse:
    place, report = _readable(request, code, template, cycle)
    item = report.template.questions.select_related("concept").filter(key=question).first()
    if item is None:
        raise Http404(question)
    if not _team_view(request.user, place.code):
        refusal = _sign_in(request)
        if refusal is not None:
            return refusal
        raise PermissionDenied(_("You may not read the history of this country's answers."))
    concept = item.concept
    versions = facts.history(place.code, concept.uid)
    first, second = _int(request.GET.get("from")), _int(request.GET.get("to"))
    change: compare.Change | None = None
    compared = first is not None and second is not None
    if first is not None and second is not None:
        change = compare.between_versions(place.code, concept.uid, first, second)
    elif len(versions) >= 2:
        first, second = versions[1].version, versions[0].version
    title = review.question_document(report, question).get("title") or concept.title
    sources = _source_links(v.source for v in versions if v.source)
    context = {
        "place": place,
        "report": report,
        "question": item,
        "title": title,
        "concept": concept,
        "versions": versions,
        "rows": [(v, sources.get(v.source)) for v in versions],
        "compared": compared,
        "change": change,
        "first": first,
        "second": second,
        "section_url": report_url(report, "report-section", key=review.section_of(report, question))
        + f"#q-{question}",
        "target_titles": {t.code: t.title for t in _targets(place.code)},
    }
    return render(request, "reports/answer_history.html", context)


@dataclass
class ChangeRow:
    change: compare.Change
    number: str
    title: dict[str, str]
    concept: Concept | None
    url: str


def _change_rows(report: Report, changes: list[compare.Change]) -> list[ChangeRow]:
    by_concept: dict[str, tuple[str, str, dict[str, str]]] = {}
    for section, item in rules.questions(report.template.document):
        by_concept.setdefault(
            str(item["concept"]),
            (section, str(item.get("number") or item["key"]), dict(item.get("title") or {})),
        )
    concepts = {c.uid: c for c in Concept.objects.filter(uid__in={c.concept for c in changes})}
    rows = []
    for change in changes:
        concept = concepts.get(change.concept)
        section, number, title = by_concept.get(change.concept, ("", change.question, {}))
        rows.append(
            ChangeRow(
                change=change,
                number=number,
                title=title or (dict(concept.title) if concept else {}),
                concept=concept,
                url=(
                    report_url(report, "report-section", key=section) + f"#q-{change.question}"
                    if section
                    else ""
                ),
            )
        )
    return rows


def report_compare(request: HttpRequest, code: str, template: str, cycle: str) -> HttpResponse:
    place, report = _readable(request, code, template, cycle)
    team_view = _team_view(request.user, place.code)
    snapshots = list(report.snapshots.order_by("number")) if team_view else []
    first, second = _int(request.GET.get("from")), _int(request.GET.get("to"))
    earlier: Report | None = None
    chosen: tuple[Snapshot, Snapshot] | None = None
    if "from" in request.GET or "to" in request.GET:
        numbers = {s.number: s for s in snapshots}
        if first not in numbers or second not in numbers:
            raise Http404(_("No such snapshot."))
        assert first is not None and second is not None
        chosen = (numbers[first], numbers[second])
        changes = compare.between_snapshots(*chosen)
    else:
        earlier = compare.previous(report)
        if earlier is not None and not access.may_read(request.user, earlier):
            earlier = None
        changes = compare.between_cycles(report, earlier) if earlier is not None else []
    if first is None and len(snapshots) >= 2:
        first, second = snapshots[-2].number, snapshots[-1].number
    context = {
        "place": place,
        "report": report,
        "state": workflow.state(report),
        "earlier": earlier,
        "chosen": chosen,
        "snapshots": snapshots,
        "first": first,
        "second": second,
        "rows": _change_rows(report, changes),
        "target_titles": {t.code: t.title for t in _targets(place.code)},
    }
    return render(request, "reports/report_compare.html", context)


# Every report, and the templates --------------------------------------------------------------


def _with_state(reports: QuerySet[Report]) -> QuerySet[Any]:
    """The reports with their state (``current``) and when it was reached (``changed_at``)."""
    latest = Transition.objects.filter(report=OuterRef("pk")).order_by("-at", "-id")
    return reports.annotate(
        current=Subquery(latest.values("to_state")[:1]),
        changed_at=Subquery(latest.values("at")[:1]),
    )


def report_list(request: HttpRequest) -> HttpResponse:
    """Published reports for everyone; submitted ones too for the secretariat."""
    user = request.user
    reports: QuerySet[Any] = _with_state(
        Report.objects.select_related("country", "template", "template__convention")
    )
    served = roles.secretariats(user)
    if roles.is_admin(user):
        states = [workflow.SUBMITTED, workflow.PUBLISHED]
        reports = reports.filter(current__in=states)
    elif served:
        states = [workflow.SUBMITTED, workflow.PUBLISHED]
        reports = reports.filter(
            Q(current=workflow.PUBLISHED)
            | Q(current=workflow.SUBMITTED, template__convention__code__in=sorted(served))
        )
    else:
        states = [workflow.PUBLISHED]
        reports = reports.filter(current=workflow.PUBLISHED)
    chosen_template = request.GET.get("template", "").strip()
    chosen_state = request.GET.get("state", "").strip()
    if chosen_template:
        reports = reports.filter(template__code=chosen_template)
    if chosen_state in states:
        reports = reports.filter(current=chosen_state)
    else:
        chosen_state = ""
    reports = reports.order_by("-changed_at", "country__code")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    templates = list(Template.objects.select_related("convention"))
    context = {
        "page": page,
        "rows": [
            {
                "report": r,
                "state": getattr(r, "current", ""),
                "changed_at": getattr(r, "changed_at", None),
                "url": report_url(r),
                "pdf": report_url(r, "report-export", fmt="pdf"),
                "json": report_url(r, "report-export", fmt="json"),
            }
            for r in page.object_list
        ],
        "templates": [(t, _template_url(t)) for t in templates],
        "template_codes": sorted({t.code for t in templates}),
        "states": states,
        "chosen_template": chosen_template,
        "chosen_state": chosen_state,
        "query": query.urlencode(),
        "secretariat_view": len(states) > 1,
    }
    return render(request, "reports/report_list.html", context)


@dataclass
class TemplateQuestion:
    key: str
    number: str
    title: dict[str, str]
    help: dict[str, str]
    concept: Concept
    type_label: str
    required: bool
    condition: str
    shared: list[Link]


def template_detail(request: HttpRequest, code: str, version: str) -> HttpResponse:
    """A template's structure: its sections, questions, concepts and what they share."""
    template = (
        Template.objects.select_related("convention").filter(code=code, version=version).first()
    )
    if template is None:
        raise Http404(f"{code}@{version}")
    lang = i18n.current()
    questions = {q.key: q for q in template.questions.select_related("concept")}
    elsewhere: dict[int, set[tuple[str, str]]] = {}
    for concept_id, other_code, other_version in (
        Question.objects.filter(concept_id__in={q.concept_id for q in questions.values()})
        .exclude(template=template)
        .values_list("concept_id", "template__code", "template__version")
    ):
        elsewhere.setdefault(concept_id, set()).add((other_code, other_version))
    links = _template_links(f"{c}@{v}" for pairs in elsewhere.values() for c, v in pairs)
    numbers = {
        item["key"]: str(item.get("number") or item["key"])
        for _s, item in rules.questions(template.document)
    }
    sections = []
    for section in template.document.get("sections") or []:
        items = []
        for item in section.get("questions") or []:
            question = questions[item["key"]]
            concept = question.concept
            condition = item.get("show_if") or {}
            wanted = (
                [condition["equals"]] if "equals" in condition else list(condition.get("in") or [])
            )
            shown_when = (
                _("Asked when question %(number)s is %(answers)s.")
                % {
                    "number": numbers.get(str(condition.get("question")), ""),
                    "answers": _(" or ").join(
                        f"“{_('Yes') if w is True else _('No') if w is False else w}”"
                        for w in wanted
                    ),
                }
                if condition
                else ""
            )
            items.append(
                TemplateQuestion(
                    key=item["key"],
                    number=str(item.get("number") or ""),
                    title=dict(item.get("title") or concept.title),
                    help=dict(item.get("help") or {}),
                    concept=concept,
                    type_label=str(ConceptType(concept.type).label),
                    required=bool(item.get("required") or item.get("required_if")),
                    condition=shown_when,
                    shared=[
                        links.get(f"{c}@{v}", Link(f"{c}@{v}", "", f"{c}@{v}"))
                        for c, v in sorted(elsewhere.get(concept.pk, set()))
                    ],
                )
            )
        sections.append(
            {
                "key": section["key"],
                "number": str(section.get("number") or section["key"]),
                "title": dict(section.get("title") or {}),
                "help": dict(section.get("help") or {}),
                "questions": items,
            }
        )
    context = {
        "template": template,
        "title": template.label(lang),
        "sections": sections,
        "question_count": len(questions),
        "shared_count": sum(1 for q in questions.values() if q.concept_id in elsewhere),
        "others": Template.objects.filter(code=template.code).exclude(pk=template.pk),
    }
    return render(request, "reports/template_detail.html", context)
