"""Forms of the national target pages: the target, its repeated rows, and the import.

Texts are edited in the page's language first (the other five are further down, in
a fold); in the repeated rows (alignments, indicators, quantities) only the page's
language is edited, and each row carries its texts in the other languages along in a
hidden field, so that saving in French keeps the English explanation as it was.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from meadow.core import i18n
from meadow.frameworks.models import Element, IndicatorKind
from meadow.targets import formats, specs
from meadow.targets.models import Degree, GlobalElement

EXTRA_ROWS = 2
MORE_ROWS = 3


def language_label(lang: str) -> str:
    info = translation.get_language_info(i18n.INTERFACE_CODE.get(lang, lang))
    return str(info["name_translated"])


def ordered_languages(first: str) -> list[str]:
    return [first, *(lang for lang in i18n.CONTENT_LANGUAGES if lang != first)]


def _direction(lang: str) -> dict[str, str]:
    direction = "rtl" if lang in i18n.RTL else "ltr"
    return {"lang": i18n.INTERFACE_CODE.get(lang, lang), "dir": direction}


class TargetForm(forms.Form):
    """Code, title and text (six languages) and the version the edit started from."""

    code = forms.CharField(
        label=_("Code"),
        max_length=specs.CODE_LENGTH,
        help_text=_("The country's own numbering, e.g. T1 or NBT-3; it is part of the address."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, lang: str, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lang = lang
        for code in ordered_languages(lang):
            name = language_label(code)
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": name},
                required=False,
                widget=forms.TextInput(attrs=_direction(code)),
            )
            self.fields[f"text_{code}"] = forms.CharField(
                label=_("Text (%(language)s)") % {"language": name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 5, **_direction(code)}),
            )
        if editing:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("The code of a saved target does not change.")

    def first_fields(self) -> list[forms.BoundField]:
        return [self[f"title_{self.lang}"], self[f"text_{self.lang}"]]

    def other_fields(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (language_label(code), self[f"title_{code}"], self[f"text_{code}"])
            for code in ordered_languages(self.lang)[1:]
        ]

    def others_open(self) -> bool:
        """Whether the fold of the other languages starts open (they hold text or errors)."""
        for _language, title, text in self.other_fields():
            if title.errors or text.errors or title.value() or text.value():
                return True
        return False

    def texts(self, prefix: str) -> dict[str, str]:
        return {
            code: self.cleaned_data.get(f"{prefix}_{code}") or "" for code in i18n.CONTENT_LANGUAGES
        }


def _others(raw: str) -> dict[str, str]:
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if isinstance(v, str)}


def merged(others_raw: str, lang: str, text: str) -> dict[str, str]:
    """The row's texts: the other languages as they were, this one as edited."""
    values = {k: v for k, v in _others(others_raw).items() if k != lang}
    if text.strip():
        values[lang] = text
    return values


def carried(values: dict[str, str] | None, lang: str) -> str:
    rest = {k: v for k, v in (values or {}).items() if k != lang}
    return json.dumps(rest, ensure_ascii=False) if rest else ""


def _gbf_choices() -> list[Any]:
    goals: list[tuple[str, str]] = []
    targets: list[tuple[str, str]] = []
    for element in Element.objects.filter(
        framework__slug="gbf", level__in=["goal", "target"]
    ).order_by("order"):
        label = f"{element.label()} · {element.display_title()}"
        (goals if element.level == "goal" else targets).append((element.uid, label))
    return [("", "—"), (_("Goals"), goals), (_("Targets"), targets)]


def _indicator_choices() -> list[Any]:
    groups: dict[str, list[tuple[str, str]]] = {kind: [] for kind in IndicatorKind.values}
    other: list[tuple[str, str]] = []
    for element in Element.objects.filter(
        framework__slug="gbf", level__in=["indicator", "sub-indicator"]
    ).order_by("order"):
        name = f"{element.code} · {element.display_title()}"
        groups.get(element.kind, other).append((element.uid, name))
    choices: list[Any] = [("", "—")]
    for kind, label in IndicatorKind.choices:
        if groups[kind]:
            choices.append((label, groups[kind]))
    if other:
        choices.append((_("Other"), other))
    return choices


