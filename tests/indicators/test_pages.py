"""The indicator-data pages on the real UK sample, the import page and undo through the page."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from meadow.core.actors import SystemActor
from meadow.indicators import charts, uploads, views
from meadow.indicators.actions import set_goal
from meadow.indicators.models import Assessment, Import, Observation, Series
from meadow.jobs.models import Job
from tests.indicators.conftest import SAMPLE, zip_entries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

SYSTEM = SystemActor("tests")
FOREST = "/data/sdg/indicator/15.1.1/GBR"
RED_LIST = "/data/sdg/indicator/15.5.1/GBR"


def page(client: Client, url: str, language: str = "") -> str:
    headers = {"Accept-Language": language} if language else {}
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode("utf-8")


def text(html: str) -> str:
    """The page's words without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def red_list() -> Series:
    return Series.objects.get(indicator__uid="sdg/indicator/15.5.1", place__code="GBR")


def test_url_names() -> None:
    assert reverse("data-index") == "/data/"
    assert reverse("import-form") == "/data/import"
    assert reverse("import-job", args=[7]) == "/data/import/7"
    assert reverse("series-detail", args=[3]) == "/series/3"
    assert reverse("import-list") == "/imports/"
    assert reverse("import-detail", args=[3]) == "/imports/3"
    assert (
        reverse("indicator-place", args=["sdg", "indicator", "15.1.1", "GBR"])
        == "/data/sdg/indicator/15.1.1/GBR"
    )


def test_data_index_counts_each_indicator_in_each_place(client: Client) -> None:
    html = page(client, "/data/")
    row = re.search(
        r'<tr data-indicator="sdg/indicator/15.1.1" data-place="GBR">(.*?)</tr>', html, re.S
    )
    assert row, "15.1.1 in the United Kingdom is listed"
    cells = re.findall(r'<td class="number">(\d*)</td>', row.group(1))
    assert cells == ["15", "249", "2022"]
    assert f'href="{FOREST}"' in row.group(1)
    for uid in ("3.3.5", "15.5.1", "15.a.1"):
        assert f'data-indicator="sdg/indicator/{uid}" data-place="GBR"' in html
    assert 'aria-current="page">Data</a>' in html
    only = page(client, "/data/?indicator=sdg/indicator/15.5.1")
    assert "15.5.1" in only and 'data-indicator="sdg/indicator/15.1.1"' not in only


def test_data_index_in_chinese(client: Client) -> None:
    html = page(client, "/data/", language="zh-hans")
    assert "<h1>指标数据</h1>" in html
    assert "大不列颠及北爱尔兰联合王国" in html


def test_indicator_in_a_place(client: Client) -> None:
    html = page(client, FOREST)
    assert "<title>Indicator 15.1.1 · United Kingdom of Great Britain and Northern Ireland" in html
    # The total series is the headline, charted with its numbers in a table below.
    assert '<svg class="chart"' in html and 'role="img"' in html
    assert "10 observations from 2013 (12.89) to 2022 (13.35)." in html
    assert '<td class="number">13.3475668985398</td>' in html
    series_rows = re.findall(r'<tr data-series="(\d+)">', html)
    assert len(series_rows) == 15
    assert "Country: Wales, GeoCode: W92000004, Sustainably managed status: Certified" in html
    assert (
        "/api/v1/series/?indicator=sdg/indicator/15.1.1&amp;place=GBR&amp;format=sdmx-json" in html
    )


def test_indicator_page_shows_progress_badges(client: Client) -> None:
    html = page(client, RED_LIST)
    assert Assessment.objects.filter(series=red_list()).exists()
    assert 'class="progress-badge progress-badge--' in html
    for item in Assessment.objects.filter(series=red_list()):
        assert f'data-method="{item.method}"' in html


def test_data_pages_that_do_not_exist(client: Client) -> None:
    assert client.get("/data/sdg/indicator/15.1.1/FRA").status_code == 404
    assert client.get("/data/sdg/indicator/99.9.9/GBR").status_code == 404
    assert client.get("/data/sdg/indicator/15.1.1/XXX").status_code == 404
    assert client.get("/series/999999").status_code == 404
    assert client.get("/imports/999999").status_code == 404


