"""Forms of the account, invitation and team pages."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meadow.core import policies
from meadow.core.actors import Actor
from meadow.parties import roles, throttle
from meadow.parties.models import Role


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing attempts once the throttle says so."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed attempts to sign in. Wait 15 minutes, then try again."),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username and throttle.blocked(self.request, username):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        return super().clean()


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, actor: Actor, country: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["role"])
        field.choices = invitable_roles(actor, country)
        if Role.CONTRIBUTOR in dict(field.choices):
            field.initial = Role.CONTRIBUTOR


def invitable_roles(actor: Actor, country: str) -> list[tuple[str, str]]:
    """The roles the actor may invite someone to take for the country."""
    may = policies.require("team.invite")
    return [
        (value, str(label))
        for value, label in Role.choices
        if may(actor, country=country, role=value)
    ]


EXPIRY_CHOICES = [
    ("30", _("In 30 days")),
    ("90", _("In 90 days")),
    ("365", _("In a year")),
    ("", _("Never")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the script or the machine that uses it."),
    )
    scope = forms.ChoiceField(
        label=_("Country and role"),
        help_text=_("The token acts with this one role of yours, for this one country."),
    )
    expires = forms.ChoiceField(
        label=_("Expires"), choices=EXPIRY_CHOICES, initial="90", required=False
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["scope"])
        field.choices = [
            (f"{code}:{role}", f"{code} · {Role(role).label}")
            for code, held in sorted(roles.country_roles(actor).items())
            for role in Role.values
            if role in held
        ]

    @property
    def country(self) -> str:
        return str(self.cleaned_data["scope"]).split(":", 1)[0]

    @property
    def role(self) -> str:
        return str(self.cleaned_data["scope"]).split(":", 1)[1]

    @property
    def expires_at(self) -> dt.datetime | None:
        days = self.cleaned_data.get("expires")
        return timezone.now() + dt.timedelta(days=int(days)) if days else None


class AccountForm(forms.Form):
    """A new account, opened with an invitation."""

    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_username(self) -> str:
        model = get_user_model()
        username = str(self.cleaned_data["username"]).strip()
        field = cast("Field[Any, Any]", model._meta.get_field(model.USERNAME_FIELD))
        for validator in field.validators:
            validator(username)
        if model._default_manager.filter(**{f"{model.USERNAME_FIELD}__iexact": username}).exists():
            raise forms.ValidationError(_("This user name is taken; choose another."))
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            model = get_user_model()
            probe = model(**{model.USERNAME_FIELD: data.get("username", ""), "email": self.email})
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