def _global_choices() -> list[Any]:
    return [("", "—")] + [
        (g.code, f"{g.label()} ({g.value:g} {g.unit}, {g.year})")
        for g in GlobalElement.objects.all()
    ]


class AlignmentForm(forms.Form):
    element = forms.ChoiceField(label=_("GBF goal or target"), required=False)
    degree = forms.ChoiceField(
        label=_("Degree"), required=False, choices=[("", "—"), *Degree.choices]
    )
    explanation = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    others = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, choices: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["element"].choices = choices  # type: ignore[attr-defined]


class IndicatorForm(forms.Form):
    element = forms.ChoiceField(label=_("GBF indicator"), required=False)
    name = forms.CharField(
        label=_("Or a national indicator"),
        required=False,
        max_length=500,
        help_text=_("Its name, when it is not one of the GBF's indicators"),
    )
    others = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, choices: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["element"].choices = choices  # type: ignore[attr-defined]


class QuantityForm(forms.Form):
    global_element = forms.ChoiceField(label=_("Global element"), required=False)
    quantity = forms.CharField(label=_("What is counted"), required=False, max_length=500)
    value = forms.FloatField(label=_("Value"), required=False)
    unit = forms.CharField(label=_("Unit"), required=False, max_length=specs.UNIT_LENGTH)
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=specs.MIN_YEAR, max_value=specs.MAX_YEAR
    )
    baseline_value = forms.FloatField(label=_("Baseline value"), required=False)
    baseline_year = forms.IntegerField(
        label=_("Baseline year"),
        required=False,
        min_value=specs.MIN_YEAR,
        max_value=specs.MAX_YEAR,
    )
    others = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, choices: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["global_element"].choices = choices  # type: ignore[attr-defined]


AlignmentFormSet = formset_factory(AlignmentForm, extra=EXTRA_ROWS, can_delete=True)
IndicatorFormSet = formset_factory(IndicatorForm, extra=EXTRA_ROWS, can_delete=True)
QuantityFormSet = formset_factory(QuantityForm, extra=EXTRA_ROWS, can_delete=True)

ROW_FIELDS = {
    "alignments": ("element", "degree", "explanation"),
    "indicators": ("element", "name"),
    "quantities": (
        "global_element",
        "quantity",
        "value",
        "unit",
        "year",
        "baseline_value",
        "baseline_year",
    ),
}