def test_series_page_chart_goal_projection_and_observations(client: Client) -> None:
    series = red_list()
    set_goal(
        actor=SYSTEM,
        indicator=series.indicator,
        series=series,
        direction=1,
        baseline_year=2015,
        baseline_value=0.96225,
        target_year=2030,
        target_value=0.97,
    )
    item = series.assessments.first()
    assert item is not None
    item.inputs = {**item.inputs, "projected_value": 0.9625, "target_year": 2030}
    item.save()
    html = page(client, series.get_absolute_url())
    assert 'class="chart__baseline"' in html and 'class="chart__target"' in html
    assert 'class="chart__projection"' in html
    assert "Target: 0.97 by 2030" in html and "Baseline: 0.9623 in 2015" in html
    assert "Projection: 0.9625 in 2030" in html
    # Axes: years along the bottom, values up the side.
    assert ">2000</text>" in html and ">2030</text>" in html
    assert re.search(r">0\.970*</text>", html), "the value axis reaches the target"
    words = text(html)
    assert "Desired direction Increase" in words
    assert "Baseline 0.96225 (2015)" in words and "Target 0.97 (2030)" in words
    record = Import.objects.get(name="opensdg-uk-sample")
    assert words.count(f"Import {record.pk} row") == 24
    assert '<th scope="row">2023</th>' in html and "0.96214" in html
    assert f'data-method="{item.method}"' in html


def test_series_page_of_a_series_without_goal_or_assessment(client: Client) -> None:
    series = Series.objects.filter(
        indicator__uid="sdg/indicator/3.3.5", place__code="GBR", disaggregation={}
    ).first()
    assert series is not None
    Assessment.objects.filter(series=series).delete()
    html = page(client, series.get_absolute_url())
    assert "No baseline or target has been set for this series." in html
    assert "chart__target" not in html and "progress-badge" not in html


def test_element_page_links_to_its_data(client: Client) -> None:
    html = page(client, "/sdg/indicator/15.1.1")
    assert 'href="/data/?indicator=sdg/indicator/15.1.1"' in html
    assert "/data/?indicator" not in page(client, "/sdg/indicator/1.1.1")


def test_import_list_and_detail(client: Client) -> None:
    record = Import.objects.get(name="opensdg-uk-sample")
    html = page(client, "/imports/")
    assert f'<tr data-import="{record.pk}">' in html
    assert f'<code title="{record.checksum}">{record.checksum[:12]}</code>' in html
    detail = page(client, record.get_absolute_url())
    words = text(detail)
    assert "Added 673" in words and "Removed 0" in words
    assert "indicator_15-1-1.csv" in detail and record.files[0]["sha256"] in detail
    assert "placeholder: the file has no data yet" in detail
    assert "Page 1 of 14" in words
    assert "Undo this import" not in detail  # visitors may not undo
    second = page(client, f"{record.get_absolute_url()}?page=2")
    assert "Page 2 of 14" in text(second)
    assert 'href="/data/sdg/indicator/15.5.1/GBR"' in detail


# The import page ------------------------------------------------------------------------


def upload(client: Client, content: bytes, name: str, **fields: str) -> Any:
    data = {"format": "opensdg", "place": "", "framework": "", **fields}
    data["file"] = SimpleUploadedFile(name, content, "application/zip")  # type: ignore[assignment]
    return client.post("/data/import", data)


def test_import_page_needs_a_staff_member(client: Client, visitor_client: Client) -> None:
    response = client.get("/data/import")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/data/import"
    assert visitor_client.get("/data/import").status_code == 403
    assert upload(visitor_client, b"", "x.zip", place="GBR").status_code == 403
    assert not Job.objects.filter(kind="import", created_by__isnull=False).exists()


def test_import_form_offers_formats_places_and_frameworks(staff_client: Client) -> None:
    html = page(staff_client, "/data/import")
    assert '<option value="opensdg">' in html
    assert '<option value="GBR">United Kingdom of Great Britain and Northern Ireland (GBR)' in html
    assert '<option value="sdg">' in html
    assert 'enctype="multipart/form-data"' in html and "csrfmiddlewaretoken" in html


def test_import_a_zipped_open_sdg_folder(
    staff_client: Client, sample_zip: bytes, staff: User, settings: Any
) -> None:
    response = upload(staff_client, sample_zip, "uk sample.zip", place="IRL")
    assert response.status_code == 302
    job = Job.objects.get(kind="import", created_by=staff)
    assert response["Location"] == f"/data/import/{job.pk}"
    assert job.status == Job.Status.DONE, job.error
    assert job.result is not None
    record = Import.objects.get(pk=job.result["import"])
    assert (record.name, record.actor, record.user, record.added) == (
        "uk_sample.zip",
        "ana",
        staff,
        673,
    )
    assert Observation.objects.filter(series__place__code="IRL").count() == 673
    html = page(staff_client, response["Location"])
    assert "673 added, 0 changed, 0 removed, 0 unchanged." in html
    assert f'href="/imports/{record.pk}"' in html
    assert "placeholder: the file has no data yet" in html  # warnings are listed
    # The upload does not outlive its job.
    assert list((Path(settings.MEDIA_ROOT) / "uploads").iterdir()) == []


