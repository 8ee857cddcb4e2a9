"""Writes about people: country teams, invitations, accounts, secretariats and API tokens.

Each change is recorded in the audit log under the country it concerns, so that the
country's history shows who joined its team, who invited them and which tokens exist
(never a secret or a key: those are shown once, to the person who made them).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meadow import audit
from meadow.core.actions import action, after_commit
from meadow.core.actors import Actor, label
from meadow.parties import roles
from meadow.parties.models import (
    ApiToken,
    Convention,
    CountryRole,
    Invitation,
    Role,
    SecretariatRole,
    digest,
    new_secret,
)
from meadow.places.models import Place, PlaceKind

log = logging.getLogger(__name__)

INVITATION_DAYS = 14
KEY_PREFIX_LENGTH = 8


class TeamError(ValueError):
    """A request the data refuses (an unknown country, a name already taken...)."""


class InvitationClosed(TeamError):
    """An invitation that cannot be used: unknown, withdrawn, used or expired."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


# Checks -----------------------------------------------------------------------------------


def country_place(code: str) -> Place:
    place = Place.objects.filter(code=str(code).upper(), kind=PlaceKind.COUNTRY).first()
    if place is None:
        raise TeamError(_("%(code)r is not the ISO alpha-3 code of a country.") % {"code": code})
    return place


