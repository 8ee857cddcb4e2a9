"""``meadow demo generate``: write the illustrative demo data set's files.

Deterministic: the same seed gives byte-identical files, so the committed files can
be checked against the generator. What it writes, under ``meadow/demo/data``:

- ``indicators.csv``: national series of three GBF headline indicators (3.1 coverage
  of protected areas, A.2 extent of natural ecosystems, A.3 Red List Index) for the
  demo countries, in Meadow's CSV format, each with a plausible but invented path;
- ``targets/<ISO3>.json``: each country's national targets in the national targets
  JSON format (docs/national-targets.md), aligned with GBF goals and targets, with
  quantitative elements that contribute to the global elements; most are published,
  a few stay drafts;
- ``commitments.json``: commitments of invented non-state actors;
- ``reports.json``: national reports on the CBD's 7th national report template for
  some of the countries, with answers to every question, at each step of the
  workflow (a draft, in review, approved, submitted, published), and a Ramsar report
  that finds the overlapping answers already given.

Every text says plainly that it is illustrative; none of it is any country's data.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from meadow.demo.themes import ILLUSTRATIVE, THEMES, Theme
from meadow.reports import sample

DATA = Path(__file__).resolve().parent / "data"
SEED = 20301231
FIRST_YEAR, LAST_YEAR = 2000, 2024


@dataclass(frozen=True)
class Country:
    code: str
    themes: int
    reports_until: int  # last year with data (some countries report late)
    landlocked: bool = False


# Spread over the regions, with a SIDS (Fiji) and an LDC (Nepal).
COUNTRIES: tuple[Country, ...] = (
    Country("BRA", 9, 2024),
    Country("COL", 8, 2023),
    Country("MEX", 7, 2022),
    Country("CAN", 8, 2024),
    Country("FRA", 9, 2024),
    Country("DEU", 7, 2023),
    Country("CHN", 9, 2024),
    Country("IND", 8, 2022),
    Country("JPN", 7, 2024),
    Country("KEN", 8, 2023),
    Country("ZAF", 8, 2022),
    Country("AUS", 7, 2024),
    Country("FJI", 6, 2020),
    Country("NPL", 6, 2021, landlocked=True),
)

DATA_NOTE = "Illustrative demo data, not official statistics"


def _round(value: float, digits: int) -> str:
    return f"{value:.{digits}f}"


def indicator_rows(rng: np.random.Generator) -> list[list[str]]:
    """Rows of ``indicators.csv`` (header first)."""
    rows = [["Indicator", "Framework", "Place", "Year", "Value", "Unit", "Comment"]]
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    for country in COUNTRIES:
        span = years[years <= country.reports_until]
        t = span - FIRST_YEAR
        # 3.1: protected area coverage, per cent of land, rising with small steps.
        start = rng.uniform(4, 18)
        slope = rng.uniform(0.15, 0.7)
        steps = np.maximum.accumulate(start + slope * t + rng.normal(0, 0.4, len(t)))
        for year, value in zip(span, np.clip(steps, 0, 100), strict=True):
            rows.append(
                ["3.1", "gbf", country.code, str(year), _round(value, 2), "percent", DATA_NOTE]
            )
        # A.2: extent of natural ecosystems, per cent of land, slowly falling.
        start = rng.uniform(35, 85)
        slope = rng.uniform(-0.45, -0.05)
        values = start + slope * t + rng.normal(0, 0.25, len(t))
        for year, value in zip(span, values, strict=True):
            rows.append(
                ["A.2", "gbf", country.code, str(year), _round(value, 2), "percent", DATA_NOTE]
            )
        # A.3: Red List Index, from 0 (all extinct) to 1 (none threatened), every 4 years.
        start = rng.uniform(0.72, 0.94)
        slope = rng.uniform(-0.004, 0.0005)
        for year in span[::4]:
            value = start + slope * (year - FIRST_YEAR) + rng.normal(0, 0.003)
            rows.append(
                ["A.3", "gbf", country.code, str(year), _round(value, 4), "index", DATA_NOTE]
            )
    return rows


def _fill(template: dict[str, str], value: float | None, year: int) -> dict[str, str]:
    shown = "" if value is None else f"{value:g}"
    return {lang: text.format(v=shown, y=year) for lang, text in template.items()}


def _target(theme: Theme, number: int, rng: np.random.Generator, draft: bool) -> dict:
    year = 2030
    value: float | None = None
    if theme.values:
        value = float(theme.values[int(rng.integers(len(theme.values)))])
    degrees = ["full"] + ["partial"] * (len(theme.aligns) - 1)
    if rng.random() < 0.2:
        degrees[0] = "partial"
    if len(degrees) > 1 and rng.random() < 0.3:
        degrees[-1] = "minimal"
    target: dict = {
        "code": f"T{number}",
        "status": "draft" if draft else "published",
        "title": _fill(theme.title, value, year),
        "text": dict(ILLUSTRATIVE),
        "alignments": [
            {"element": uid, "degree": degree}
            for uid, degree in zip(theme.aligns, degrees, strict=True)
        ],
        "indicators": [{"element": uid} for uid in theme.indicators],
        "quantities": [],
    }
    if theme.global_element and value is not None:
        target["quantities"].append(
            {
                "global_element": theme.global_element,
                "quantity": dict(theme.quantity),
                "unit": theme.unit,
                "value": value,
                "year": year,
            }
        )
    return target


def target_documents(rng: np.random.Generator) -> dict[str, dict]:
    documents: dict[str, dict] = {}
    for country in COUNTRIES:
        open_to = [
            i for i, t in enumerate(THEMES) if not (country.landlocked and t.key == "marine")
        ]
        chosen = sorted(rng.choice(open_to, size=country.themes, replace=False))
        drafts = {int(rng.integers(1, country.themes + 1))}
        documents[country.code] = {
            "country": country.code,
            "targets": [
                _target(THEMES[index], number, rng, number in drafts)
                for number, index in enumerate(chosen, start=1)
            ],
        }
    return documents


COMMITMENT_ACTORS = (
    (
        "Northwind Timber (illustrative)",
        "business",
        ("BRA", "COL"),
        ("gbf/target/2", "gbf/target/15"),
    ),
    ("City of Lakeside (illustrative)", "local-government", ("KEN",), ("gbf/target/12",)),
    ("Coastal Alliance (illustrative)", "ngo", ("FJI", "AUS"), ("gbf/target/3",)),
    (
        "Highland Seed Bank (illustrative)",
        "academia",
        ("NPL", "IND"),
        ("gbf/target/4", "gbf/target/13"),
    ),
    (
        "Green Ledger Bank (illustrative)",
        "financial-institution",
        (),
        ("gbf/target/15", "gbf/target/19"),
    ),
)


def commitment_documents() -> list[dict]:
    return [
        {
            "actor_name": name,
            "actor_type": kind,
            "coverage": (
                "global"
                if not countries
                else "national"
                if len(countries) == 1
                else "multi-country"
            ),
            "countries": list(countries),
            "gbf_targets": list(targets),
            "title": {
                "en": f"Commitment of {name}",
                "fr": f"Engagement de {name}",
                "es": f"Compromiso de {name}",
                "ru": f"Обязательство: {name}",
                "zh": f"{name}的承诺",
                "ar": f"التزام {name}",
            },
            "description": dict(ILLUSTRATIVE),
            "start_year": 2024,
            "end_year": 2030,
        }
        for name, kind, countries, targets in COMMITMENT_ACTORS
    ]


TEMPLATES = Path(__file__).resolve().parents[1] / "reports" / "data"

REPORT_NOTE = "illustrative demo answer, not the country's"

# (country, template, state, share of the questions answered)
REPORTS: tuple[tuple[str, str, str, float], ...] = (
    ("KEN", "cbd-nr7", "published", 1.0),
    ("BRA", "cbd-nr7", "submitted", 1.0),
    ("FRA", "cbd-nr7", "approved", 1.0),
    ("CHN", "cbd-nr7", "in-review", 1.0),
    ("COL", "cbd-nr7", "draft", 0.9),
    ("NPL", "cbd-nr7", "draft", 0.4),
    ("KEN", "ramsar-cop15", "draft", 0.0),
)


def _template(code: str) -> tuple[dict, dict]:
    """A shipped template and the concepts it may use, by uid."""
    import yaml

    shared = yaml.safe_load((TEMPLATES / "concepts.yaml").read_text(encoding="utf-8"))
    doc = yaml.safe_load((TEMPLATES / "templates" / f"{code}.yaml").read_text(encoding="utf-8"))
    concepts = {c["id"]: c for c in shared["concepts"]}
    concepts.update({c["id"]: c for c in doc.get("concepts") or []})
    return doc, concepts


def report_documents(targets: dict[str, dict]) -> list[dict]:
    out = []
    for n, (code, template, state, share) in enumerate(REPORTS):
        doc, concepts = _template(template)
        published = [t["code"] for t in targets[code]["targets"] if t["status"] == "published"]
        country = next(c for c in COUNTRIES if c.code == code)
        # CBD question 1 asks whether the country is landlocked.
        fixed = {"1": "yes" if country.landlocked else "no"} if template == "cbd-nr7" else {}
        answers = sample.answers(doc, concepts, seed=SEED + n, targets=published, fixed=fixed)
        keys = list(answers)
        kept = keys[: round(len(keys) * share)]
        out.append(
            {
                "country": code,
                "template": template,
                "state": state,
                "answers": {
                    key: (
                        f"{answers[key]} ({REPORT_NOTE})"
                        if isinstance(answers[key], str) and answers[key] in sample.SENTENCES
                        else answers[key]
                    )
                    for key in kept
                },
            }
        )
    return out


def render(seed: int = SEED) -> dict[str, str]:
    """File name (relative to the data folder) -> content."""
    rng = np.random.default_rng(seed)
    out: dict[str, str] = {}
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(indicator_rows(rng))
    out["indicators.csv"] = buffer.getvalue()
    documents = target_documents(rng)
    for code, document in documents.items():
        out[f"targets/{code}.json"] = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    out["reports.json"] = (
        json.dumps(report_documents(documents), ensure_ascii=False, indent=1) + "\n"
    )
    out["commitments.json"] = (
        json.dumps(commitment_documents(), ensure_ascii=False, indent=1) + "\n"
    )
    return out


def write(directory: Path = DATA, seed: int = SEED) -> list[Path]:
    written = []
    for name, content in render(seed).items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
