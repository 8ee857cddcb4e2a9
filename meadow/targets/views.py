"""Web pages of national targets: a country's list, a target, its form, history and import.

Every read goes through ``queries`` (and so through ``visibility.visible``): a draft
is "not found" for anyone without a role for its country. Every write calls an
action, which checks its policy; the buttons shown follow the same policies.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from meadow.audit.queries import history
from meadow.audit.queries import rows as audit_rows
from meadow.core import i18n, policies
from meadow.frameworks.models import Element
from meadow.parties.visibility import Publication
from meadow.places.models import Place, PlaceKind
from meadow.targets import actions, formats, queries, specs
from meadow.targets.forms import Editor, ImportForm
from meadow.targets.models import NationalTarget

PAGE_SIZE = 50


def _country(code: str) -> Place:
    place = Place.objects.filter(code=code.upper(), kind=PlaceKind.COUNTRY).first()
    if place is None:
        raise Http404(code)
    return place


def _allowed(request: HttpRequest, policy: str, country: str) -> bool:
    return bool(policies.require(policy)(request.user, country=country))


def _require(request: HttpRequest, policy: str, country: str) -> HttpResponse | None:
    """Send visitors to sign in; refuse signed-in users the policy does not allow."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    policies.check(policy, request.user, country=country)
    return None


def _target(request: HttpRequest, place: Place, code: str) -> NationalTarget:
    target = queries.target(request.user, place.code, code)
    if target is None:
        raise Http404(f"{place.code} {code}")
    return target


def _may_edit(request: HttpRequest, target: NationalTarget) -> bool:
    policy = "national.publish" if target.is_published else "national.draft"
    return _allowed(request, policy, target.country.code)


def country_targets(request: HttpRequest, code: str) -> HttpResponse:
    place = _country(code)
    rows = list(queries.with_parts(queries.targets(request.user, country=place.code)))
    may_draft = _allowed(request, "national.draft", place.code)
    context = {
        "place": place,
        "targets": rows,
        "drafts": sum(1 for t in rows if not t.is_published),
        "may_draft": may_draft,
        "sees_drafts": _allowed(request, "national.read-unpublished", place.code),
        "formats": formats.FORMATS,
    }
    return render(request, "targets/country_targets.html", context)


def target_detail(request: HttpRequest, code: str, target_code: str) -> HttpResponse:
    place = _country(code)
    target = _target(request, place, target_code)
    context = {
        "place": place,
        "target": target,
        "alignments": list(target.alignments.all()),
        "indicators": list(target.indicators.all()),
        "quantities": list(target.quantities.all()),
        "may_edit": _may_edit(request, target),
        "may_publish": _allowed(request, "national.publish", place.code),
        "may_delete": not target.is_published and _allowed(request, "national.draft", place.code),
        "may_view_history": _allowed(request, "audit.view", place.code),
    }
    return render(request, "targets/target_detail.html", context)


def _editor_page(
    request: HttpRequest,
    place: Place,
    editor: Editor,
    target: NationalTarget | None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "place": place,
        "target": target,
        "editor": editor,
        "form": editor.target,
        "content_language": editor.lang,
    }
    return render(request, "targets/target_form.html", context, status=status)


def _save(
    request: HttpRequest, place: Place, editor: Editor, target: NationalTarget | None
) -> HttpResponse:
    values = editor.values()
    if target is not None:
        values["code"] = target.code
    elif values["expected_version"] is None:
        values["expected_version"] = 0
    try:
        saved = actions.save_target(actor=request.user, country=place.code, source="web", **values)
    except specs.InvalidTarget as exc:
        editor.show(exc.problems)
        return _editor_page(request, place, editor, target, status=400)
    except actions.Conflict as exc:
        if exc.expected == 0:
            editor.target.add_error("code", _("This country already has a target with this code."))
        else:
            editor.target.add_error(
                None,
                _(
                    "Someone else saved this target while you were editing it: you started "
                    "from version %(expected)s, it is now at version %(current)s. Nothing was "
                    "saved. Open the target again to see their change, then make yours."
                )
                % {"expected": exc.expected, "current": exc.current},
            )
        return _editor_page(request, place, editor, target, status=409)
    messages.success(request, _("The target is saved."))
    return redirect(saved.get_absolute_url())


@require_http_methods(["GET", "POST"])
def target_new(request: HttpRequest, code: str) -> HttpResponse:
    place = _country(code)
    refusal = _require(request, "national.draft", place.code)
    if refusal is not None:
        return refusal
    lang = i18n.current()
    if request.method == "POST":
        editor = Editor(request.POST, lang=lang, more="more" in request.POST)
        if "more" not in request.POST and editor.is_valid():
            return _save(request, place, editor, None)
        status = 200 if "more" in request.POST else 400
        return _editor_page(request, place, editor, None, status=status)
    return _editor_page(request, place, Editor(lang=lang), None)


