"""Forms of the commitment pages: register or edit, report progress, review.

The forms only carry values; the actions check them (``actions.check``) and their
errors come back onto the fields here. Six-language texts have one field per
language (``title_fr``); the page shows the active language first and the others
folded away.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from meadow.commitments import queries
from meadow.commitments.actions import CommitmentInput
from meadow.commitments.models import (
    FIRST_YEAR,
    LAST_YEAR,
    ActorType,
    Commitment,
    Coverage,
    Decision,
)
from meadow.core import i18n
from meadow.places.models import Place, PlaceKind

TEXTS = ("title", "description", "resources")


def language_name(lang: str) -> str:
    info = translation.get_language_info(i18n.INTERFACE_CODE.get(lang, lang))
    return str(info["name_translated"])


@dataclass
class LanguageFields:
    """The fields of one language, for a page to lay out."""

    lang: str
    name: str
    fields: list[forms.BoundField]

    @property
    def html_lang(self) -> str:
        return i18n.INTERFACE_CODE.get(self.lang, self.lang)

    @property
    def direction(self) -> str:
        return "rtl" if self.lang in i18n.RTL else "ltr"


class SixLanguageMixin:
    """Per-language fields of some six-language texts, read back as mappings."""

    texts: tuple[str, ...] = ()

    def languages(self, *names: str) -> tuple[LanguageFields, list[LanguageFields]]:
        """The active language's fields of ``names``, and every other language's."""
        form = cast(forms.Form, self)
        active = i18n.current()
        groups = [
            LanguageFields(lang, language_name(lang), [form[f"{name}_{lang}"] for name in names])
            for lang in i18n.CONTENT_LANGUAGES
        ]
        first = next(g for g in groups if g.lang == active)
        return first, [g for g in groups if g.lang != active]

    def six(self, name: str) -> dict[str, str]:
        data = cast(forms.Form, self).cleaned_data
        return {lang: data.get(f"{name}_{lang}") or "" for lang in i18n.CONTENT_LANGUAGES}

    def attach(self, error: ValidationError, renames: dict[str, str] | None = None) -> None:
        """Put an action's errors on the fields they name (texts: the active language's)."""
        form = cast(forms.Form, self)
        if not hasattr(error, "error_dict"):
            form.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            name = (renames or {}).get(name, name)
            if name in self.texts:
                name = f"{name}_{i18n.current()}"
            form.add_error(name if name in form.fields else None, messages)


def _text_fields(name: str, label: Any, *, multiline: bool) -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for lang in i18n.CONTENT_LANGUAGES:
        widget = (
            forms.Textarea(attrs={"rows": 4, "lang": i18n.INTERFACE_CODE.get(lang, lang)})
            if multiline
            else forms.TextInput(attrs={"lang": i18n.INTERFACE_CODE.get(lang, lang)})
        )
        if lang in i18n.RTL:
            widget.attrs["dir"] = "rtl"
        fields[f"{name}_{lang}"] = forms.CharField(label=label, required=False, widget=widget)
    return fields


def _country_choices() -> list[tuple[str, str]]:
    countries = sorted(
        Place.objects.filter(kind=PlaceKind.COUNTRY), key=lambda p: p.label().casefold()
    )
    return [(p.code, f"{p.label()} ({p.code})") for p in countries]


def _gbf_choices() -> list[tuple[str, str]]:
    out = []
    for target in queries.gbf_targets():
        short = i18n.text(target.short_title) or target.label()
        out.append((target.uid, str(_("Target %(code)s") % {"code": target.code}) + f": {short}"))
    return out


def _national_target_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    by_country: dict[str, list[tuple[str, str]]] = defaultdict(list)
    names: dict[str, str] = {}
    for target in queries.published_national_targets():
        code = target.country.code
        names[code] = target.country.label()
        by_country[code].append((target.uid, f"{target.code}: {target.label()}"))
    return [(f"{names[code]} ({code})", by_country[code]) for code in sorted(by_country)]


class CommitmentForm(SixLanguageMixin, forms.Form):
    texts = TEXTS

    actor_name = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        help_text=_("The business, city, organisation or institution that commits."),
    )
    actor_type = forms.ChoiceField(
        label=_("Type of organisation"), choices=[("", "—"), *ActorType.choices]
    )
    coverage = forms.ChoiceField(
        label=_("Coverage"), choices=Coverage.choices, widget=forms.RadioSelect
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "One country for a national commitment, two or more for a multi-country one, "
            "none for a global one. Each country reviews the commitment before it is "
            "published (the CBD secretariat reviews global ones)."
        ),
    )
    gbf_targets = forms.MultipleChoiceField(
        label=_("GBF targets it contributes to"),
        widget=forms.CheckboxSelectMultiple,
    )
    national_targets = forms.MultipleChoiceField(
        label=_("National targets it contributes to"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Published national targets of the countries covered."),
    )
    start_year = forms.IntegerField(
        label=_("From (year)"), min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    end_year = forms.IntegerField(
        label=_("Until (year)"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False
    )
    amount = forms.DecimalField(
        label=_("Amount committed"),
        required=False,
        min_value=0,
        max_digits=18,
        decimal_places=2,
    )
    currency = forms.CharField(
        label=_("Currency"),
        required=False,
        max_length=3,
        help_text=_("ISO 4217 code: USD, EUR, KES..."),
    )
    website = forms.CharField(label=_("Website"), required=False, max_length=500)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_text_fields("title", _("Title"), multiline=False))
        self.fields.update(_text_fields("description", _("Description"), multiline=True))
        self.fields.update(
            _text_fields("resources", _("Resources committed, in words"), multiline=True)
        )
        choices = cast(dict[str, forms.ChoiceField], self.fields)
        choices["countries"].choices = _country_choices()
        choices["gbf_targets"].choices = _gbf_choices()
        choices["national_targets"].choices = _national_target_choices()

    @staticmethod
    def initial_from(commitment: Commitment) -> dict[str, Any]:
        data = CommitmentInput.of(commitment)
        initial: dict[str, Any] = {
            "actor_name": data.actor_name,
            "actor_type": data.actor_type,
            "coverage": data.coverage,
            "countries": list(data.countries),
            "gbf_targets": list(data.gbf_targets),
            "national_targets": list(data.national_targets),
            "start_year": data.start_year,
            "end_year": data.end_year,
            "amount": data.amount,
            "currency": data.currency,
            "website": data.website,
            "version": commitment.version,
        }
        for name in TEXTS:
            for lang, text in dict(getattr(data, name)).items():
                initial[f"{name}_{lang}"] = text
        return initial

    def to_input(self) -> CommitmentInput:
        data = self.cleaned_data
        return CommitmentInput(
            actor_name=data["actor_name"],
            actor_type=data["actor_type"],
            title=self.six("title"),
            description=self.six("description"),
            coverage=data["coverage"],
            countries=data.get("countries") or [],
            gbf_targets=data.get("gbf_targets") or [],
            national_targets=data.get("national_targets") or [],
            start_year=data["start_year"],
            end_year=data.get("end_year"),
            resources=self.six("resources"),
            amount=data.get("amount"),
            currency=data.get("currency") or "",
            website=data.get("website") or "",
        )


class ProgressReportForm(SixLanguageMixin, forms.Form):
    texts = ("text",)

    year = forms.IntegerField(
        label=_("Year reported on"), min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    percent_complete = forms.IntegerField(
        label=_("Done so far (per cent)"), required=False, min_value=0, max_value=100
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_text_fields("text", _("What has been done"), multiline=True))


class ReviewForm(forms.Form):
    commitment = forms.SlugField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=Decision.choices)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to return a commitment: say what should change."),
    )
