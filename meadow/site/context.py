"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

import meadow
from meadow.core import i18n

# Each language in its own name, as the UN's sites write them, so a reader finds theirs
# whatever the interface language is.
LANGUAGE_NAMES = {
    "ar": "العربية",
    "zh-hans": "中文",
    "en": "English",
    "fr": "Français",
    "ru": "Русский",
    "es": "Español",
}


def language_name(code: str) -> str:
    """A language's name in that language."""
    return LANGUAGE_NAMES.get(code) or translation.get_language_info(code)["name_local"]


# Which navigation entry a page belongs to, by its URL name.
SECTIONS = {
    "framework-list": "frameworks",
    "framework-detail": "frameworks",
    "element-detail": "frameworks",
    "crosswalk-index": "crosswalks",
    "crosswalk": "crosswalks",
    "place-list": "places",
    "place-detail": "places",
    "group-list": "groups",
    "group-detail": "groups",
}


def demo_loaded() -> bool:
    """Whether the illustrative demo data set is in this database (read when a page asks)."""
    from meadow.demo.models import DemoLoad

    return DemoLoad.objects.exists()


def site(request: HttpRequest) -> dict[str, Any]:
    match = request.resolver_match
    return {
        "nav_section": SECTIONS.get(match.url_name or "", "") if match else "",
        "meadow_version": meadow.__version__,
        "content_language": i18n.current(),
        "demo_data": demo_loaded,
        "interface_languages": [(code, language_name(code)) for code, _ in settings.LANGUAGES],
    }
