"""In a real Chromium: import through the web page, a bad file's error list, then chart and badge.

The server runs as a user starts it, with background jobs in a thread of the web
process, so the page's progress polling and the job's commit are the real ones.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import meadow, needs_chromium, running_server, server_environment
from tests.indicators.conftest import SAMPLE, zip_entries, zip_folder

USER = "curator"
PASSWORD = "a long password for the browser test"

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Meadow server with a staff account, jobs in a thread of the web process."""
    env = server_environment(
        tmp_path_factory.mktemp("meadow-data"),
        MEADOW_JOBS_SYNC="false",
        DJANGO_SUPERUSER_USERNAME=USER,
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        DJANGO_SUPERUSER_EMAIL="curator@example.org",
    )
    with running_server(env) as url:
        meadow("createsuperuser", "--noinput", env=env)
        yield url


def sign_in_and_open_the_import_page(server: str, page: Page) -> None:
    page.goto(f"{server}/data/import")
    # Visitors are sent to sign in first, and come back to the form.
    expect(page).to_have_url(f"{server}/admin/login/?next=/data/import")
    page.fill("#id_username", USER)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{server}/data/import")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import data")


def submit(page: Page, archive: Path) -> None:
    page.get_by_label("Format").select_option("opensdg")
    page.get_by_label("File").set_input_files(str(archive))
    page.get_by_label("Country or area").select_option("GBR")
    with page.expect_navigation():
        page.get_by_role("button", name="Import the file").click()
    assert "/data/import/" in page.url


def wait_for_jobs(page: Page, server: str, kind: str) -> None:
    """Poll the jobs API, as the signed-in user, until every job of a kind has finished."""
    deadline = time.monotonic() + 60
    while True:
        jobs = page.request.get(f"{server}/api/v1/jobs/?kind={kind}").json()["results"]
        if jobs and all(job["finished"] for job in jobs):
            assert [job["status"] for job in jobs] == ["done"] * len(jobs), jobs
            return
        assert time.monotonic() < deadline, f"{kind} jobs still running: {jobs}"
        time.sleep(0.2)


def test_import_a_bad_then_a_good_file_and_see_chart_and_badge(
    server: str, page: Page, tmp_path: Path
) -> None:
    sign_in_and_open_the_import_page(server, page)

    good = (SAMPLE / "data" / "indicator_15-5-1.csv").read_text(encoding="utf-8")
    bad = tmp_path / "bad.zip"
    bad.write_bytes(zip_entries({"data/indicator_15-5-1.csv": good.replace("0.96362", "n/a")}))
    submit(page, bad)
    # The page polls the job and shows the outcome once the background thread is done.
    errors = page.locator(".import-errors")
    expect(errors).to_be_visible(timeout=60_000)
    expect(errors.get_by_role("heading")).to_have_text("1 problem: nothing was imported")
    row = errors.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td")).to_have_text(
        ["indicator_15-5-1.csv", "", "5", "Value", "'n/a' is not a number"]
    )

    page.get_by_role("link", name="Import another file").click()
    archive = tmp_path / "opensdg-uk-sample.zip"
    archive.write_bytes(zip_folder(SAMPLE, "opensdg-uk-sample/"))
    submit(page, archive)
    done = page.locator(".import-done")
    expect(done).to_be_visible(timeout=60_000)
    expect(done).to_contain_text("673 added, 0 changed, 0 removed, 0 unchanged.")

    # The import has its series assessed by a second background job once it commits.
    wait_for_jobs(page, server, "assess")

    done.get_by_role("link", name="See import").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("opensdg-uk-sample.zip")
    page.locator(".touched").get_by_role("link", name="15.5.1 GBR").click()
    expect(page).to_have_url(f"{server}/data/sdg/indicator/15.5.1/GBR")
    chart = page.locator("svg.chart")
    expect(chart).to_be_visible()
    expect(chart.locator("title").first).to_contain_text("Indicator 15.5.1")
    expect(chart.locator("circle.chart__point")).to_have_count(24)
    expect(page.locator(".chart-data tbody tr")).to_have_count(24)
    badge = page.locator(".progress-badge").first
    expect(badge).to_be_visible()
    expect(badge.locator(".progress-badge__label")).not_to_be_empty()
