"""Pages about people and conventions: signing in, the account, invitations, country teams
and histories, conventions and their Parties.

A country's team and history pages exist for every country; someone signed in who may
not see them gets a 404 (as for any record they may not read), a visitor is asked to
sign in first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from meadow.audit import queries as audit_queries
from meadow.core import policies
from meadow.parties import queries, roles, team
from meadow.parties.forms import (
    AccountForm,
    InviteForm,
    SignInForm,
    TokenForm,
    invitable_roles,
)
from meadow.parties.models import Convention, CountryRole, Party, Role
from meadow.places.models import Place

HISTORY_PAGE_SIZE = 50

# Signing in and out, passwords --------------------------------------------------------------


class SignInView(auth_views.LoginView):
    template_name = "parties/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


sign_in = SignInView.as_view()
sign_out = auth_views.LogoutView.as_view()
password_reset = auth_views.PasswordResetView.as_view(
    template_name="parties/password_reset.html",
    email_template_name="parties/email/password_reset.txt",
    subject_template_name="parties/email/password_reset_subject.txt",
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="parties/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="parties/password_reset_confirm.html"
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="parties/password_reset_complete.html"
)
password_change = auth_views.PasswordChangeView.as_view(
    template_name="parties/password_change.html", success_url=reverse_lazy("password_change_done")
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="parties/password_change_done.html"
)


# The account page -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """My roles, my secretariats and my API tokens, with a form to make one."""
    form = TokenForm(request.POST or None, actor=request.user)
    new_key = ""
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token, new_key = team.create_token(
                actor=request.user,
                name=form.cleaned_data["name"],
                country=form.country,
                role=form.role,
                expires_at=form.expires_at,
            )
        except team.TeamError as exc:
            form.add_error(None, str(exc))
        else:
            form = TokenForm(actor=request.user)
    context = {
        "country_roles": queries.roles_of(request.user),
        "secretariat_roles": queries.secretariat_roles_of(request.user),
        "tokens": queries.tokens_of(request.user),
        "form": form,
        "new_key": new_key,
        "new_token": new_token,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "parties/account.html", context, status=status)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = queries.tokens_of(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404(f"No token {pk}")
    team.revoke_token(token, actor=request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("account")


# Invitations ------------------------------------------------------------------------------


def _closed(request: HttpRequest, exc: team.InvitationClosed) -> HttpResponse:
    if exc.reason == "unknown":
        raise Http404("no such invitation")
    return render(request, "parties/invitation_closed.html", {"message": str(exc)}, status=410)


def _joined(request: HttpRequest, country: str, role: str) -> HttpResponse:
    messages.success(
        request,
        _("You are now in the team of %(country)s as %(role)s.")
        % {"country": _country_name(country), "role": Role(role).label},
    )
    return redirect("team", code=country)


def _country_name(code: str) -> str:
    place = Place.objects.filter(code=code).first()
    return place.label() if place else code


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, secret: str) -> HttpResponse:
    """Accept an invitation: signed in, in one click; otherwise open an account first."""
    try:
        found = team.open_invitation(secret)
    except team.InvitationClosed as exc:
        return _closed(request, exc)
    code, role = found.country.code, found.role
    form = None
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                team.accept_invitation(actor=request.user, secret=secret)
            except team.InvitationClosed as exc:
                return _closed(request, exc)
            roles.forget(request.user)
            return _joined(request, code, role)
    else:
        form = AccountForm(request.POST or None, email=found.email)
        if request.method == "POST" and form.is_valid():
            try:
                user = team.create_account(
                    actor=request.user,
                    secret=secret,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                )
            except team.InvitationClosed as exc:
                return _closed(request, exc)
            except team.TeamError as exc:
                form.add_error(None, str(exc))
            else:
                login(request, cast(Any, user), backend=settings.AUTHENTICATION_BACKENDS[0])
                return _joined(request, code, role)
    context = {"invitation": found, "form": form, "role": Role(role).label}
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "parties/invitation.html", context, status=status)


# Country team ------------------------------------------------------------------------------


def _country(request: HttpRequest, code: str, policy: str) -> Place | HttpResponse:
    """The country, when the signed-in actor passes ``policy`` for it; visitors are sent to
    sign in; anyone else gets a 404."""
    place = queries.country(code)
    if place is None:
        raise Http404(code)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not policies.require(policy)(request.user, country=place.code):
        raise Http404(code)
    return place


@dataclass
class Member:
    username: str
    email: str
    roles: list[tuple[CountryRole, bool]] = field(default_factory=list)


def _members(request: HttpRequest, code: str) -> list[Member]:
    may_revoke = policies.require("team.revoke")
    members: dict[int, Member] = {}
    for held in queries.team(code):
        member = members.setdefault(
            held.user_id, Member(held.user.get_username(), getattr(held.user, "email", ""))
        )
        member.roles.append((held, may_revoke(request.user, country=code, role=held.role)))
    return list(members.values())


@require_http_methods(["GET", "POST"])
def team_page(request: HttpRequest, code: str) -> HttpResponse:
    """A country's team: members and their roles, pending invitations, the invite form."""
    place = _country(request, code, "team.view")
    if isinstance(place, HttpResponse):
        return place
    choices = invitable_roles(request.user, place.code)
    if request.method == "POST" and not choices:
        raise PermissionDenied
    form = InviteForm(request.POST or None, actor=request.user, country=place.code)
    link = ""
    if request.method == "POST" and form.is_valid():
        site_url = request.build_absolute_uri("/")
        try:
            _made, secret = team.invite(
                actor=request.user,
                email=form.cleaned_data["email"],
                country=place.code,
                role=form.cleaned_data["role"],
                site_url=site_url,
            )
        except team.TeamError as exc:
            form.add_error(None, str(exc))
        else:
            link = team.invitation_link(secret, site_url)
            form = InviteForm(actor=request.user, country=place.code)
    may_revoke = policies.require("team.revoke")
    invitations = [
        (item, may_revoke(request.user, country=place.code, role=item.role))
        for item in (queries.pending_invitations(place.code) if choices else [])
    ]
    context = {
        "place": place,
        "members": _members(request, place.code),
        "form": form if choices else None,
        "invitations": invitations,
        "link": link,
        "days": team.INVITATION_DAYS,
        "may_see_history": policies.require("audit.view")(request.user, country=place.code),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "parties/team.html", context, status=status)


