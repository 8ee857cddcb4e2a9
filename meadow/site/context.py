"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

import meadow
from meadow.core import i18n


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "meadow_version": meadow.__version__,
        "content_language": i18n.current(),
        "interface_languages": [
            (code, translation.get_language_info(code)["name_local"]) for code, _ in settings.LANGUAGES
        ],
    }