@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, code: str, target_code: str) -> HttpResponse:
    place = _country(code)
    target = _target(request, place, target_code)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not _may_edit(request, target):
        raise PermissionDenied(_("You may not change this target."))
    lang = i18n.current()
    snapshot = specs.snapshot(target)
    if request.method == "POST":
        more = "more" in request.POST
        editor = Editor(request.POST, lang=lang, snapshot=snapshot, more=more)
        if not more and editor.is_valid():
            return _save(request, place, editor, target)
        return _editor_page(request, place, editor, target, status=200 if more else 400)
    return _editor_page(request, place, Editor(lang=lang, snapshot=snapshot), target)


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _status_change(
    request: HttpRequest, code: str, target_code: str, publish: bool
) -> HttpResponse:
    place = _country(code)
    target = _target(request, place, target_code)
    if not request.user.is_authenticated:
        return redirect_to_login(target.get_absolute_url())
    change = actions.publish_target if publish else actions.unpublish_target
    try:
        change(
            actor=request.user,
            country=place.code,
            code=target.code,
            expected_version=_version(request),
            source="web",
        )
    except actions.Conflict as exc:
        messages.error(request, str(exc))
        return redirect(target.get_absolute_url())
    messages.success(
        request,
        _("The target is published.") if publish else _("The target is back to draft."),
    )
    return redirect(target.get_absolute_url())


@require_POST
def target_publish(request: HttpRequest, code: str, target_code: str) -> HttpResponse:
    return _status_change(request, code, target_code, publish=True)


@require_POST
def target_unpublish(request: HttpRequest, code: str, target_code: str) -> HttpResponse:
    return _status_change(request, code, target_code, publish=False)


@require_http_methods(["GET", "POST"])
def target_delete(request: HttpRequest, code: str, target_code: str) -> HttpResponse:
    place = _country(code)
    target = _target(request, place, target_code)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not _allowed(request, "national.draft", place.code):
        raise PermissionDenied(_("You may not delete this target."))
    error = ""
    if request.method == "POST":
        try:
            actions.delete_target(
                actor=request.user,
                country=place.code,
                code=target.code,
                expected_version=_version(request),
                source="web",
            )
        except (actions.Conflict, actions.Refused) as exc:
            error = str(exc)
        else:
            messages.success(
                request, _("The draft target %(code)s is deleted.") % {"code": target.code}
            )
            return redirect("country-targets", place.code)
    context = {"place": place, "target": target, "error": error}
    return render(request, "targets/target_delete.html", context, status=409 if error else 200)


def target_history(request: HttpRequest, code: str, target_code: str) -> HttpResponse:
    place = _country(code)
    target = _target(request, place, target_code)
    if not _allowed(request, "audit.view", place.code):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied(_("You may not read this history."))
    context = {"place": place, "target": target, "rows": audit_rows(history(target.uid)[:200])}
    return render(request, "targets/target_history.html", context)


@require_http_methods(["GET", "POST"])
def target_import(request: HttpRequest, code: str) -> HttpResponse:
    place = _country(code)
    refusal = _require(request, "national.draft", place.code)
    if refusal is not None:
        return refusal
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[dict[str, Any]] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            name = get_valid_filename(Path(upload.name or "upload").name) or "upload"
            folder = Path(tempfile.mkdtemp(prefix="targets-"))
            try:
                path = folder / name
                with path.open("wb") as handle:
                    for chunk in upload.chunks():
                        handle.write(chunk)
                report = actions.import_targets(
                    path,
                    actor=request.user,
                    country=place.code,
                    format=form.cleaned_data["format"] or None,
                    name=name,
                )
            except actions.ImportRejected as exc:
                problems = [p.as_dict() for p in exc.problems]
            else:
                messages.success(
                    request,
                    _("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
                    % {
                        "created": len(report.created),
                        "updated": len(report.updated),
                        "unchanged": len(report.unchanged),
                    },
                )
                return redirect("country-targets", place.code)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
    context = {"place": place, "form": form, "problems": problems}
    return render(request, "targets/target_import.html", context, status=status)


def target_export(request: HttpRequest, code: str) -> HttpResponse:
    place = _country(code)
    chosen = request.GET.get("format", "json")
    if chosen not in formats.FORMATS:
        raise Http404(chosen)
    data = queries.export(request.user, place.code, chosen)
    response = HttpResponse(data, content_type=formats.MEDIA_TYPES[chosen])
    response["Content-Disposition"] = (
        f'attachment; filename="{formats.file_name(place.code, chosen)}"'
    )
    return response


def all_targets(request: HttpRequest) -> HttpResponse:
    """Every published national target, by country and GBF target."""
    country = request.GET.get("country", "").strip().upper()
    gbf = request.GET.get("gbf", "").strip()
    rows = queries.with_parts(queries.published(country=country or None, gbf=gbf or None))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    countries = (
        Place.objects.filter(national_targets__status=Publication.PUBLISHED)
        .distinct()
        .order_by("code")
    )
    elements = Element.objects.filter(framework__slug="gbf", level__in=["goal", "target"]).order_by(
        "order"
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "countries": countries,
        "elements": elements,
        "country": country,
        "gbf": gbf,
        "query": query.urlencode(),
    }
    return render(request, "targets/target_list.html", context)