class Editor:
    """The target form and its three sets of rows, bound or not, as one unit."""

    def __init__(
        self,
        data: Any = None,
        *,
        lang: str,
        snapshot: dict[str, Any] | None = None,
        more: bool = False,
    ) -> None:
        self.lang = lang
        self.editing = snapshot is not None
        initial = _initial(snapshot, lang) if snapshot else {}
        if data is not None and more:
            data = data.copy()
            for prefix in ROW_FIELDS:
                key = f"{prefix}-TOTAL_FORMS"
                count = str(data.get(key, "0"))
                if count.isdigit():
                    data[key] = str(int(count) + MORE_ROWS)
        self.target = TargetForm(
            data, lang=lang, editing=self.editing, initial=initial.get("target")
        )
        self.alignments = AlignmentFormSet(
            data,
            prefix="alignments",
            initial=initial.get("alignments"),
            form_kwargs={"choices": _gbf_choices()},
        )
        self.indicators = IndicatorFormSet(
            data,
            prefix="indicators",
            initial=initial.get("indicators"),
            form_kwargs={"choices": _indicator_choices()},
        )
        self.quantities = QuantityFormSet(
            data,
            prefix="quantities",
            initial=initial.get("quantities"),
            form_kwargs={"choices": _global_choices()},
        )
        self.rows: dict[str, list[int]] = {}

    @property
    def formsets(self) -> dict[str, Any]:
        return {
            "alignments": self.alignments,
            "indicators": self.indicators,
            "quantities": self.quantities,
        }

    def is_valid(self) -> bool:
        valid = self.target.is_valid()
        for formset in self.formsets.values():
            valid = formset.is_valid() and valid
        return valid

    def _kept(self, name: str) -> list[tuple[int, dict[str, Any]]]:
        out = []
        for index, form in enumerate(self.formsets[name].forms):
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE"):
                continue
            if not any(data.get(f) not in (None, "") for f in ROW_FIELDS[name]):
                continue
            out.append((index, data))
        self.rows[name] = [index for index, _data in out]
        return out

    def values(self) -> dict[str, Any]:
        """The arguments of ``save_target`` from the cleaned forms."""
        lang = self.lang
        alignments = [
            {
                "element": d.get("element") or "",
                "degree": d.get("degree") or "",
                "explanation": merged(d.get("others") or "", lang, d.get("explanation") or ""),
            }
            for _i, d in self._kept("alignments")
        ]
        indicators = [
            {"element": d["element"]}
            if d.get("element")
            else {"name": merged(d.get("others") or "", lang, d.get("name") or "")}
            for _i, d in self._kept("indicators")
        ]
        quantities = [
            {
                "global_element": d.get("global_element") or "",
                "quantity": merged(d.get("others") or "", lang, d.get("quantity") or ""),
                "unit": d.get("unit") or "",
                "value": d.get("value"),
                "year": d.get("year"),
                "baseline_value": d.get("baseline_value"),
                "baseline_year": d.get("baseline_year"),
            }
            for _i, d in self._kept("quantities")
        ]
        return {
            "code": self.target.cleaned_data.get("code") or "",
            "title": self.target.texts("title"),
            "text": self.target.texts("text"),
            "alignments": alignments,
            "indicators": indicators,
            "quantities": quantities,
            "expected_version": self.target.cleaned_data.get("version"),
        }

    def show(self, problems: list[Any]) -> None:
        """Put the problems of a refused save next to the fields they concern."""
        for problem in problems:
            self._show(problem.location.column, problem.reason)

    def _show(self, column: str, reason: str) -> None:
        head, _dot, field = column.partition(".")
        name, _bracket, index = head.partition("[")
        if name in self.formsets and index:
            position = int(index.rstrip("]"))
            rows = self.rows.get(name, [])
            if position < len(rows):
                form = self.formsets[name].forms[rows[position]]
                target = {"explanation": "explanation", "name": "name", "quantity": "quantity"}
                chosen = target.get(field, field)
                form.add_error(chosen if chosen in form.fields else None, reason)
                return
        if name in ("title", "text"):
            self.target.add_error(f"{name}_{self.lang}", reason)
            return
        if name == "code" and not self.target.fields["code"].disabled:
            self.target.add_error("code", reason)
            return
        self.target.add_error(None, reason)


def _initial(snapshot: dict[str, Any], lang: str) -> dict[str, Any]:
    target = {"code": snapshot["code"], "version": snapshot["version"]}
    for prefix in ("title", "text"):
        for code, value in snapshot[prefix].items():
            target[f"{prefix}_{code}"] = value
    return {
        "target": target,
        "alignments": [
            {
                "element": a["element"],
                "degree": a["degree"],
                "explanation": a["explanation"].get(lang, ""),
                "others": carried(a["explanation"], lang),
            }
            for a in snapshot["alignments"]
        ],
        "indicators": [
            {"element": i["element"]}
            if "element" in i
            else {"name": i["name"].get(lang, ""), "others": carried(i["name"], lang)}
            for i in snapshot["indicators"]
        ],
        "quantities": [
            {
                "global_element": q["global_element"] or "",
                "quantity": q["quantity"].get(lang, ""),
                "value": q["value"],
                "unit": q["unit"],
                "year": q["year"],
                "baseline_value": q["baseline_value"],
                "baseline_year": q["baseline_year"],
                "others": carried(q["quantity"], lang),
            }
            for q in snapshot["quantities"]
        ],
    }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("JSON, CSV (UTF-8) or Excel .xlsx, as described in the documentation."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("From the file name")), *((f, f.upper()) for f in formats.FORMATS)],
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > formats.MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.")
                % {"size": formats.MAX_FILE_BYTES // 2**20}
            )
        return upload
