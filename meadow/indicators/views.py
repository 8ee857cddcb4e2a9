"""Web pages for indicator data: indicators with data, each indicator in a place, each series
with its goal form, the imports with their changes and undo, and the import form with its job.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Min, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render as django_render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from meadow.analytics.progress import METHODS, Status
from meadow.audit.queries import history
from meadow.core import policies
from meadow.core.actors import is_staff
from meadow.frameworks import queries as framework_queries
from meadow.frameworks.models import Element
from meadow.indicators import charts, queries, uploads
from meadow.indicators.actions import UndoRefused, undo_import
from meadow.indicators.formats import READERS, _load, reader
from meadow.indicators.formats.base import (
    ERROR,
    MAX_FILE_BYTES,
)
from meadow.indicators.forms import GoalForm
from meadow.indicators.models import (
    Assessment,
    Goal,
    Import,
    ImportChange,
    Observation,
    RollUp,
    Series,
)
from meadow.jobs import queries as job_queries
from meadow.jobs.runner import enqueue
from meadow.places import queries as place_queries
from meadow.places.models import Place, PlaceKind

PAGE_SIZE = 50
# An Open SDG archive is a few hundred small files; far more, or far bigger, is not one.


def render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render a page of the Data section (the navigation marks it)."""
    return django_render(request, template, {**context, "nav_section": "data"}, status=status)


# Badges --------------------------------------------------------------------------------

TONES = {
    Status.NOT_ASSESSED: "not-assessed",
    Status.ACHIEVED: "achieved",
    Status.ON_TRACK: "on-track",
    Status.MODERATE: "moderate",
    Status.LIMITED: "limited",
    Status.REGRESSING: "regressing",
}


@dataclass(frozen=True)
class Badge:
    """A progress class as a page shows it: the method, its class label and a colour."""

    method: str
    method_title: str
    label: str
    tone: str
    score: float | None = None
    detail: str = ""


def _status_of(method: str, stored: str) -> tuple[Status | None, str]:
    """The class a stored status names, and the label to show for it.

    A status may be stored as a class name (``on_track``) or as the method's label
    for it ("Limited progress"); a text that is neither is a reason it was not
    assessed and is shown as it is.
    """
    spec = METHODS.get(method)
    key = re.sub(r"[\s-]+", "_", stored.strip()).upper()
    if key in Status.__members__:
        status = Status[key]
        # Not every method has every class (ESCAP has no "limited").
        known = spec is not None and (status == Status.NOT_ASSESSED or status in spec.labels)
        label = spec.label(status) if spec is not None and known else ""
        return status, label or stored.replace("_", " ").capitalize()
    if spec is not None:
        for labels in (spec.labels, spec.no_target_labels):
            for status, label in labels.items():
                if label.lower() == stored.strip().lower():
                    return status, label
    return None, stored


def badge(
    method: str, stored: str, score: float | None, detail: str = "", label: str = ""
) -> Badge:
    """The badge of a stored result; ``label`` is the method's own wording when it gave one."""
    status, named = _status_of(method, stored)
    spec = METHODS.get(method)
    return Badge(
        method=method,
        method_title=spec.title if spec else method,
        label=label or named or _("Not assessed"),
        tone=TONES.get(status, "not-assessed") if status is not None else "not-assessed",
        score=score,
        detail=detail,
    )


def assessment_badges(items: list[Assessment]) -> list[Badge]:
    # The stored inputs carry the method's label (it depends on whether there is a
    # target) and, for a series it could not assess, the reason.
    return [
        badge(
            a.method,
            a.status,
            a.score,
            detail=str((a.inputs or {}).get("reason") or ""),
            label=str((a.inputs or {}).get("label") or ""),
        )
        for a in sorted(items, key=lambda a: a.method)
    ]


def _rollup_label(item: RollUp) -> str:
    """The roll-up's class in the words its series would use: with or without a target."""
    spec = METHODS.get(item.method)
    status, _named = _status_of(item.method, item.status)
    if spec is None or status is None:
        return ""
    return spec.label(status, item.has_target)