@require_POST
def team_invitation_revoke(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    place = _country(request, code, "team.view")
    if isinstance(place, HttpResponse):
        return place
    found = queries.pending_invitations(place.code).filter(pk=pk).first()
    if found is None:
        raise Http404(f"No open invitation {pk}")
    try:
        team.revoke_invitation(found, actor=request.user)
    except team.TeamError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The invitation to %(email)s is withdrawn.") % {"email": found.email}
        )
    return redirect("team", code=place.code)


@require_POST
def team_role_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    place = _country(request, code, "team.view")
    if isinstance(place, HttpResponse):
        return place
    held = queries.team(place.code).filter(pk=pk).first()
    if held is None:
        raise Http404(f"No role {pk}")
    team.revoke_role(held, actor=request.user)
    messages.success(
        request,
        _("%(user)s is no longer %(role)s.")
        % {"user": held.user.get_username(), "role": Role(held.role).label},
    )
    return redirect("team", code=place.code)


# Country history ---------------------------------------------------------------------------


def history(request: HttpRequest, code: str) -> HttpResponse:
    """Who changed what for a country, and when, newest first."""
    place = _country(request, code, "audit.view")
    if isinstance(place, HttpResponse):
        return place
    record = request.GET.get("record", "").strip()
    entries = queries.history(request.user, country=place.code, object_uid=record or None)
    page = Paginator(entries, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "place": place,
        "page": page,
        "rows": audit_queries.rows(page.object_list),
        "record": record,
        "may_see_team": policies.require("team.view")(request.user, country=place.code),
    }
    return render(request, "parties/history.html", context)


# Conventions -------------------------------------------------------------------------------


def convention_list(request: HttpRequest) -> HttpResponse:
    return render(request, "parties/convention_list.html", {"conventions": queries.conventions()})


def convention_detail(request: HttpRequest, code: str) -> HttpResponse:
    found = queries.convention(code)
    if found is None:
        raise Http404(code)
    parties: list[Party] = list(queries.parties(convention=found.code))
    protocols = (
        Convention.objects.filter(parent=found)
        .annotate(party_count=Count("parties"))
        .order_by("order")
    )
    context = {"convention": found, "parties": parties, "protocols": protocols}
    return render(request, "parties/convention_detail.html", context)
