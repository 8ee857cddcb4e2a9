"""Turning codes as written in files into frameworks' indicators and places."""

from __future__ import annotations

import re

from meadow.frameworks.models import Element
from meadow.places.models import Place


class Codes:
    """Lookup tables of every indicator and place code, read once per import."""

    def __init__(self) -> None:
        self.indicators: dict[tuple[str, str], Element] = {}
        for element in Element.objects.filter(level="indicator").select_related("framework"):
            self.indicators[(element.framework.slug, element.code.lower())] = element
        self.places: dict[str, Place] = {}
        for place in Place.objects.all():
            for code in (place.code, place.m49, place.iso2, place.iso3):
                if code:
                    self.places.setdefault(code.upper(), place)

    def indicator(self, code: str, framework: str) -> Element | None:
        """``15-1-1``, ``15.1.1`` and ``C150101``-free SDG codes; GBF codes like ``A.1``."""
        text = code.strip()
        for prefix in ("indicator_", "indicator ", "sdg ", "gbf "):
            if text.lower().startswith(prefix):
                text = text[len(prefix) :]
        normal = re.sub(r"[-_ ]", ".", text).lower()
        frameworks = [framework] if framework else ["sdg", "gbf"]
        for slug in frameworks:
            found = self.indicators.get((slug, normal))
            if found is not None:
                return found
        return None

    def place(self, code: str) -> Place | None:
        text = code.strip().upper()
        if text.isdigit():
            text = text.zfill(3)
        return self.places.get(text)