def rollup_badges(items: list[RollUp]) -> list[Badge]:
    return [
        badge(
            r.method,
            r.status,
            r.score,
            detail=ngettext("%(count)s series", "%(count)s series", r.series_count)
            % {"count": r.series_count},
            label=_rollup_label(r),
        )
        for r in sorted(items, key=lambda r: r.method)
    ]


# Charts ------------------------------------------------------------------------------------


def _points(observations: list[Observation]) -> list[charts.Point]:
    return [charts.Point(charts.period_x(o.start, o.end), o.value, o.period) for o in observations]


def _projection(
    assessments: list[Assessment], points: list[charts.Point], goal: Goal | None
) -> charts.Projection | None:
    """The first assessment's projection to the target year, when its inputs give one.

    Read from ``inputs``: ``projected_value`` (or ``projection``), ``target_year``
    (else the goal's), and ``latest_year`` with ``latest_value`` (else the last
    observation) as the start of the line.
    """
    for item in sorted(assessments, key=lambda a: a.method):
        inputs = item.inputs or {}
        value = inputs.get("projected_value", inputs.get("projection"))
        year = inputs.get("target_year") or (goal.target_year if goal else None)
        if not isinstance(value, int | float) or not isinstance(year, int | float):
            continue
        if "latest_year" in inputs and "latest_value" in inputs:
            start = charts.Point(float(inputs["latest_year"]), float(inputs["latest_value"]), "")
        elif points:
            start = max(points, key=lambda p: p.x)
        else:
            continue
        if year <= start.x:
            continue
        return charts.Projection(start, charts.Point(float(year), float(value), str(year)))
    return None


def series_chart(series: Series, observations: list[Observation], chart_id: str) -> Any:
    """The chart of one series with its goal and first projection, and what it shows."""
    goal = queries.goal_for(series)
    assessments = list(series.assessments.all())
    points = _points(observations)
    baseline = target = None
    if goal and goal.baseline_year is not None and goal.baseline_value is not None:
        baseline = charts.Point(goal.baseline_year, goal.baseline_value, str(goal.baseline_year))
    if goal and goal.target_year is not None and goal.target_value is not None:
        target = charts.Point(goal.target_year, goal.target_value, str(goal.target_year))
    projection = _projection(assessments, points, goal)
    title = f"{series.indicator.label()}, {series.place.label()}: {series.disaggregation_label()}"
    if len(points) > 1:
        first = min(points, key=lambda p: p.x)
        last = max(points, key=lambda p: p.x)
        description = ngettext(
            "%(count)s observation from %(first)s (%(first_value)s) to %(last)s (%(last_value)s).",
            "%(count)s observations from %(first)s (%(first_value)s) to %(last)s (%(last_value)s).",
            len(points),
        ) % {
            "count": len(points),
            "first": first.label,
            "first_value": charts.number(first.y),
            "last": last.label,
            "last_value": charts.number(last.y),
        }
    elif points:
        description = _("One observation: %(period)s (%(value)s).") % {
            "period": points[0].label,
            "value": charts.number(points[0].y),
        }
    else:
        description = _("No observations.")
    legend: list[tuple[str, str]] = []
    if baseline:
        legend.append(
            (
                "baseline",
                _("Baseline: %(value)s in %(year)s")
                % {"value": charts.number(baseline.y), "year": baseline.label},
            )
        )
    if target:
        legend.append(
            (
                "target",
                _("Target: %(value)s by %(year)s")
                % {"value": charts.number(target.y), "year": target.label},
            )
        )
    if projection:
        legend.append(
            (
                "projection",
                _("Projection: %(value)s in %(year)s")
                % {"value": charts.number(projection.end.y), "year": projection.end.label},
            )
        )
    description = " ".join([description, *(text for _kind, text in legend)])
    svg = charts.series_chart(
        points,
        chart_id=chart_id,
        title=title,
        description=description,
        unit=series.unit,
        baseline=baseline,
        target=target,
        projection=projection,
    )
    return {
        "svg": svg,
        "legend": legend,
        "goal": goal,
        "badges": assessment_badges(assessments),
    }


# Goals -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalOrigin:
    """Where a goal in force comes from: its scope, and who set it and when."""

    goal: Goal
    scope: str  # "series", "place" or "everywhere"
    set_by: str = ""
    set_at: datetime | None = None


