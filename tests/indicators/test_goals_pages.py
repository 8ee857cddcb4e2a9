"""Setting baselines and targets through the series and indicator pages, on the real UK sample."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from meadow.audit.models import AuditEntry
from meadow.core.actors import SystemActor
from meadow.indicators.actions import set_goal
from meadow.indicators.models import Assessment, Goal, Series
from meadow.jobs.models import Job

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

SYSTEM = SystemActor("tests")
RED_LIST = "/data/sdg/indicator/15.5.1/GBR"
FOREST = "/data/sdg/indicator/15.1.1/GBR"
HIV = "/data/sdg/indicator/3.3.5/GBR"
UK = "United Kingdom of Great Britain and Northern Ireland"
GOAL = {
    "direction": "1",
    "baseline_year": "2015",
    "baseline_value": "0.96225",
    "target_year": "2030",
    "target_value": "0.97",
    "natural_limit": "1",
    "source": "UK 25 Year Environment Plan",
    "note": "Halt the decline of threatened species.",
}


def red_list() -> Series:
    return Series.objects.get(indicator__uid="sdg/indicator/15.5.1", place__code="GBR")


def forest() -> list[Series]:
    return list(Series.objects.filter(indicator__uid="sdg/indicator/15.1.1", place__code="GBR"))


def text(html: str) -> str:
    """The page's words without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def field_errors(html: str, name: str) -> list[str]:
    """The errors shown next to one field of the goal form."""
    block = re.search(rf'<div class="form__field[^"]*" data-field="{name}">(.*?)</div>', html, re.S)
    assert block, name
    return re.findall(r'<p class="form__error" role="alert">(.*?)</p>', block.group(1))


def un_chart(series: Series) -> dict[str, Any]:
    return Assessment.objects.get(series=series, method="un_chart").inputs


def goal_entries() -> int:
    return AuditEntry.objects.filter(action="indicators.goal.set").count()


def assess_jobs() -> int:
    return Job.objects.filter(kind="assess").count()


def test_staff_sets_the_goal_of_a_series(staff: User, staff_client: Client) -> None:
    series = red_list()
    assert un_chart(series)["target_value"] is None
    html = staff_client.get(series.get_absolute_url()).content.decode()
    # The reference data give the Red List Index a goal (no target) for every place.
    words = text(html)
    assert "Set for The indicator in every place" in words
    assert "Source SDG target 15.5: halt the loss of biodiversity" in words
    assert re.search(r"Set by system:load-reference on \d{4}-\d\d-\d\d \d\d:\d\d", words)
    assert "Set the goal of this series" in html and "csrfmiddlewaretoken" in html
    assert 'name="natural_limit" value="1.0"' in html

    response = staff_client.post(series.get_absolute_url(), GOAL)
    assert response.status_code == 302
    assert response["Location"] == series.get_absolute_url()

    goal = Goal.objects.get(series=series)
    assert (goal.indicator, goal.place) == (series.indicator, series.place)
    assert goal.direction == 1
    assert (goal.baseline_year, goal.baseline_value) == (2015, 0.96225)
    assert (goal.target_year, goal.target_value) == (2030, 0.97)
    assert goal.natural_limit == 1.0
    assert goal.source == "UK 25 Year Environment Plan"
    assert goal.note == "Halt the decline of threatened species."
    entry = AuditEntry.objects.get(action="indicators.goal.set", object_uid=f"series/{series.pk}")
    assert entry.user == staff and entry.before is None
    assert entry.after is not None and entry.after["target_value"] == 0.97

    job = Job.objects.get(kind="assess", created_by=staff)
    assert job.status == Job.Status.DONE
    assert series.pk in job.arguments["series_ids"]
    inputs = un_chart(series)
    assert (inputs["target_value"], inputs["target_year"]) == (0.97, 2030)
    assert inputs["direction"] == 1 and inputs["natural_limit"] == 1.0

    assert Goal.objects.filter(indicator=series.indicator, series=None).count() == 1

    words = text(staff_client.get(series.get_absolute_url()).content.decode())
    assert "The goal is saved. Progress is being reassessed." in words
    assert "Target 0.97 (2030)" in words and "Set for This series" in words
    assert "Source UK 25 Year Environment Plan" in words
    assert re.search(r"Set by ana on \d{4}-\d\d-\d\d \d\d:\d\d", words)