def test_importing_what_is_stored_changes_nothing(staff_client: Client, sample_zip: bytes) -> None:
    before = Import.objects.count()
    response = upload(staff_client, sample_zip, "sample.zip", place="GBR")
    html = page(staff_client, response["Location"])
    assert "Nothing to change" in html
    assert Import.objects.count() == before


def test_a_bad_file_gives_the_whole_error_list(staff_client: Client) -> None:
    good = (SAMPLE / "data" / "indicator_15-5-1.csv").read_text(encoding="utf-8")
    bad = good.replace("0.96362", "n/a").replace("2006,", "20x6,")
    archive = zip_entries(
        {"data/indicator_15-5-1.csv": bad, "data/indicator_99-9-9.csv": "Year,Value\n2015,1\n"}
    )
    before = (Observation.objects.count(), Import.objects.count())
    response = upload(staff_client, archive, "bad.zip", place="GBR")
    job = Job.objects.get(kind="import", status=Job.Status.FAILED)
    assert "nothing was imported" in job.error
    html = page(staff_client, response["Location"])
    assert "problems: nothing was imported" in html
    rows = re.findall(
        r'<tr data-code="([-a-z]*)">\s*<td><code>([^<]*)</code></td>\s*<td>[^<]*</td>\s*'
        r'<td class="number">(\d*)</td>\s*<td>([^<]*)</td>\s*<td lang="en" dir="ltr">([^<]*)</td>',
        html,
    )
    found = {(code, file, row, column) for code, file, row, column, _reason in rows}
    assert ("not-a-number", "indicator_15-5-1.csv", "5", "Value") in found
    assert ("bad-period", "indicator_15-5-1.csv", "8", "Year") in found
    assert any(code == "unknown-indicator" for code, *_ in found)
    reasons = [reason for *_, reason in rows]
    assert "&#x27;n/a&#x27; is not a number" in reasons
    assert (Observation.objects.count(), Import.objects.count()) == before


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        ({"../evil.csv": "Year,Value\n"}, "the path points outside the archive"),
        ({"/etc/evil.csv": "Year,Value\n"}, "the path points outside the archive"),
        ({"data\\..\\..\\evil.csv": "Year,Value\n"}, "the path points outside the archive"),
    ],
)
def test_unsafe_archives_are_refused(
    staff_client: Client, entries: dict[str, str], reason: str
) -> None:
    response = upload(staff_client, zip_entries(entries), "evil.zip", place="GBR")
    html = page(staff_client, response["Location"])
    assert reason in html
    assert "problem: nothing was imported" in html


def test_links_big_and_crowded_archives_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        link = zipfile.ZipInfo("data/indicator_15-5-1.csv")
        link.external_attr = 0o120777 << 16  # a symbolic link
        bundle.writestr(link, "/etc/passwd")
    (problem,) = uploads.unpack_zip(archive, tmp_path / "out")
    assert problem.reason == "a symbolic link" and problem.location.column.endswith(".csv")
    assert not (tmp_path / "out").exists()

    crowded = tmp_path / "crowded.zip"
    crowded.write_bytes(zip_entries({f"data/f{i}.csv": "x" for i in range(6)}))
    monkeypatch.setattr(uploads, "MAX_ARCHIVE_FILES", 5)
    monkeypatch.setattr(uploads, "MAX_UNPACKED_BYTES", 4)
    reasons = sorted(p.reason for p in uploads.unpack_zip(crowded, tmp_path / "out"))
    assert reasons == [
        "0 MB once unpacked; at most 0 MB are accepted",
        "6 entries; at most 5 are accepted",
    ]
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really")
    assert [p.code for p in uploads.unpack_zip(broken, tmp_path / "out")] == ["bad-archive"]


def test_a_folder_format_needs_a_zip(staff_client: Client) -> None:
    response = upload(staff_client, b"Year,Value\n", "indicator_15-5-1.csv", place="GBR")
    assert response.status_code == 200
    assert "upload it as a .zip archive" in response.content.decode()
    assert not Job.objects.filter(kind="import", created_by__isnull=False).exists()


def test_the_import_form_checks_csrf(staff: User, sample_zip: bytes) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    assert upload(client, sample_zip, "sample.zip", place="IRL").status_code == 403