def goal_origin(goal: Goal | None) -> GoalOrigin | None:
    if goal is None:
        return None
    if goal.series_id:
        scope, uid = "series", f"series/{goal.series_id}"
    else:
        # The object uid set_goal gives the audit entry of an indicator's goal.
        scope = "place" if goal.place_id else "everywhere"
        uid = f"{goal.indicator.uid}@{goal.place.code if goal.place else '*'}"
    # Other actions write entries about series too, so only goal changes count.
    entry = history(uid).filter(action="indicators.goal.set").first()
    if entry is None:
        return GoalOrigin(goal, scope)
    return GoalOrigin(goal, scope, entry.actor, entry.at)


def may_set_goals(request: HttpRequest) -> bool:
    return bool(policies.require("indicators.edit")(request.user))


def _set_goal(
    request: HttpRequest, form: GoalForm, series_ids: list[int], **scope: Any
) -> HttpResponse | None:
    """Set the goal a posted form gives and reassess its series; a redirect once done."""
    refusal = _require(request, "indicators.edit")
    if refusal is not None:
        return refusal
    if not form.is_valid() or form.save(actor=request.user, **scope) is None:
        return None
    enqueue(
        "assess",
        "meadow.indicators.assess.run_job",
        created_by=request.user,
        series_ids=series_ids,
        actor_label="goal",
    )
    messages.success(request, _("The goal is saved. Progress is being reassessed."))
    return redirect(request.path)


# Data pages ------------------------------------------------------------------------------


@dataclass
class DataRow:
    indicator: Element
    place: Place
    series: int
    observations: int
    latest: int | None

    @property
    def url(self) -> str:
        return f"/data/{self.indicator.uid}/{self.place.code}"


def data_index(request: HttpRequest) -> HttpResponse:
    """Every indicator with data, in each place: its series, observations and latest year."""
    rows = Series.objects.values("indicator_id", "place_id")
    wanted = request.GET.get("indicator", "").strip()
    if wanted:
        rows = rows.filter(Q(indicator__uid=wanted) | Q(indicator__code=wanted))
    place_code = request.GET.get("place", "").strip().upper()
    if place_code:
        rows = rows.filter(place__code=place_code)
    counted = list(
        rows.annotate(
            n_series=Count("id", distinct=True),
            n_observations=Count("observations"),
            latest_year=Max("observations__year"),
        ).order_by()
    )
    elements = Element.objects.select_related("framework").in_bulk(
        {r["indicator_id"] for r in counted}
    )
    places = Place.objects.in_bulk({r["place_id"] for r in counted})
    table = sorted(
        (
            DataRow(
                elements[r["indicator_id"]],
                places[r["place_id"]],
                r["n_series"],
                r["n_observations"],
                r["latest_year"],
            )
            for r in counted
        ),
        key=lambda row: (
            row.indicator.framework.order,
            row.indicator.order,
            row.place.order,
            row.place.code,
        ),
    )
    sections: dict[Any, list[DataRow]] = defaultdict(list)
    for row in table:
        sections[row.indicator.framework].append(row)
    return render(
        request,
        "indicators/data_index.html",
        {
            "sections": list(sections.items()),
            "row_count": len(table),
            "filtered": bool(wanted or place_code),
            "can_import": is_staff(request.user),
        },
    )


@dataclass
class SeriesRow:
    series: Series
    badges: list[Badge] = field(default_factory=list)
    latest: Observation | None = None

    @property
    def latest_value(self) -> str:
        return charts.number(self.latest.value, figures=6) if self.latest else ""