def test_the_series_form_holds_the_goal_in_force(staff_client: Client) -> None:
    series = red_list()
    set_goal(
        actor=SYSTEM,
        indicator=series.indicator,
        place=series.place,
        direction=-1,
        baseline_year=2010,
        target_year=2030,
        target_value=0.9,
        source="A decision for the United Kingdom",
    )
    html = staff_client.get(series.get_absolute_url()).content.decode()
    words = text(html)
    # The place's goal comes before the reference goal for every place.
    assert f"Set for The indicator in {UK}" in words
    assert "Baseline Observed value in 2010" in words
    assert re.search(r"Set by system:tests on \d{4}-", words)
    assert '<option value="-1" selected>' in html
    assert 'name="target_value" value="0.9"' in html
    assert 'name="source" value="A decision for the United Kingdom"' in html

    # Saving the form unchanged gives the series a goal of its own.
    fields = {**GOAL, "direction": "-1", "baseline_year": "2010", "baseline_value": ""}
    fields.update(target_value="0.9", natural_limit="", source="A decision for the United Kingdom")
    assert staff_client.post(series.get_absolute_url(), fields).status_code == 302
    assert Goal.objects.get(series=series).target_value == 0.9
    assert Goal.objects.filter(indicator=series.indicator, series=None).count() == 2


def test_staff_sets_the_goal_of_the_indicator_in_a_place(staff: User, staff_client: Client) -> None:
    html = staff_client.get(FOREST).content.decode()
    assert "Set for The indicator in every place" in text(html)
    assert f"Set the goal of this indicator in {UK}" in html
    fields = {**GOAL, "baseline_value": "", "target_value": "15", "natural_limit": "100"}
    fields["source"] = "Forestry strategy"

    response = staff_client.post(FOREST, fields)
    assert response.status_code == 302 and response["Location"] == FOREST

    goal = Goal.objects.get(indicator__uid="sdg/indicator/15.1.1", place__code="GBR")
    assert goal.series is None
    assert (goal.baseline_year, goal.baseline_value) == (2015, None)
    assert (goal.target_year, goal.target_value, goal.natural_limit) == (2030, 15.0, 100.0)
    entry = AuditEntry.objects.get(
        action="indicators.goal.set", object_uid="sdg/indicator/15.1.1@GBR"
    )
    assert entry.user == staff
    job = Job.objects.get(kind="assess", created_by=staff)
    assert set(job.arguments["series_ids"]) == {s.pk for s in forest()}
    for series in forest():
        assert (un_chart(series)["target_value"], un_chart(series)["target_year"]) == (15.0, 2030)

    words = text(staff_client.get(FOREST).content.decode())
    assert "The goal is saved. Progress is being reassessed." in words
    assert f"Set for The indicator in {UK}" in words and "Source Forestry strategy" in words
    assert re.search(r"Set by ana on \d{4}-", words)
    headline = text(staff_client.get(forest()[0].get_absolute_url()).content.decode())
    assert f"Set for The indicator in {UK}" in headline


def test_an_indicator_without_a_goal(staff_client: Client) -> None:
    html = staff_client.get(HIV).content.decode()
    assert f"No baseline or target has been set for this indicator in {UK}." in html
    assert '<option value="" selected>' in html, "the direction is the user's choice"


def test_the_place_page_counts_series_with_their_own_goal(staff_client: Client) -> None:
    series = forest()[0]
    set_goal(
        actor=SYSTEM,
        indicator=series.indicator,
        series=series,
        direction=1,
        source="Own goal",
    )
    words = text(staff_client.get(FOREST).content.decode())
    assert "1 series here has a goal of its own, which comes before this one." in words


