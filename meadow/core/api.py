"""Shared REST pieces: pagination, CSV, the ``lang`` parameter and six-language fields."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from meadow.core import i18n


def language(request: Request) -> str:
    """Content language asked for with ``?lang=`` (default: the interface language)."""
    value = request.query_params.get("lang")
    if not value:
        return i18n.current()
    try:
        return i18n.normalise(value)
    except ValueError:
        message = _("%(value)r is not one of the six UN languages (%(codes)s)") % {
            "value": value,
            "codes": ", ".join(i18n.CONTENT_LANGUAGES),
        }
        raise ValidationError({"lang": [message]}) from None


def choice(request: Request, name: str, choices: list[str]) -> str | None:
    """A query parameter that must be one of ``choices``; absent gives None."""
    value = request.query_params.get(name)
    if value and value not in choices:
        message = _("%(value)r is not one of: %(choices)s") % {
            "value": value,
            "choices": ", ".join(choices),
        }
        raise ValidationError({name: [message]})
    return value or None


LANG_PARAMETER = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    enum=list(i18n.CONTENT_LANGUAGES),
    description=(
        "Language of the single-language text fields (falling back to English); the "
        "plural fields (names, titles...) hold every language."
    ),
)


class SixLanguageText(serializers.DictField):
    """A text in the six UN languages: a mapping of language code to text."""

    child = serializers.CharField()

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)


@extend_schema_field(OpenApiTypes.STR)
class LocalisedText(serializers.Field):
    """A six-language text shown in the language of ``?lang=`` (English when missing)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return i18n.text(value, self.context.get("lang"))


class LocalisedViewSet(viewsets.ReadOnlyModelViewSet):
    """Read-only endpoints whose text fields follow the ``lang`` parameter."""

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "lang": language(self.request)}