@require_http_methods(["GET", "POST"])
def indicator_place(
    request: HttpRequest, framework: str, level: str, code: str, place: str
) -> HttpResponse:
    """An indicator in one place: its series, the headline chart, the roll-ups and the goal."""
    element = framework_queries.element(f"{framework}/{level}/{code}")
    where = place_queries.place(place.upper())
    if element is None or where is None:
        raise Http404(f"No data page {framework}/{level}/{code}/{place}")
    items = list(
        queries.series(indicator=element.uid, place=where.code)
        .annotate(first_year=Min("observations__year"), last_year=Max("observations__year"))
        .prefetch_related("assessments")
        .order_by("id")
    )
    if not items:
        raise Http404(f"No data for {element.uid} in {where.code}")
    form: GoalForm | None = None
    if request.method == "POST":
        form = GoalForm(request.POST)
        done = _set_goal(request, form, [s.pk for s in items], indicator=element, place=where)
        if done is not None:
            return done
    goals = {
        g.place_id: g
        for g in Goal.objects.filter(indicator=element, series=None)
        .filter(Q(place=where) | Q(place__isnull=True))
        .select_related("indicator", "place")
    }
    # The place's own goal comes before the goal for every place, as in goal_for.
    goal = goals.get(where.pk) or goals.get(None)
    if form is None and may_set_goals(request):
        form = GoalForm.for_goal(goal)
    latest: dict[int, Observation] = {}
    for obs in Observation.objects.filter(series__in=items).order_by("series_id", "end"):
        latest[obs.series_id] = obs
    rows = [
        SeriesRow(s, assessment_badges(list(s.assessments.all())), latest.get(s.pk)) for s in items
    ]
    # The total is the natural headline; without one, the series listed first.
    headline = next((s for s in items if s.is_total), items[0])
    observations = list(Observation.objects.filter(series=headline))
    chart = series_chart(headline, observations, f"chart-{headline.pk}")
    return render(
        request,
        "indicators/indicator_place.html",
        {
            "element": element,
            "framework": element.framework,
            "place": where,
            "rows": rows,
            "headline": headline,
            "observations": observations,
            "chart": chart,
            "rollups": rollup_badges(list(RollUp.objects.filter(element=element, place=where))),
            "api_query": f"indicator={element.uid}&place={where.code}",
            "origin": goal_origin(goal),
            "own_goals": Goal.objects.filter(series__in=items).count(),
            "goal_form": form,
        },
        status=400 if form is not None and form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def series_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One series: its chart, goal, assessments and observations; staff set its goal here."""
    series = (
        Series.objects.select_related("indicator__framework", "place")
        .prefetch_related("assessments")
        .filter(pk=pk)
        .first()
    )
    if series is None:
        raise Http404(f"No series {pk}")
    form: GoalForm | None = None
    if request.method == "POST":
        form = GoalForm(request.POST)
        done = _set_goal(request, form, [series.pk], indicator=series.indicator, series=series)
        if done is not None:
            return done
    observations = list(Observation.objects.filter(series=series).select_related("source_import"))
    chart = series_chart(series, observations, f"chart-{series.pk}")
    if form is None and may_set_goals(request):
        form = GoalForm.for_goal(chart["goal"])
    return render(
        request,
        "indicators/series_detail.html",
        {
            "series": series,
            "element": series.indicator,
            "place": series.place,
            "observations": observations,
            "chart": chart,
            "assessment_rows": list(
                zip(
                    sorted(series.assessments.all(), key=lambda a: a.method),
                    chart["badges"],
                    strict=True,
                )
            ),
            "data_url": f"/data/{series.indicator.uid}/{series.place.code}",
            "origin": goal_origin(chart["goal"]),
            "goal_form": form,
        },
        status=400 if form is not None and form.is_bound else 200,
    )


# Imports ------------------------------------------------------------------------------------


def _page(request: HttpRequest, items: Any, size: int = PAGE_SIZE) -> Page:
    return Paginator(items, size).get_page(request.GET.get("page"))


def import_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, queries.imports())
    return render(
        request,
        "indicators/import_list.html",
        {"page": page, "can_import": is_staff(request.user)},
    )


@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = queries.imports().filter(pk=pk).first()
    if record is None:
        raise Http404(f"No import {pk}")
    refused = ""
    if request.method == "POST":
        policies.check("indicators.import", request.user)
        try:
            undo_import(record, actor=request.user)
        except UndoRefused as exc:
            refused = str(exc)
        else:
            return redirect(record.get_absolute_url())
    changes = ImportChange.objects.filter(source_import=record).select_related(
        "series__indicator", "series__place"
    )
    touched = (
        Series.objects.filter(pk__in=changes.values("series_id"))
        .values("indicator__uid", "indicator__code", "place__code")
        .distinct()
        .order_by("indicator__framework__order", "indicator__order", "place__code")
    )
    warnings = [p for p in record.problems or [] if p.get("level") != ERROR]
    response = render(
        request,
        "indicators/import_detail.html",
        {
            "record": record,
            "page": _page(request, changes.order_by("id")),
            "warnings": warnings,
            "touched": [
                {
                    "uid": t["indicator__uid"],
                    "code": t["indicator__code"],
                    "place": t["place__code"],
                    "url": f"/data/{t['indicator__uid']}/{t['place__code']}",
                }
                for t in touched
            ],
            "can_undo": is_staff(request.user) and record.status == Import.Status.COMMITTED,
            "refused": refused,
        },
    )
    if refused:
        response.status_code = 409
    return response


# The import form and its job ----------------------------------------------------------------


class ImportForm(forms.Form):
    format = forms.ChoiceField(label=gettext_lazy("Format"))
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "For an Open SDG data folder, a .zip archive of the folder (with its data/ "
            "and meta/ folders)."
        ),
    )
    place = forms.ChoiceField(
        label=gettext_lazy("Country or area"),
        required=False,
        help_text=gettext_lazy("Needed when the file does not say, as in Open SDG data."),
    )
    framework = forms.ChoiceField(
        label=gettext_lazy("Framework of the indicator codes"),
        required=False,
        help_text=gettext_lazy("Leave empty when the format or the file says."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _load()
        choices = cast(dict[str, forms.ChoiceField], self.fields)
        choices["format"].choices = [
            (name, f"{READERS[name].label} ({name})") for name in sorted(READERS)
        ]
        countries = sorted(
            Place.objects.filter(kind=PlaceKind.COUNTRY), key=lambda p: p.label().casefold()
        )
        choices["place"].choices = [
            ("", "—"),
            *((p.code, f"{p.label()} ({p.code})") for p in countries),
        ]
        choices["framework"].choices = [
            ("", "—"),
            *((f.slug, f.label()) for f in framework_queries.frameworks()),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload: UploadedFile | None = data.get("file")
        name = data.get("format")
        if upload is None or not name:
            return data
        if upload.size and upload.size > MAX_FILE_BYTES:
            self.add_error(
                "file",
                _("The file is larger than %(size)s MB.") % {"size": MAX_FILE_BYTES // 2**20},
            )
        if reader(name).directory and not (upload.name or "").lower().endswith(".zip"):
            self.add_error(
                "file", _("This format is a folder: upload it as a .zip archive of the folder.")
            )
        return data


def _require(request: HttpRequest, policy: str) -> HttpResponse | None:
    """Send visitors to sign in; refuse signed-in users the policy does not allow."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "admin:login")
    policies.check(policy, request.user)
    return None


@require_http_methods(["GET", "POST"])
def import_form(request: HttpRequest) -> HttpResponse:
    refusal = _require(request, "indicators.import")
    if refusal is not None:
        return refusal
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        path = uploads.save_upload(upload)
        job = enqueue(
            "import",
            "meadow.indicators.uploads.run_import",
            created_by=request.user,
            path=str(path),
            format=form.cleaned_data["format"],
            place=form.cleaned_data["place"],
            framework=form.cleaned_data["framework"],
            name=path.name,
            user_id=request.user.pk,
        )
        return redirect("import-job", job_id=job.pk)
    return render(request, "indicators/import_form.html", {"form": form})


def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "admin:login")
    job = job_queries.job_for(request.user, job_id)
    if job is None or job.kind != "import":
        raise Http404(f"No import job {job_id}")
    job.live()
    result = job.result if isinstance(job.result, dict) else {}
    problems = result.get("problems") or []
    if job.status == job.Status.FAILED:
        errors = [p for p in problems if p.get("level") == ERROR]
        warnings = [p for p in problems if p.get("level") != ERROR]
    else:
        errors, warnings = [], list(result.get("warnings") or [])
    record = None
    if job.status == job.Status.DONE and result.get("import"):
        record = Import.objects.filter(pk=result["import"]).first()
    return render(
        request,
        "indicators/import_job.html",
        {
            "job": job,
            "file_name": job.arguments.get("name", ""),
            "format": job.arguments.get("format", ""),
            "errors": errors,
            "warnings": warnings,
            "record": record,
            "result": result,
        },
    )


# The job ------------------------------------------------------------------------------------
