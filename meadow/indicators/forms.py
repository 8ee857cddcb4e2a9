"""Forms of the indicator-data pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from meadow.core.actors import Actor
from meadow.frameworks.models import Element
from meadow.indicators.actions import set_goal
from meadow.indicators.models import Direction, Goal, Series
from meadow.indicators.periods import MAX_YEAR, MIN_YEAR
from meadow.places.models import Place

FIELDS = (
    "direction",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "natural_limit",
    "source",
    "note",
)


def _year(label: Any, help_text: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=MIN_YEAR, max_value=MAX_YEAR, help_text=help_text
    )


class GoalForm(forms.Form):
    """The baseline and target of a series, or of an indicator in a place."""

    direction = forms.TypedChoiceField(
        label=_("Desired direction"),
        # The empty choice makes the user pick: a wrong default would silently flip every class.
        choices=[("", "—"), *Direction.choices],
        coerce=int,
    )
    baseline_year = _year(_("Baseline year"), _("The year progress is measured from."))
    baseline_value = forms.FloatField(
        label=_("Baseline value"),
        required=False,
        help_text=_("Leave empty to take the observed value of the baseline year."),
    )
    target_year = _year(_("Target year"), "")
    target_value = forms.FloatField(label=_("Target value"), required=False)
    natural_limit = forms.FloatField(
        label=_("Natural limit"),
        required=False,
        help_text=_("A value the indicator cannot pass, such as 100 for a percentage."),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=500,
        help_text=_("The document or decision the goal comes from."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    @classmethod
    def for_goal(cls, goal: Goal | None) -> GoalForm:
        """An unbound form holding the values of ``goal`` (empty without one)."""
        initial = {name: getattr(goal, name) for name in FIELDS} if goal else {}
        return cls(initial=initial)

    def clean(self) -> dict[str, Any]:
        # The same rules as set_goal, checked here to name the field and speak the user's language.
        data = super().clean() or {}

        def given(name: str) -> bool:
            return data.get(name) is not None

        def missing(name: str) -> bool:
            # A field that failed its own check already says so; one message is enough.
            return data.get(name) is None and name not in self.errors

        if given("target_value") and missing("target_year"):
            self.add_error("target_year", _("Give the year the target is for."))
        if given("target_year") and missing("target_value"):
            self.add_error("target_value", _("Give the target value for this year."))
        if given("baseline_value") and missing("baseline_year"):
            self.add_error("baseline_year", _("Give the year of the baseline value."))
        target_year, baseline_year = data.get("target_year"), data.get("baseline_year")
        if target_year is not None and baseline_year is not None and target_year <= baseline_year:
            self.add_error("target_year", _("The target year must come after the baseline year."))
        return data

    def save(
        self,
        *,
        actor: Actor,
        indicator: Element,
        place: Place | None = None,
        series: Series | None = None,
    ) -> Goal | None:
        """Set the goal through the action; None, with the refusal as a form error, if refused."""
        try:
            return set_goal(
                actor=actor,
                indicator=indicator,
                place=place,
                series=series,
                **{name: self.cleaned_data[name] for name in FIELDS},
            )
        except ValueError as exc:
            self.add_error(None, str(exc))
            return None
