"""The illustrative demo data set: its files, and loading them through the actions."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from meadow.audit.models import AuditEntry
from meadow.commitments.models import Commitment
from meadow.demo import generate, load
from meadow.demo.models import DemoLoad
from meadow.demo.themes import ILLUSTRATIVE, THEMES
from meadow.frameworks.models import Element
from meadow.indicators.models import Observation
from meadow.parties.models import Party
from meadow.targets.models import GlobalElement, NationalTarget

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]
DEMO_COUNTRIES = {c.code for c in generate.COUNTRIES}


def test_committed_files_are_what_the_generator_writes() -> None:
    rendered = generate.render()
    for name, content in rendered.items():
        assert (generate.DATA / name).read_text(encoding="utf-8") == content, name
    call_command("demo", "check", verbosity=0)


def test_generator_is_deterministic_and_seeded() -> None:
    assert generate.render() == generate.render()
    assert generate.render(1) != generate.render()


def test_every_theme_is_written_in_six_languages_with_its_placeholders() -> None:
    for theme in THEMES:
        assert set(theme.title) == set(ILLUSTRATIVE) == {"ar", "en", "es", "fr", "ru", "zh"}
        for text in theme.title.values():
            assert "{y}" in text
            assert ("{v}" in text) == bool(theme.values), (theme.key, text)


def test_demo_countries_are_cbd_parties_and_references_exist() -> None:
    cbd = Party.objects.filter(convention__code="cbd")
    assert set(cbd.values_list("place__code", flat=True)) >= DEMO_COUNTRIES
    uids = set(Element.objects.values_list("uid", flat=True))
    codes = set(GlobalElement.objects.values_list("code", flat=True))
    for theme in THEMES:
        assert set(theme.aligns) <= uids, theme.key
        assert set(theme.indicators) <= uids, theme.key
        assert not theme.global_element or theme.global_element in codes, theme.key


def test_no_landlocked_country_gets_a_marine_target() -> None:
    document = json.loads((generate.DATA / "targets" / "NPL.json").read_text(encoding="utf-8"))
    elements = {q["global_element"] for t in document["targets"] for q in t["quantities"]}
    assert "gbf-3-marine" not in elements


@override_settings(JOBS_SYNC=True)
def test_load_goes_through_the_actions_and_runs_once() -> None:
    documents = {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in (generate.DATA / "targets").glob("*.json")
    }
    expected_targets = sum(len(d["targets"]) for d in documents.values())
    expected_published = sum(
        1 for d in documents.values() for t in d["targets"] if t["status"] == "published"
    )
    csv_rows = (generate.DATA / "indicators.csv").read_text(encoding="utf-8").count("\n") - 1

    report = load.load()

    assert report.loaded
    assert set(report.countries) == DEMO_COUNTRIES
    demo_targets = NationalTarget.objects.filter(country__code__in=DEMO_COUNTRIES)
    assert demo_targets.count() == report.targets == expected_targets
    assert demo_targets.filter(status="published").count() == expected_published
    assert demo_targets.exclude(status="published").count() == len(DEMO_COUNTRIES)
    for target in demo_targets:
        assert target.text == ILLUSTRATIVE
    assert Observation.objects.filter(series__place__code__in=DEMO_COUNTRIES).count() == csv_rows
    published = Commitment.objects.filter(status="published", actor_name__contains="illustrative")
    assert published.count() == report.commitments == len(generate.COMMITMENT_ACTORS)
    # Audited like any other change, as the demo loader.
    assert AuditEntry.objects.filter(actor="system:demo", action="target.publish").count() == (
        expected_published
    )
    # The national reports stand at the states the file gives; the Ramsar report is
    # answered from the facts the CBD report gave.
    from meadow.reports import document, workflow
    from meadow.reports.models import Report

    planned = json.loads((generate.DATA / "reports.json").read_text(encoding="utf-8"))
    assert report.reports == len(planned) == Report.objects.count()
    for item in planned:
        made = Report.objects.get(country__code=item["country"], template__code=item["template"])
        assert workflow.state(made) == item["state"]
    published = Report.objects.get(country__code="KEN", template__code="cbd-nr7")
    assert published.snapshots.count() == 1 and workflow.verify(published.snapshots.get())
    ramsar = document.assemble(Report.objects.get(template__code="ramsar-cop15"))
    prefilled = [q for q in ramsar.questions() if q.prefilled_from]
    assert prefilled and all(q.prefilled_from == published.uid for q in prefilled)
    entries = AuditEntry.objects.count()

    again = load.load()

    assert not again.loaded
    assert AuditEntry.objects.count() == entries
    assert DemoLoad.objects.count() == 1


@override_settings(JOBS_SYNC=True)
def test_every_page_says_the_data_are_illustrative_once_loaded(client: Client) -> None:
    notice = "illustrative demo data set"
    assert notice not in client.get("/").content.decode()
    load.load()
    for url in ("/", "/stocktake/target/3", "/place/KEN"):
        assert notice in client.get(url).content.decode(), url
