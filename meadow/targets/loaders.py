"""The shipped global quantitative elements of the GBF, loaded with the reference data.

``data/global-elements.json`` lists the numbers of the global targets that national
commitments are added up against (30 % of land and inland waters by 2030, USD 200
billion a year by 2030 ...), each with the clause of decision 15/4 that states it.
The file is checked as a whole before anything is written; loading it again changes
nothing unless the file changed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from meadow.core import i18n
from meadow.core.actors import Actor
from meadow.frameworks.models import Element
from meadow.frameworks.sources import SourceError
from meadow.places.models import WeightSet
from meadow.targets import actions
from meadow.targets.models import Measure

DATA = Path(__file__).resolve().parent / "data"
SHIPPED = DATA / "global-elements.json"
NAME = "global-elements"
DESCRIPTION = "Quantitative elements of the GBF's global targets (decision 15/4)"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


def read(path: Path = SHIPPED) -> list[dict[str, Any]]:
    """The file's elements as rows for ``sync_global_elements``; SourceError if malformed."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(path, f"not a readable JSON file ({exc})") from None
    items = document.get("elements") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise SourceError(path, 'expected an object with a list of "elements"')
    uids = {str(item.get("element")) for item in items if isinstance(item, dict)}
    elements = {e.uid: e for e in Element.objects.filter(uid__in=uids, framework__slug="gbf")}
    bases = set(WeightSet.objects.values_list("slug", flat=True))
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, item in enumerate(items, start=1):
        where = f"elements[{n - 1}]"
        if not isinstance(item, dict):
            raise SourceError(path, "expected an object", element=where)
        code = item.get("code")
        if not isinstance(code, str) or not SLUG.match(code) or code in seen:
            raise SourceError(
                path, f"code {code!r} is missing, malformed or repeated", element=where
            )
        seen.add(code)
        uid = item.get("element")
        if uid not in elements or elements[uid].level not in ("goal", "target"):
            raise SourceError(path, f"{uid!r} is not a GBF goal or target", element=code)
        if item.get("measure") not in Measure.values:
            raise SourceError(path, f"measure must be one of {Measure.values}", element=code)
        basis = item.get("basis")
        if basis is not None and basis not in bases:
            raise SourceError(path, f"basis {basis!r} is not a weight set", element=code)
        if basis is not None and item["measure"] != Measure.SHARE:
            raise SourceError(path, "only a share has a basis", element=code)
        value, year = item.get("value"), item.get("year")
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise SourceError(path, f"value {value!r} is not a positive number", element=code)
        if isinstance(year, bool) or not isinstance(year, int):
            raise SourceError(path, f"year {year!r} is not a year", element=code)
        unit = item.get("unit")
        if not isinstance(unit, str) or not unit or len(unit) > 30:
            raise SourceError(path, "unit must be a text of at most 30 characters", element=code)
        try:
            name = i18n.clean(item.get("name"), field="name")
        except ValueError as exc:
            raise SourceError(path, str(exc), element=code) from None
        missing = [lang for lang in i18n.CONTENT_LANGUAGES if lang not in name]
        if missing:
            raise SourceError(path, f"name has no {', '.join(missing)}", element=code)
        rows.append(
            {
                "code": code,
                "element": uid,
                "name": name,
                "measure": item["measure"],
                "unit": unit,
                "value": float(value),
                "year": year,
                "basis": basis,
                "order": n,
            }
        )
    return rows


def load_global_elements(*, actor: Actor, path: Path = SHIPPED) -> actions.GlobalElementsReport:
    return actions.sync_global_elements(read(path), actor=actor, source=path.name)
