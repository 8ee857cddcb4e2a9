"""Every write of the stocktake: setting and removing an indicator's aggregation rule."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from meadow import audit
from meadow.core.actions import action
from meadow.core.actors import Actor
from meadow.places.models import WeightSet
from meadow.stocktake import aggregation
from meadow.stocktake.models import AggregationRule, Imputation, RuleKind

RULE_FIELDS = ("rule", "weight", "impute", "threshold", "unit", "note")


def _snapshot(rule: AggregationRule | None) -> dict[str, Any] | None:
    if rule is None:
        return None
    return {
        "rule": rule.rule,
        "weight": rule.weight.slug if rule.weight else None,
        "impute": rule.impute,
        "threshold": rule.threshold,
        "unit": rule.unit,
        "note": rule.note,
    }


def _user(actor: Actor) -> Any:
    return (
        actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None
    )


@action("stocktake.configure")
def set_rule(
    *,
    actor: Actor,
    indicator: str,
    rule: str,
    weight: str | None = None,
    impute: str = Imputation.NONE,
    threshold: float = 0.5,
    unit: str = "",
    note: str = "",
) -> AggregationRule:
    """Set how an indicator's national series add up; raises ``ValidationError`` naming
    the field at fault and changes nothing then."""
    element = aggregation.indicator(indicator)
    if element is None:
        raise ValidationError({"indicator": _("%(uid)s is not an indicator") % {"uid": indicator}})
    if rule not in RuleKind.values:
        raise ValidationError(
            {
                "rule": _("%(value)r is not one of: %(choices)s")
                % {"value": rule, "choices": ", ".join(RuleKind.values)}
            }
        )
    if impute not in Imputation.values:
        raise ValidationError(
            {
                "impute": _("%(value)r is not one of: %(choices)s")
                % {"value": impute, "choices": ", ".join(Imputation.values)}
            }
        )
    if not 0.0 <= float(threshold) <= 1.0:
        raise ValidationError({"threshold": _("The threshold must be between 0 and 1")})
    weight_set = None
    if weight:
        weight_set = WeightSet.objects.filter(slug=weight).first()
        if weight_set is None:
            raise ValidationError(
                {"weight": _("There is no weight set %(slug)r") % {"slug": weight}}
            )
    if rule == RuleKind.WEIGHTED_MEAN and weight_set is None:
        raise ValidationError({"weight": _("A weighted mean needs a weight set")})
    existing = AggregationRule.objects.select_related("weight").filter(indicator=element).first()
    before = _snapshot(existing)
    item = existing or AggregationRule(indicator=element)
    item.rule = rule
    item.weight = weight_set
    item.impute = impute
    item.threshold = float(threshold)
    item.unit = unit.strip()
    item.note = note.strip()
    item.updated_at = timezone.now()
    item.updated_by = _user(actor)
    item.save()
    after = _snapshot(item)
    if before != after:
        audit.record(
            actor=actor,
            action="stocktake.rule.set",
            object_type="aggregation-rule",
            object_uid=item.uid,
            before=before,
            after=after,
        )
    return item


@action("stocktake.configure")
def remove_rule(*, actor: Actor, indicator: str) -> bool:
    """Remove an indicator's rule, so that the defaults apply; False when it had none."""
    existing = (
        AggregationRule.objects.select_related("weight", "indicator")
        .filter(indicator__uid=indicator)
        .first()
    )
    if existing is None:
        return False
    uid = existing.uid
    before = _snapshot(existing)
    existing.delete()
    audit.record(
        actor=actor,
        action="stocktake.rule.remove",
        object_type="aggregation-rule",
        object_uid=uid,
        before=before,
        after=None,
    )
    return True