@pytest.mark.parametrize(
    ("change", "field", "error"),
    [
        ({"target_year": ""}, "target_year", "Give the year the target is for."),
        ({"target_value": ""}, "target_value", "Give the target value for this year."),
        (
            {"baseline_year": "2031"},
            "target_year",
            "The target year must come after the baseline year.",
        ),
        ({"baseline_year": ""}, "baseline_year", "Give the year of the baseline value."),
        ({"source": ""}, "source", "This field is required."),
        ({"direction": ""}, "direction", "This field is required."),
        (
            {"target_year": "20300"},
            "target_year",
            "Ensure this value is less than or equal to 2100.",
        ),
    ],
)
@pytest.mark.parametrize("where", ["series", "place"])
def test_invalid_goals_show_the_error_and_change_nothing(
    staff_client: Client, where: str, change: dict[str, str], field: str, error: str
) -> None:
    url = red_list().get_absolute_url() if where == "series" else RED_LIST
    before = (Goal.objects.count(), goal_entries(), assess_jobs())
    response = staff_client.post(url, {**GOAL, **change})
    assert response.status_code == 400
    html = response.content.decode()
    assert field_errors(html, field) == [error]
    # What the user typed stays in the form.
    assert 'value="UK 25 Year Environment Plan"' in html or field == "source"
    assert (Goal.objects.count(), goal_entries(), assess_jobs()) == before


def test_a_refusal_of_the_action_is_a_form_error(
    staff_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(**_: Any) -> Goal:
        raise ValueError("target: give both a value and a year, or neither")

    monkeypatch.setattr("meadow.indicators.forms.set_goal", refuse)
    jobs = assess_jobs()
    response = staff_client.post(RED_LIST, GOAL)
    assert response.status_code == 400
    assert "target: give both a value and a year, or neither" in response.content.decode()
    assert assess_jobs() == jobs


def test_visitors_may_not_set_goals(visitor_client: Client) -> None:
    series = red_list()
    before = (Goal.objects.count(), goal_entries(), assess_jobs())
    for url in (series.get_absolute_url(), RED_LIST):
        html = visitor_client.get(url).content.decode()
        assert "csrfmiddlewaretoken" not in html.split('<main id="content"')[1]
        assert visitor_client.post(url, GOAL).status_code == 403
        # Refused before the form is read: invalid input gets no error list either.
        assert visitor_client.post(url, {}).status_code == 403
    assert (Goal.objects.count(), goal_entries(), assess_jobs()) == before


def test_anonymous_users_are_sent_to_sign_in(client: Client) -> None:
    series = red_list()
    before = (Goal.objects.count(), goal_entries(), assess_jobs())
    for url in (series.get_absolute_url(), RED_LIST):
        assert "Save the goal" not in client.get(url).content.decode()
        response = client.post(url, GOAL)
        assert response.status_code == 302
        assert response["Location"] == f"/admin/login/?next={url}"
    assert (Goal.objects.count(), goal_entries(), assess_jobs()) == before


def test_the_goal_forms_check_csrf(staff: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    url = red_list().get_absolute_url()
    before = (Goal.objects.count(), goal_entries(), assess_jobs())
    assert client.post(url, GOAL).status_code == 403
    assert client.post(RED_LIST, GOAL).status_code == 403
    assert (Goal.objects.count(), goal_entries(), assess_jobs()) == before
    html = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token
    assert client.post(url, {**GOAL, "csrfmiddlewaretoken": token.group(1)}).status_code == 302
    assert Goal.objects.filter(series=red_list()).exists()


def test_the_goal_form_in_french(staff_client: Client) -> None:
    french = {"Accept-Language": "fr"}
    # The middleware leaves French active in this thread; give later tests their language back.
    with translation.override(translation.get_language()):
        html = staff_client.get(red_list().get_absolute_url(), headers=french).content.decode()
        response = staff_client.post(RED_LIST, {**GOAL, "baseline_year": "2031"}, headers=french)
    assert "Set the goal of this series" not in html
    assert ">Année de référence</label>" in html and ">Valeur cible</label>" in html
    # The page escapes the apostrophes.
    assert field_errors(response.content.decode(), "target_year") == [
        "L&#x27;année cible doit être postérieure à l&#x27;année de référence."
    ]
