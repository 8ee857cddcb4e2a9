"""The national report pages: opening, answering, conflicts, workflow, histories, public reads."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from meadow.parties.models import Role
from meadow.reports import facts, workflow
from meadow.reports.models import Comment, Fact, FactVersion, Report, Template
from tests.reports.helpers import fill, user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

REPORTS = "/place/KEN/reports"
CBD = "/place/KEN/report/cbd-nr7/2026"
RAMSAR = "/place/KEN/report/ramsar-cop15/2022-2025"
B_1_ZH = "贵国是否制定政策和/或行动计划，旨在确保维护、增强和恢复自然对人类的贡献"


@pytest.fixture
def team() -> dict[str, Any]:
    return {
        "contributor": user("co", "KEN", Role.CONTRIBUTOR),
        "reviewer": user("rv", "KEN", Role.REVIEWER),
        "authority": user("pa", "KEN", Role.PUBLISHING_AUTHORITY),
        "focal": user("fp", "KEN", Role.FOCAL_POINT),
        "brazil": user("br", "BRA", Role.FOCAL_POINT),
        "cbd": user("cbd", secretariat="cbd"),
        "ramsar": user("rms", secretariat="ramsar"),
    }


def login(person: Any, language: str = "") -> Client:
    client = Client()
    client.force_login(person)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def block(html: str, key: str) -> str:
    """The part of a section page that shows one question."""
    start = html.index(f'data-question="{key}"')
    end = html.find('<section class="report-question', start)
    return html[start : end if end != -1 else len(html)]


def open_report(client: Client, code: str) -> Report:
    template = Template.objects.get(code=code)
    response = client.post(REPORTS + "/open", {"template": f"{code}@{template.version}"})
    assert response.status_code == 302, response.status_code
    report = Report.objects.get(country__code="KEN", template=template)
    assert response["Location"] == f"/place/KEN/report/{code}/{report.cycle}"
    return report


def post(client: Client, url: str, data: dict[str, Any], status: int = 302) -> str:
    response = client.post(url, data)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def value(concept: str) -> Any:
    return Fact.objects.get(country__code="KEN", concept__uid=concept).value


def ready(report: Report, team: dict[str, Any]) -> None:
    """Every question answered, so no rule stops the workflow."""
    fill(report, team["contributor"], skip=("nbsap-status",))
    facts.set_fact(
        actor=team["contributor"],
        country="KEN",
        concept="nbsap.status",
        value="adopted",
        source=facts.source_of(report.template, "KEN"),
    )


def move(report: Report, *steps: tuple[str, Any]) -> None:
    for name, who in steps:
        workflow.move(report, name, actor=who, country="KEN", reason="checked")


SUBMIT = (("submit-for-review", "contributor"), ("approve", "authority"), ("submit", "authority"))


def submit(report: Report, team: dict[str, Any]) -> None:
    move(report, *((name, team[who]) for name, who in SUBMIT))


def test_the_team_opens_a_report_and_answers_in_chinese(team: dict[str, Any]) -> None:
    client = login(team["contributor"], "zh-hans")
    listing = page(client, REPORTS)
    template = Template.objects.get(code="cbd-nr7")
    assert f'value="cbd-nr7@{template.version}"' in listing
    open_report(client, "cbd-nr7")
    assert 'data-report="report/cbd-nr7/2026/KEN" data-state="draft"' in page(client, REPORTS)
    section = CBD + "/section/IV.B"
    html = page(client, section)
    assert '<html lang="zh-hans"' in html
    question = block(html, "b_1")
    assert B_1_ZH in question and "B.1" in question
    assert 'name="v-b_1" value="0"' in question
    assert 'type="radio"' in question and 'value="partially"' in question
    post(client, section, {"v-b_1": "0", "q-b_1": "partially"})
    assert value("gbf.binary.b_1") == "partially"
    saved = FactVersion.objects.get(fact__concept__uid="gbf.binary.b_1")
    assert (saved.version, saved.actor, saved.source) == (1, "co", "report/cbd-nr7/2026/KEN")
    again = block(page(client, section), "b_1")
    assert 'name="v-b_1" value="1"' in again
    assert re.search(r'value="partially" checked', again)
    # Posting the same answer again saves nothing.
    post(client, section, {"v-b_1": "1", "q-b_1": "partially"})
    assert FactVersion.objects.filter(fact__concept__uid="gbf.binary.b_1").count() == 1


def test_a_conditional_question_is_shown_disabled_with_its_condition(
    team: dict[str, Any],
) -> None:
    client = login(team["contributor"])
    open_report(client, "cbd-nr7")
    question = block(page(client, CBD + "/section/IV.1"), "1_1_c")
    assert 'data-shown="false"' in question and "disabled" in question
    assert "Asked only when the answer to question 1 is “No”" in text(question)
    # A disabled question is not posted, so it is not read.
    post(client, CBD + "/section/IV.1", {"v-1": "0", "q-1": "no"})
    question = block(page(client, CBD + "/section/IV.1"), "1_1_c")
    assert 'data-shown="true"' in question and "disabled" not in question


def test_the_ramsar_report_shows_what_the_cbd_report_answered(team: dict[str, Any]) -> None:
    client = login(team["contributor"])
    open_report(client, "cbd-nr7")
    cbd_page = page(client, CBD + "/section/II")
    question = block(cbd_page, "nbsap-status")
    ramsar = Template.objects.get(code="ramsar-cop15")
    assert (
        "Also asked in" in question and f'data-source="ramsar-cop15@{ramsar.version}"' in question
    )
    assert "Prefilled from" not in question
    post(client, CBD + "/section/II", {"v-nbsap-status": "0", "q-nbsap-status": "adopted"})
    open_report(client, "ramsar-cop15")
    question = block(page(client, RAMSAR + "/section/c_target_1"), "c_1_3")
    assert 'data-prefilled-from="report/cbd-nr7/2026/KEN"' in question
    assert "Prefilled from 7th National Report (2026)" in text(question)
    assert f'href="{CBD}"' in question
    cbd = Template.objects.get(code="cbd-nr7")
    assert f'data-source="cbd-nr7@{cbd.version}"' in question and "Also asked in" in question
    assert re.search(r'value="adopted" checked', question)
    # Not asked elsewhere: no mark.
    assert "Also asked in" not in block(page(client, RAMSAR + "/section/b"), "b_1")


def test_a_conflicting_save_shows_both_versions_and_lets_the_user_choose(
    team: dict[str, Any],
) -> None:
    client = login(team["contributor"])
    report = open_report(client, "cbd-nr7")
    section = CBD + "/section/II"
    assert 'name="v-nbsap-status" value="0"' in page(client, section)
    facts.set_fact(
        actor=team["focal"],
        country="KEN",
        concept="nbsap.status",
        value="in-preparation",
        source=facts.source_of(report.template, "KEN"),
    )
    html = post(client, section, {"v-nbsap-status": "0", "q-nbsap-status": "adopted"}, 409)
    question = block(html, "nbsap-status")
    words = text(question)
    assert "Your answer" in words and "Their answer" in words
    mine = question[question.index("report-conflict__side--yours") :]
    theirs = question[question.index("report-conflict__side--theirs") :]
    assert "Adopted" in text(mine[: mine.index("</section>")])
    assert "In preparation" in text(theirs[: theirs.index("</section>")])
    assert "Saved by fp" in words and "(version 1)" in words
    assert 'name="v-nbsap-status" value="1"' in question
    assert value("nbsap.status") == "in-preparation"
    # Keeping theirs saves nothing; keeping mine saves over theirs, from their version.
    chosen = {"v-nbsap-status": "1", "q-nbsap-status": "adopted"}
    post(client, section, {**chosen, "keep-nbsap-status": "theirs"})
    assert value("nbsap.status") == "in-preparation"
    post(client, section, {**chosen, "keep-nbsap-status": "mine"})
    assert value("nbsap.status") == "adopted"
    assert [v.actor for v in facts.history("KEN", "nbsap.status")] == ["co", "fp"]


def test_validation_errors_are_shown_at_their_field(team: dict[str, Any]) -> None:
    client = login(team["contributor"])
    open_report(client, "cbd-nr7")
    html = post(
        client,
        CBD + "/section/II",
        {
            "v-nbsap-status": "0",
            "q-nbsap-status": "adopted",
            "v-nbsap-adoption-date": "0",
            "q-nbsap-adoption-date": "2024-13-45",
            "v-policy-instruments": "0",
            "q-policy-instruments-rows": "3",
            "q-policy-instruments-0-title": "Wildlife Act",
            "q-policy-instruments-0-year": "nineteen",
        },
        400,
    )
    date = block(html, "nbsap-adoption-date")
    assert 'class="form__error' in date and "is not a date (YYYY-MM-DD)" in date
    assert 'aria-invalid="true"' in date and 'value="2024-13-45"' in date
    table = block(html, "policy-instruments")
    assert "Row 1, Year adopted: “nineteen” is not a number" in text(table)
    assert 'value="Wildlife Act"' in table
    assert "form__error" not in block(html, "nbsap-status")
    assert "1 answer was saved" in text(html)
    assert value("nbsap.status") == "adopted"
    assert not Fact.objects.filter(concept__uid__in=["nbsap.adoption-date", "legislation.list"])


def test_the_completeness_counts_follow_the_answers(team: dict[str, Any]) -> None:
    client = login(team["contributor"])
    open_report(client, "cbd-nr7")
    post(
        client,
        CBD + "/section/II",
        {
            "v-nbsap-status": "0",
            "q-nbsap-status": "adopted",
            "v-stakeholder-engagement": "0",
            "q-stakeholder-engagement": "yes",
        },
    )
    assert value("cbd.nr7.stakeholder-engagement") is True
    html = page(client, CBD)
    row = re.search(r'<tr data-section="II"[^>]*>', html)
    assert row is not None
    assert 'data-answered="2" data-shown="6" data-missing="2"' in row.group(0)
    assert 'data-blockers="0" data-errors="2"' in row.group(0)
    section_row = html[row.start() : html.index("</tr>", row.start())]
    assert "<code>II.4</code>" in section_row and "<code>II.6</code>" in section_row
    first = re.search(r'<tr data-section="I"[^>]*>', html)
    assert first is not None and 'data-answered="0" data-shown="2" data-missing="2"' in first.group(
        0
    )


def test_the_workflow_buttons_follow_the_role(team: dict[str, Any]) -> None:
    contributor, authority, cbd = (login(team[w]) for w in ("contributor", "authority", "cbd"))
    report = open_report(contributor, "cbd-nr7")
    ready(report, team)
    html = page(contributor, CBD)
    assert 'value="submit-for-review"' in html and 'value="approve"' not in html
    assert contributor.post(CBD + "/move", {"step": "approve"}).status_code == 403
    post(contributor, CBD + "/move", {"step": "submit-for-review"})
    assert workflow.state(report) == "in-review"
    assert 'name="step"' not in page(login(team["reviewer"]), CBD)
    html = page(authority, CBD)
    assert 'value="approve"' in html and 'value="send-back"' in html
    assert 'value="submit"' not in html and 'value="publish"' not in html
    # Sending back needs a reason: refused without one, and nothing moves.
    refused = post(authority, CBD + "/move", {"step": "send-back", "reason": " "}, 400)
    assert "needs a reason" in refused and workflow.state(report) == "in-review"
    post(authority, CBD + "/move", {"step": "approve"})
    html = page(authority, CBD)
    assert 'value="submit"' in html and 'value="approve"' not in html
    post(authority, CBD + "/move", {"step": "submit"})
    assert workflow.state(report) == "submitted"
    html = page(authority, CBD)
    assert 'value="unsubmit"' in html and 'value="publish"' not in html
    snapshot = report.snapshots.get()
    assert snapshot.digest in html and 'data-verified="true"' in html
    assert 'name="step"' not in page(login(team["ramsar"]), CBD)
    html = page(cbd, CBD)
    assert 'value="publish"' in html and 'value="return"' in html
    post(cbd, CBD + "/move", {"step": "publish"})
    assert workflow.state(report) == "published"
    history = text(page(contributor, CBD))
    assert "Submit for review" in history and "pa" in history and "cbd" in history


def test_a_refused_step_lists_the_rule_issues_that_stop_it(team: dict[str, Any]) -> None:
    authority = login(team["authority"])
    report = open_report(authority, "ramsar-cop15")
    fill(report, team["contributor"], skip=("a_1",))
    move(report, ("submit-for-review", team["contributor"]))
    html = post(authority, RAMSAR + "/move", {"step": "approve", "reason": "fine"}, 400)
    refusal = html[html.index("report-refusal") :]
    refusal = refusal[: refusal.index("</div>")]
    assert 'data-question="a_1" data-level="blocker"' in refusal
    assert "Give the National Focal Point before submitting the report." in refusal
    assert f'href="{RAMSAR}/section/a#q-a_1"' in refusal
    assert workflow.state(report) == "in-review"


def test_the_public_reads_published_reports_only(team: dict[str, Any]) -> None:
    report = open_report(login(team["contributor"]), "cbd-nr7")
    ready(report, team)
    public = Client()
    for url in (CBD, CBD + "/section/II", CBD + "/export.json", CBD + "/compare"):
        page(public, url, 404)
    page(login(team["brazil"]), CBD, 404)
    assert 'data-report="report/cbd-nr7/2026/KEN"' not in page(public, REPORTS)
    submit(report, team)
    page(public, CBD, 404)
    listing = page(login(team["cbd"]), "/reports/")
    assert 'data-report="report/cbd-nr7/2026/KEN" data-state="submitted"' in listing
    assert 'data-report="report/cbd-nr7/2026/KEN"' not in page(public, "/reports/")
    move(report, ("publish", team["cbd"]))
    html = page(public, CBD)
    assert 'data-state="published"' in html and 'name="step"' not in html
    assert "History of the workflow" not in html and "Published on" in html
    section = page(public, CBD + "/section/II")
    assert 'name="q-nbsap-status"' not in section and "Adopted" in text(
        block(section, "nbsap-status")
    )
    response = public.get(CBD + "/export.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    exported = json.loads(response.content)
    assert exported["format"] == "meadow-report/1" and exported["state"] == "published"
    assert exported["snapshot"]["digest"] == report.snapshots.get().digest
    listing = page(public, "/reports/")
    assert 'data-report="report/cbd-nr7/2026/KEN" data-state="published"' in listing
    assert f'href="{CBD}/export.pdf"' in listing
    page(public, CBD + "/export.txt", 404)
    pdf = public.get(CBD + "/export.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith("attachment; filename=")
    assert public.get(CBD + "/answer/nbsap-status/history").status_code == 302
    assert public.post(CBD + "/move", {"step": "return"}).status_code == 302


def test_the_history_page_lists_every_version_and_their_differences(
    team: dict[str, Any],
) -> None:
    client = login(team["contributor"])
    open_report(client, "cbd-nr7")
    section = CBD + "/section/IV.B"
    post(client, section, {"v-b_1": "0", "q-b_1": "partially"})
    post(client, section, {"v-b_1": "1", "q-b_1": "fully"})
    url = CBD + "/answer/b_1/history"
    html = page(login(team["reviewer"]), url)
    rows = re.findall(r'<tr data-version="(\d+)">(.*?)</tr>', html, re.S)
    assert [(n, "co" in r) for n, r in rows] == [("2", True), ("1", True)]
    assert "Fully" in text(rows[0][1]) and "Partially" in text(rows[1][1])
    diff = page(client, url + "?from=1&to=2")
    change = diff[diff.index('class="data-table report-change"') :]
    assert "Partially" in text(change[: change.index("change__after")])
    assert "Fully" in text(change[change.index("change__after") :])
    assert "give the same answer" in page(client, url + "?from=2&to=2")
    page(login(team["brazil"]), url, 404)


def test_the_compare_page_shows_a_changed_answer(team: dict[str, Any]) -> None:
    contributor = login(team["contributor"])
    report = open_report(contributor, "cbd-nr7")
    ready(report, team)
    assert "no earlier report" in page(contributor, CBD + "/compare")
    submit(report, team)
    workflow.move(report, "unsubmit", actor=team["focal"], country="KEN", reason="New status")
    post(
        contributor,
        CBD + "/section/II",
        {
            "v-nbsap-status": str(Fact.objects.get(concept__uid="nbsap.status").version),
            "q-nbsap-status": "under-revision",
        },
    )
    submit(report, team)
    html = page(contributor, CBD + "/compare?from=1&to=2")
    rows = re.findall(
        r'<tr class="change--changed" data-concept="([^"]+)"[^>]*>(.*?)</tr>', html, re.S
    )
    assert [c for c, _row in rows] == ["nbsap.status"]
    assert "Adopted" in text(rows[0][1]) and "Under revision" in text(rows[0][1])
    assert "1 answer differs" in text(html)
    page(Client(), CBD + "/compare?from=1&to=2", 404)


def test_sections_are_assigned_and_comments_added_and_resolved(team: dict[str, Any]) -> None:
    focal, contributor = login(team["focal"]), login(team["contributor"])
    report = open_report(focal, "cbd-nr7")
    colleague = user("co2", "KEN", Role.CONTRIBUTOR)
    assert contributor.post(CBD + "/assign", {"section": "II", "username": "co"}).status_code == 403
    post(focal, CBD + "/assign", {"section": "II", "username": "co"})
    assert list(report.assignments.values_list("section", "user__username")) == [("II", "co")]
    html = page(focal, CBD)
    assert 'data-section="II" data-user="co"' in html
    other = login(colleague)
    assert (
        other.post(
            CBD + "/section/II", {"v-nbsap-status": "0", "q-nbsap-status": "adopted"}
        ).status_code
        == 403
    )
    assert "assigned to co" in page(other, CBD + "/section/II")
    post(contributor, CBD + "/section/II", {"v-nbsap-status": "0", "q-nbsap-status": "adopted"})
    reviewer = login(team["reviewer"])
    post(reviewer, CBD + "/comment", {"question": "nbsap-status", "text": "Which year?"})
    comment = Comment.objects.get(report=report)
    question = block(page(contributor, CBD + "/section/II"), "nbsap-status")
    assert "Which year?" in question and f'form="resolve-{comment.pk}"' in question
    post(contributor, CBD + f"/comment/{comment.pk}/resolve", {})
    comment.refresh_from_db()
    assert comment.resolved_by == "co"
    page(Client(), CBD + "/section/II", 404)


def test_a_template_page_shows_which_reports_share_each_question() -> None:
    ramsar = Template.objects.get(code="ramsar-cop15")
    cbd = Template.objects.get(code="cbd-nr7")
    html = page(Client(), f"/reports/templates/ramsar-cop15/{ramsar.version}")
    row = html[html.index('data-question="c_1_3"') :]
    row = row[: row.index("</tr>")]
    assert "nbsap.status" in row and f'data-template="cbd-nr7@{cbd.version}"' in row
    assert "Illustrative" in html
    page(Client(), "/reports/templates/ramsar-cop15/0.0", 404)


def test_the_offline_workbook_is_downloaded_and_uploaded(team: dict[str, Any]) -> None:
    client = login(team["contributor"])
    report = open_report(client, "cbd-nr7")
    ready(report, team)
    html = page(client, CBD)
    assert f'href="{CBD}/export.xlsx"' in html and 'action="' + CBD + '/offline"' in html
    response = client.get(CBD + "/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.content))
    sheet, row = next(
        (ws, cell.row)
        for ws in book.worksheets[1:]
        for (cell,) in ws.iter_rows(min_col=1, max_col=1)
        if cell.value == "nbsap-status"
    )
    sheet.cell(row=row, column=5).value = "Maybe"
    rejected = client.post(CBD + "/offline", {"file": upload(book)})
    assert rejected.status_code == 400
    problems = rejected.content.decode()
    problems = problems[problems.index("problems-table") :]
    assert f"<td>{sheet.title}</td><td><code>E{row}</code></td>" in problems
    assert "nbsap-status" in problems and "Maybe" in problems
    assert value("nbsap.status") == "adopted"
    sheet.cell(row=row, column=5).value = "Under revision"
    assert client.post(CBD + "/offline", {"file": upload(book)}).status_code == 302
    assert value("nbsap.status") == "under-revision"
    assert "1 answer changed" in page(client, CBD)
    reviewer = login(team["reviewer"])
    assert reviewer.post(CBD + "/offline", {"file": upload(book)}).status_code == 403


def upload(book: Any) -> SimpleUploadedFile:
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("KEN-cbd-nr7-2026-en.xlsx", out.getvalue())
