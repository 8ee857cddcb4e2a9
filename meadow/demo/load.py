"""Loading the illustrative demo data set through the same actions people use.

Indicator data go through the indicator import, national targets through the national
targets import (then those marked published are published), and commitments are
registered by a demo account per organisation, submitted and approved. Loading again
changes nothing: the files' digest is kept in a ``DemoLoad`` row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from meadow.commitments import actions as commitments
from meadow.commitments.models import Commitment
from meadow.core.actors import SystemActor
from meadow.demo.generate import DATA
from meadow.demo.models import DemoLoad
from meadow.indicators import actions as indicators
from meadow.indicators.formats.base import ReadOptions
from meadow.targets import actions as targets

ACTOR = SystemActor("demo")
IMPORT_NAME = "Illustrative demo data"

Progress = Callable[[str], None]


@dataclass
class DemoReport:
    loaded: bool = False
    observations: int = 0
    targets: int = 0
    published: int = 0
    commitments: int = 0
    reports: int = 0
    countries: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.loaded:
            return "demo data: already loaded, nothing changed"
        return (
            f"demo data: {len(self.countries)} countries, {self.observations} observations, "
            f"{self.targets} national targets ({self.published} published), "
            f"{self.commitments} commitments, {self.reports} national reports"
        )


def files(directory: Path = DATA) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file())


def digest(directory: Path = DATA) -> str:
    sha = hashlib.sha256()
    for path in files(directory):
        sha.update(path.relative_to(directory).as_posix().encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()


def load(directory: Path = DATA, progress: Progress | None = None) -> DemoReport:
    """Load the demo files (all or nothing); a no-op when these very files are loaded."""
    say = progress or (lambda _step: None)
    report = DemoReport()
    stamp = digest(directory)
    if DemoLoad.objects.filter(digest=stamp).exists():
        return report
    with transaction.atomic():
        say("indicator data")
        result = indicators.import_data(
            directory / "indicators.csv",
            actor=ACTOR,
            format="csv",
            options=ReadOptions(),
            name=IMPORT_NAME,
        )
        report.observations = result.added + result.changed + result.unchanged
        for path in sorted((directory / "targets").glob("*.json")):
            document = json.loads(path.read_text(encoding="utf-8"))
            country = document["country"]
            say(f"national targets of {country}")
            report.countries.append(country)
            targets.import_targets(path, actor=ACTOR, country=country, format="json")
            for item in document["targets"]:
                report.targets += 1
                if item.get("status") == "published":
                    targets.publish_target(actor=ACTOR, country=country, code=item["code"])
                    report.published += 1
        say("commitments")
        report.commitments = _load_commitments(directory / "commitments.json")
        reports_file = directory / "reports.json"
        if reports_file.exists():
            say("national reports")
            report.reports = _load_reports(reports_file)
        DemoLoad.objects.create(countries=report.countries, digest=stamp)
    report.loaded = True
    return report


def _load_commitments(path: Path) -> int:
    count = 0
    for item in json.loads(path.read_text(encoding="utf-8")):
        if Commitment.objects.filter(actor_name=item["actor_name"]).exists():
            continue
        owner = _demo_account(item["actor_name"])
        data = commitments.CommitmentInput(
            actor_name=item["actor_name"],
            actor_type=item["actor_type"],
            title=item["title"],
            description=item["description"],
            coverage=item["coverage"],
            countries=item["countries"],
            gbf_targets=item["gbf_targets"],
            start_year=item["start_year"],
            end_year=item["end_year"],
        )
        commitment = commitments.create(data, actor=owner, source=path.name)
        commitments.submit(commitment, actor=owner, owner_id=owner.pk, source=path.name)
        for country in item["countries"] or [None]:
            commitment.refresh_from_db()
            commitments.review(commitment, actor=ACTOR, country=country, decision="approved")
        count += 1
    return count


# The workflow steps that lead from a draft to each state.
PATHS = {
    "draft": (),
    "in-review": ("submit-for-review",),
    "approved": ("submit-for-review", "approve"),
    "submitted": ("submit-for-review", "approve", "submit"),
    "published": ("submit-for-review", "approve", "submit", "publish"),
}


def _load_reports(path: Path) -> int:
    """Open each report, answer it through the report and take it to its state."""
    from meadow.reports import editing, workflow
    from meadow.reports.models import Template

    count = 0
    for item in json.loads(path.read_text(encoding="utf-8")):
        template = Template.objects.filter(code=item["template"]).order_by("-loaded_at").first()
        if template is None:
            continue
        country = item["country"]
        made = workflow.open_report(actor=ACTOR, country=country, template=template)
        if made.transitions.exists():
            continue
        for key, value in item["answers"].items():
            editing.save_answer(
                actor=ACTOR, country=country, report=made, question=key, value=value
            )
        for step in PATHS[item["state"]]:
            workflow.move(made, step, actor=ACTOR, country=country)
        count += 1
    return count


def _demo_account(organisation: str) -> Any:
    """The account that registers an organisation's commitment; it cannot sign in."""
    User = get_user_model()
    username = f"demo-{slugify(organisation)}"[:150]
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