def test_an_import_job_page_is_its_owners(
    staff_client: Client, visitor_client: Client, sample_zip: bytes
) -> None:
    response = upload(staff_client, sample_zip, "sample.zip", place="IRL")
    assert visitor_client.get(response["Location"]).status_code == 404
    assert Client().get(response["Location"]).status_code == 302


# Undo through the page ------------------------------------------------------------------


def test_undo_an_import_through_its_page(
    staff_client: Client, visitor_client: Client, sample_zip: bytes
) -> None:
    upload(staff_client, sample_zip, "sample.zip", place="IRL")
    record = Import.objects.get(name="sample.zip")
    html = page(staff_client, record.get_absolute_url())
    assert "Undo this import" in html
    assert visitor_client.post(record.get_absolute_url()).status_code == 403
    response = staff_client.post(record.get_absolute_url())
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == Import.Status.UNDONE and record.undone_by == "ana"
    assert not Observation.objects.filter(series__place__code="IRL").exists()
    again = staff_client.post(record.get_absolute_url())
    assert again.status_code == 409
    assert "This import cannot be undone:" in again.content.decode()
    assert f"import {record.pk} is undone" in again.content.decode()


def test_undo_refused_when_a_later_import_changed_the_same_rows(
    staff_client: Client, sample_zip: bytes
) -> None:
    upload(staff_client, sample_zip, "sample.zip", place="IRL")
    first = Import.objects.get(name="sample.zip")
    good = (SAMPLE / "data" / "indicator_15-5-1.csv").read_text(encoding="utf-8")
    changed = zip_entries({"data/indicator_15-5-1.csv": good.replace("0.96362", "0.97")})
    upload(staff_client, changed, "later.zip", place="IRL")
    later = Import.objects.get(name="later.zip")
    assert later.changed == 1
    response = staff_client.post(first.get_absolute_url())
    assert response.status_code == 409
    assert f"import {later.pk} changed the same observations later" in response.content.decode()


# What the pages draw --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "stored", "label", "tone"),
    [
        ("open_sdg", "on_track", "On track", "on-track"),
        ("open_sdg", "REGRESSING", "Deterioration", "regressing"),
        ("un_chart", "Limited or marginal progress", "Limited or marginal progress", "limited"),
        ("eurostat", "achieved", "Target achieved", "achieved"),
        ("escap", "limited", "Limited", "limited"),
        ("open_sdg", "fewer than two observations", "fewer than two observations", "not-assessed"),
        ("a_new_method", "moderate", "Moderate", "moderate"),
    ],
)
def test_progress_badges(method: str, stored: str, label: str, tone: str) -> None:
    shown = views.badge(method, stored, None)
    assert (shown.label, shown.tone) == (label, tone)


def test_chart_axes_and_labels() -> None:
    assert charts.nice_ticks(0.9618, 0.9651) == [0.961, 0.962, 0.963, 0.964, 0.965, 0.966]
    assert charts.nice_ticks(0, 1) == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert charts.nice_ticks(5, 5) == [4.5, 4.75, 5.0, 5.25, 5.5]
    assert charts.year_ticks(1999.5, 2030) == [2000, 2005, 2010, 2015, 2020, 2025, 2030]
    assert charts.year_ticks(2013, 2022) == list(range(2013, 2023))
    assert charts.number(0.96214) == "0.9621"
    assert charts.number(1234567.8) == "1,234,568"
    assert charts.number(0.9625, 0.0025) == "0.9625"
    assert charts.period_x(date(2015, 1, 1), date(2015, 12, 31)) == 2015.0
    assert 2014.2 < charts.period_x(date(2014, 4, 1), date(2015, 3, 31)) < 2014.3


def test_chart_svg_is_accessible_and_escaped() -> None:
    points = [charts.Point(2015, 1.0, "2015"), charts.Point(2016, 2.0, "<2016>")]
    svg = str(
        charts.series_chart(
            points, chart_id="c1", title="Forest <area>", description="Two & more", unit="%"
        )
    )
    assert svg.startswith('<svg class="chart"') and 'role="img"' in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Forest &lt;area&gt;</title>' in svg
    assert '<desc id="c1-desc">Two &amp; more</desc>' in svg
    assert "<title>&lt;2016&gt;: 2</title>" in svg
    assert svg.count('class="chart__point"') == 2 and "chart__line" in svg
    assert "chart__projection" not in svg
    assert str(charts.series_chart([], chart_id="c2", title="", description="")) == ""
