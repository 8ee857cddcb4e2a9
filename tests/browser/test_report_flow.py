"""In a real Chromium: Kenya's CBD 7th national report from a contributor's answer to
the public's PDF.

The report's other answers are given on the command line (every question but binary
question B.1); then, through the pages: a contributor working in Chinese answers B.1
and sends the report for review; the focal point approves and submits it; the CBD
secretariat finds it among the submitted reports and publishes it; and a visitor who
never signed in opens the published report and downloads its PDF, which carries the
submission's SHA-256.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import meadow, needs_chromium, running_server, server_environment

PASSWORD = "a long password for the report browser test"
REPORT = "/place/KEN/report/cbd-nr7/2026"
# Binary question B.1 and its answer "partially", as the CBD's form words them in Chinese.
B1_ZH = "贵国是否制定政策和/或行动计划，旨在确保维护、增强和恢复自然对人类的贡献"
PARTIALLY_ZH = "部分"

PREFILL = """
from meadow.core.actors import SystemActor
from meadow.reports import editing, sample, workflow
from meadow.reports.models import Concept, Template

actor = SystemActor("setup")
template = Template.objects.get(code="cbd-nr7")
report = workflow.open_report(actor=actor, country="KEN", template=template)
concepts = {
    c.uid: {"type": c.type, "options": c.options, "columns": c.columns}
    for c in Concept.objects.all()
}
for key, value in sample.answers(
    template.document, concepts, seed=3, targets=["gbf/target/3"]
).items():
    if key != "b_1":
        editing.save_answer(
            actor=actor, country="KEN", report=report, question=key, value=value
        )
"""

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = server_environment(tmp_path_factory.mktemp("meadow-data"))
    with running_server(env) as url:
        for name in ("lin", "amina", "claire"):
            meadow(
                "shell",
                "-c",
                "from django.contrib.auth import get_user_model; "
                f"get_user_model().objects.create_user({name!r}, '{name}@example.org', "
                f"{PASSWORD!r})",
                env=env,
            )
        meadow("grant-role", "lin", "KEN", "contributor", env=env)
        meadow("grant-role", "amina", "KEN", "focal-point", env=env)
        meadow("grant-secretariat", "claire", "cbd", env=env)
        meadow("shell", "-c", PREFILL, env=env)
        yield url


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


def new_page(browser: Browser, contexts: list[BrowserContext]) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    contexts.append(context)
    return context.new_page()


def sign_in(page: Page, server: str, username: str) -> None:
    page.goto(f"{server}/account/login")
    form = page.locator("main form.account-form")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        form.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{server}/account/")


def take_step(page: Page, step: str) -> None:
    form = page.locator(f'form.report-step[data-step="{step}"]')
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def state_of(page: Page) -> str:
    return page.locator("article.report").get_attribute("data-state") or ""


def test_a_report_from_a_contributors_answer_in_chinese_to_the_public_pdf(
    server: str, browser: Browser, contexts: list[BrowserContext]
) -> None:
    # The public does not see the draft at all.
    public = new_page(browser, contexts)
    assert public.goto(f"{server}{REPORT}").status == 404  # type: ignore[union-attr]

    # The contributor switches the interface to Chinese and answers B.1.
    contributor = new_page(browser, contexts)
    sign_in(contributor, server, "lin")
    contributor.goto(f"{server}{REPORT}/section/IV.B")
    with contributor.expect_navigation():
        contributor.locator('form button[name="language"][value="zh-hans"]').click()
    expect(contributor.locator("html")).to_have_attribute("lang", "zh-hans")
    question = contributor.locator('section[data-question="b_1"]')
    expect(question.locator("h2")).to_contain_text(B1_ZH)
    question.get_by_label(PARTIALLY_ZH, exact=True).check()
    with contributor.expect_navigation():
        contributor.locator(".report-form__actions button[type=submit]").click()
    question = contributor.locator('section[data-question="b_1"]')
    expect(question.get_by_label(PARTIALLY_ZH, exact=True)).to_be_checked()
    expect(question).to_have_attribute("data-version", "1")
    # Every question is now answered: the report goes to review.
    contributor.goto(f"{server}{REPORT}")
    expect(contributor.locator(".report-counts")).to_have_attribute("data-errors", "0")
    take_step(contributor, "submit-for-review")
    assert state_of(contributor) == "in-review"
    expect(contributor.locator('form.report-step[data-step="approve"]')).to_have_count(0)

    # The focal point approves and submits it to the secretariat.
    focal = new_page(browser, contexts)
    sign_in(focal, server, "amina")
    focal.goto(f"{server}{REPORT}")
    take_step(focal, "approve")
    take_step(focal, "submit")
    assert state_of(focal) == "submitted"
    digest = focal.locator("code.checksum").first.inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", digest)

    # Still not public while submitted.
    assert public.goto(f"{server}{REPORT}").status == 404  # type: ignore[union-attr]

    # The CBD secretariat finds it among the submitted reports and publishes it.
    secretariat = new_page(browser, contexts)
    sign_in(secretariat, server, "claire")
    secretariat.goto(f"{server}/reports/")
    row = secretariat.locator('[data-report="report/cbd-nr7/2026/KEN"]').first
    expect(row).to_be_visible()
    with secretariat.expect_navigation():
        row.locator("th a").first.click()
    take_step(secretariat, "publish")
    assert state_of(secretariat) == "published"

    # The public now reads it, with the contributor's answer, and downloads the PDF.
    public.goto(f"{server}/reports/")
    with public.expect_navigation():
        public.locator('[data-report="report/cbd-nr7/2026/KEN"] th a').first.click()
    expect(public).to_have_url(re.compile(re.escape(REPORT) + r"$"))
    pdf_link = public.locator('a[data-format="pdf"]')
    with public.expect_download() as download_info:
        pdf_link.click()
    path = download_info.value.path()
    assert path is not None
    content = Path(path).read_bytes()
    assert content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    assert digest in re.sub(r"\s+", "", text)