def checked_role(role: str) -> str:
    if role not in Role.values:
        raise TeamError(
            _("%(role)r is not a role; the roles are: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    return role


def _member_uid(country: str, user: AbstractBaseUser) -> str:
    return f"party/{country}/team/{user.get_username()}"


def _roles_of(user: AbstractBaseUser, country: str) -> list[str]:
    return sorted(
        CountryRole.objects.filter(user_id=user.pk, country__code=country).values_list(
            "role", flat=True
        )
    )


def _record_membership(
    actor: Actor, user: AbstractBaseUser, country: str, before: list[str], source: str = ""
) -> None:
    """One audit entry for a change to a person's roles in a country's team."""
    after = _roles_of(user, country)
    if after == before:
        return
    audit.record(
        actor=actor,
        action="team.change",
        object_type="team-member",
        object_uid=_member_uid(country, user),
        before={"user": user.get_username(), "roles": before} if before else None,
        after={"user": user.get_username(), "roles": after} if after else None,
        source=source,
        country=country,
    )


# Country roles ----------------------------------------------------------------------------


def _grant(
    actor: Actor, user: AbstractBaseUser, place: Place, role: str, source: str, by: Any
) -> CountryRole:
    before = _roles_of(user, place.code)
    granted, _created = CountryRole.objects.get_or_create(
        user_id=user.pk, country=place, role=role, defaults={"granted_by": by}
    )
    _record_membership(actor, user, place.code, before, source)
    roles.forget(user)
    return granted


@action("roles.grant")
def grant_role(
    *, actor: Actor, user: AbstractBaseUser, country: str, role: str, source: str = ""
) -> CountryRole:
    """Give someone a role for a country outright (administrators, the command line)."""
    place = country_place(country)
    by = actor if roles.signed_in(actor) else None
    return _grant(actor, user, place, checked_role(role), source, by)


def revoke_role(country_role: CountryRole, *, actor: Actor) -> None:
    """Take a role back; the person's API tokens for that role are revoked with it."""
    _revoke_role(
        country_role, actor=actor, country=country_role.country.code, role=country_role.role
    )


@action("team.revoke")
def _revoke_role(country_role: CountryRole, *, actor: Actor, country: str, role: str) -> None:
    user = country_role.user
    before = _roles_of(user, country)
    now = timezone.now()
    tokens = ApiToken.objects.filter(
        user_id=user.pk, country__code=country, role=role, revoked_at__isnull=True
    )
    for token in tokens:
        _close_token(token, actor, now)
    CountryRole.objects.filter(pk=country_role.pk).delete()
    _record_membership(actor, user, country, before)
    roles.forget(user)


# Secretariat roles ------------------------------------------------------------------------


def _convention(code: str) -> Convention:
    convention = Convention.objects.filter(code=code).first()
    if convention is None:
        codes = ", ".join(Convention.objects.values_list("code", flat=True))
        raise TeamError(
            _("%(code)r is not a convention; the conventions are: %(codes)s.")
            % {"code": code, "codes": codes}
        )
    return convention


@action("roles.grant")
def grant_secretariat(*, actor: Actor, user: AbstractBaseUser, convention: str) -> SecretariatRole:
    """Put someone on the staff of a convention's secretariat."""
    found = _convention(convention)
    role, created = SecretariatRole.objects.get_or_create(user_id=user.pk, convention=found)
    if created:
        audit.record(
            actor=actor,
            action="secretariat.grant",
            object_type="secretariat-member",
            object_uid=f"{found.uid}/secretariat/{user.get_username()}",
            after={"user": user.get_username(), "convention": found.code},
        )
    roles.forget(user)
    return role


@action("roles.grant")
def revoke_secretariat(*, actor: Actor, user: AbstractBaseUser, convention: str) -> None:
    found = _convention(convention)
    deleted, _rows = SecretariatRole.objects.filter(user_id=user.pk, convention=found).delete()
    if deleted:
        audit.record(
            actor=actor,
            action="secretariat.revoke",
            object_type="secretariat-member",
            object_uid=f"{found.uid}/secretariat/{user.get_username()}",
            before={"user": user.get_username(), "convention": found.code},
        )
    roles.forget(user)


# Invitations ------------------------------------------------------------------------------


def invitation_uid(invitation: Invitation) -> str:
    return f"party/{invitation.country.code}/invitation/{invitation.pk}"


def invitation_link(secret: str, site_url: str) -> str:
    return site_url.rstrip("/") + reverse("invitation", args=[secret])


@action("team.invite")
def invite(
    *, actor: Actor, email: str, country: str, role: str, site_url: str
) -> tuple[Invitation, str]:
    """Invite someone by email to take a role for a country; returns the invitation and
    its one-time secret. The link is mailed once the invitation is stored.

    ``site_url`` is the site's address (``https://meadow.example.org``) for the link.
    """
    place = country_place(country)
    role = checked_role(role)
    email = BaseUserManager.normalize_email(email.strip())
    try:
        validate_email(email)
    except ValidationError:
        raise TeamError(_("%(email)r is not an email address.") % {"email": email}) from None
    secret, secret_digest = new_secret()
    now = timezone.now()
    invitation = Invitation.objects.create(
        email=email,
        country=place,
        role=role,
        secret_digest=secret_digest,
        invited_by=cast(Any, actor) if roles.signed_in(actor) else None,
        created_at=now,
        expires_at=now + dt.timedelta(days=INVITATION_DAYS),
    )
    audit.record(
        actor=actor,
        action="invitation.create",
        object_type="invitation",
        object_uid=invitation_uid(invitation),
        after={
            "email": email,
            "role": role,
            "status": "open",
            "expires_at": invitation.expires_at.isoformat(timespec="seconds"),
        },
        country=place.code,
    )
    link = invitation_link(secret, site_url)
    language = translation.get_language()
    after_commit(lambda: _send_invitation(invitation, link, label(actor), language))
    return invitation, secret


def _send_invitation(invitation: Invitation, link: str, inviter: str, language: str) -> None:
    context = {
        "link": link,
        "inviter": inviter,
        "country": invitation.country.label(),
        "role": Role(invitation.role).label,
        "expires_at": invitation.expires_at,
        "days": INVITATION_DAYS,
    }
    with translation.override(language):
        subject = render_to_string("parties/email/invitation_subject.txt", context)
        body = render_to_string("parties/email/invitation.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [invitation.email])
    except OSError:  # smtplib errors are OSErrors; the inviter has the link on the page.
        log.exception("could not send the invitation mail to %s", invitation.email)


def open_invitation(secret: str, *, lock: bool = False) -> Invitation:
    """The invitation a secret opens, or InvitationClosed saying why it cannot be used."""
    found = Invitation.objects.select_related("country", "invited_by")
    if lock:
        found = found.select_for_update(of=("self",))
    invitation = found.filter(secret_digest=digest(secret)).first() if secret else None
    if invitation is None:
        raise InvitationClosed("unknown", _("This invitation link is not valid."))
    if invitation.revoked_at is not None:
        raise InvitationClosed(
            "revoked", _("This invitation was withdrawn. Ask for a new one if you still need it.")
        )
    if invitation.accepted_at is not None:
        raise InvitationClosed(
            "used",
            _("This invitation has already been used. An invitation works only once."),
        )
    if invitation.expires_at <= timezone.now():
        expired = _("This invitation expired on %(date)s. Ask for a new one.")
        raise InvitationClosed(
            "expired", expired % {"date": invitation.expires_at.date().isoformat()}
        )
    return invitation


@action("invitations.accept")
def accept_invitation(*, actor: Actor, secret: str) -> CountryRole:
    """The signed-in person holding the secret joins the team with the invited role."""
    invitation = open_invitation(secret, lock=True)
    user: Any = actor
    now = timezone.now()
    granted = _grant(
        actor,
        user,
        invitation.country,
        invitation.role,
        invitation_uid(invitation),
        invitation.invited_by,
    )
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        actor=actor,
        action="invitation.accept",
        object_type="invitation",
        object_uid=invitation_uid(invitation),
        before={"status": "open"},
        after={"status": "accepted", "accepted_by": user.get_username()},
        country=invitation.country.code,
    )
    return granted


def revoke_invitation(invitation: Invitation, *, actor: Actor) -> None:
    """Withdraw an invitation that has not been used yet."""
    _revoke_invitation(
        invitation, actor=actor, country=invitation.country.code, role=invitation.role
    )


@action("team.revoke")
def _revoke_invitation(invitation: Invitation, *, actor: Actor, country: str, role: str) -> None:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise TeamError(_("This invitation has already been used or withdrawn."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action="invitation.revoke",
        object_type="invitation",
        object_uid=f"party/{country}/invitation/{invitation.pk}",
        before={"status": "open"},
        after={"status": "revoked"},
        country=country,
    )


# Accounts ---------------------------------------------------------------------------------


@action("accounts.create")
def create_account(*, actor: Actor, secret: str, username: str, password: str) -> AbstractBaseUser:
    """Open an account with an invitation and accept it, in one go.

    The account's email address is the one the invitation was sent to.
    """
    invitation = open_invitation(secret, lock=True)
    model = get_user_model()
    username = model.normalize_username(username.strip())
    if not username:
        raise TeamError(_("Choose a user name."))
    if model._default_manager.filter(**{f"{model.USERNAME_FIELD}__iexact": username}).exists():
        raise TeamError(_("This user name is taken; choose another."))
    user = model._default_manager.create_user(username, email=invitation.email, password=password)
    audit.record(
        actor=actor,
        action="user.create",
        object_type="user",
        object_uid=f"user/{user.get_username()}",
        after={"username": user.get_username(), "email": invitation.email},
        source=invitation_uid(invitation),
        country=invitation.country.code,
    )
    accept_invitation(actor=user, secret=secret)
    return user


# API tokens -------------------------------------------------------------------------------


def token_uid(token: ApiToken) -> str:
    return f"party/{token.country.code}/token/{token.prefix}"


def _make_token(
    actor: Actor,
    owner: AbstractBaseUser,
    name: str,
    country: str,
    role: str,
    expires_at: dt.datetime | None,
) -> tuple[ApiToken, str]:
    place = country_place(country)
    role = checked_role(role)
    name = name.strip()
    if not name or len(name) > 100:
        raise TeamError(_("Give the token a name of 1 to 100 characters."))
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise TeamError(_("The expiry date must be in the future."))
    key, key_digest = new_secret()
    token = ApiToken.objects.create(
        user_id=owner.pk,
        name=name,
        country=place,
        role=role,
        prefix=key[:KEY_PREFIX_LENGTH],
        key_digest=key_digest,
        created_at=now,
        expires_at=expires_at,
    )
    audit.record(
        actor=actor,
        action="token.create",
        object_type="api-token",
        object_uid=token_uid(token),
        after={
            "owner": owner.get_username(),
            "name": name,
            "role": role,
            "status": "active",
            "expires_at": expires_at.isoformat(timespec="seconds") if expires_at else None,
        },
        country=place.code,
    )
    return token, key


@action("tokens.create")
def create_token(
    *, actor: Actor, name: str, country: str, role: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A key for a machine client acting as the signed-in person, with one of their roles
    for one country; returns the token and the key, which is not stored and shown once."""
    owner: Any = actor
    return _make_token(actor, owner, name, country, role, expires_at)


@action("tokens.issue")
def issue_token(
    *,
    actor: Actor,
    owner: AbstractBaseUser,
    name: str,
    country: str,
    role: str,
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """The same, made by an administrator (the command line) for someone holding the role."""
    return _make_token(actor, owner, name, country, role, expires_at)


def _close_token(token: ApiToken, actor: Actor, now: dt.datetime) -> None:
    token.revoked_at = now
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action="token.revoke",
        object_type="api-token",
        object_uid=token_uid(token),
        before={"status": "active"},
        after={"status": "revoked"},
        country=token.country.code,
    )


def revoke_token(token: ApiToken, *, actor: Actor) -> None:
    """Revoke a token at once: it is refused from the next request on."""
    _revoke_token(token, actor=actor, owner_id=token.user_id)


@action("tokens.revoke")
def _revoke_token(token: ApiToken, *, actor: Actor, owner_id: int) -> None:
    if token.revoked_at is None:
        _close_token(token, actor, timezone.now())


def mark_token_used(token: ApiToken, *, every: dt.timedelta = dt.timedelta(minutes=1)) -> None:
    """Note when a token was last used, at most once a ``every``: bookkeeping for its
    owner, not a change to audit."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < every:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
