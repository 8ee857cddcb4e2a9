"""In a real Chromium: a focal point invites a contributor, the contributor drafts a national
target, the focal point publishes it, and only then does the public see it.

Kenya's focal point is made on the command line; everyone else comes in through the
pages: the invitation, a new account, the target form, the publish button. The public
is a browser that never signed in: while the target is a draft, it appears nowhere for
them (stocktake map and tables, the country's pages, the API), and its address is a 404.
"""

from __future__ import annotations

import email
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import meadow, needs_chromium, running_server, server_environment

FOCAL_POINT = "wanjiru"
FOCAL_PASSWORD = "a long focal point password for the browser test"
CONTRIBUTOR = "otieno"
CONTRIBUTOR_EMAIL = "contributor@example.org"
CONTRIBUTOR_PASSWORD = "another long password, the contributor's own"
TARGET_CODE = "KE-3"
# Kenya's colour for "full" alignment on the stocktake map (--degree-full) and for none.
FULL_FILL = "rgb(31, 107, 58)"
NONE_FILL = "rgb(217, 222, 217)"

pytestmark = needs_chromium


@dataclass(frozen=True)
class Counts:
    """What the public stocktake page of GBF target 3 says, as numbers."""

    aligned: int
    full: int
    targets: int
    africa_full: int


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("meadow-data")


@pytest.fixture(scope="module")
def server(data_dir: Path) -> Iterator[str]:
    """A real Meadow server with Kenya's focal point, made on the command line."""
    env = server_environment(data_dir)
    with running_server(env) as url:
        meadow(
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model; "
            f"get_user_model().objects.create_user({FOCAL_POINT!r}, "
            f"'focal-point@example.org', {FOCAL_PASSWORD!r})",
            env=env,
        )
        meadow("grant-role", FOCAL_POINT, "KEN", "focal-point", env=env)
        yield url


@pytest.fixture
def fresh(browser: Browser) -> Iterator[list[BrowserContext]]:
    """Fresh browser contexts (no cookies), closed at the end of the test."""
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


def new_page(browser: Browser, contexts: list[BrowserContext]) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    contexts.append(context)
    return context.new_page()


def sign_in(page: Page, server: str, username: str, password: str) -> None:
    page.goto(f"{server}/account/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    form = page.locator("main form.account-form")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        form.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{server}/account/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name=username)).to_be_visible()


def sign_out(page: Page, server: str) -> None:
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{server}/")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")
    ).to_be_visible()


def mails_to(data_dir: Path, address: str) -> list[Message]:
    """The messages the server wrote to its mail folder for an address."""
    found = []
    for path in sorted((data_dir / "mail").glob("*")):
        for text in path.read_text(encoding="utf-8").split("-" * 79):
            message = email.message_from_string(text.strip())
            if address in str(message.get("To", "")):
                found.append(message)
    return found


def body(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(part.get_content_charset() or "utf-8")


def number(page: Page, selector: str) -> int:
    return int(page.locator(selector).inner_text().strip())


def stocktake_counts(page: Page) -> Counts:
    africa = (
        page.locator('section[data-section="regions"] tbody tr')
        .filter(has=page.get_by_role("link", name="Africa", exact=True))
        .locator("td")
    )
    return Counts(
        aligned=number(page, '[data-count="aligned"]'),
        full=number(page, '.stocktake-table tr[data-degree="full"] td.number >> nth=0'),
        targets=number(page, 'dd[data-count="targets"]'),
        africa_full=int(africa.nth(1).inner_text().strip()),
    )


def open_stocktake(page: Page, server: str) -> None:
    page.goto(f"{server}/stocktake/target/3")
    expect(page.locator("article.stocktake-target")).to_have_attribute("data-uid", "gbf/target/3")
    expect(page.locator("svg.world-map")).to_be_visible()


def test_invite_draft_publish_and_what_the_public_sees(
    server: str, data_dir: Path, browser: Browser, fresh: list[BrowserContext]
) -> None:
    marker = f"Protect a third of Kenya's land {uuid.uuid4().hex[:10]}"
    target_url = f"{server}/place/KEN/target/{TARGET_CODE}"

    # What the public sees before anything happens.
    public = new_page(browser, fresh)
    open_stocktake(public, server)
    before = stocktake_counts(public)
    kenya = public.locator('svg.world-map path[data-code="KEN"]')
    expect(kenya).to_have_class(re.compile(r"\bmap--none\b"))
    expect(public.locator('tr[data-country="KEN"]')).to_have_count(0)

    # 1. The focal point signs in and invites a contributor from Kenya's team page.
    focal = new_page(browser, fresh)
    sign_in(focal, server, FOCAL_POINT, FOCAL_PASSWORD)
    focal.goto(f"{server}/place/KEN/team")
    expect(focal.get_by_role("heading", level=1)).to_have_text("Team of Kenya")
    expect(
        focal.locator(f'tr[data-member="{FOCAL_POINT}"] [data-role="focal-point"]')
    ).to_be_visible()
    invite = focal.locator("form.invite-form")
    invite.get_by_label("Email address").fill(CONTRIBUTOR_EMAIL)
    invite.get_by_label("Role").select_option("contributor")
    with focal.expect_navigation():
        invite.get_by_role("button", name="Send the invitation").click()
    expect(focal.get_by_role("status")).to_contain_text("The invitation is sent.")
    link = focal.locator("[data-invitation-link]").inner_text().strip()
    assert link.startswith(f"{server}/invitation/"), link
    # The same link went out by email (the server writes its mail to files).
    mails = mails_to(data_dir, CONTRIBUTOR_EMAIL)
    assert len(mails) == 1
    assert link in body(mails[0])
    pending = focal.locator(f'tr[data-invitation="{CONTRIBUTOR_EMAIL}"]')
    expect(pending).to_contain_text("Contributor")
    sign_out(focal, server)

    # 2. The contributor opens the link, opens an account and joins the team.
    contributor = new_page(browser, fresh)
    contributor.goto(link)
    expect(contributor.get_by_role("heading", level=1)).to_have_text("Join the team of Kenya")
    expect(contributor.locator("dl.facts")).to_contain_text(CONTRIBUTOR_EMAIL)
    account = contributor.locator("form.account-form")
    account.get_by_label("User name").fill(CONTRIBUTOR)
    account.get_by_label("Password", exact=True).fill(CONTRIBUTOR_PASSWORD)
    account.get_by_label("Password again").fill(CONTRIBUTOR_PASSWORD)
    with contributor.expect_navigation():
        account.get_by_role("button", name="Open the account and join").click()
    expect(contributor).to_have_url(f"{server}/place/KEN/team")
    expect(
        contributor.get_by_text("You are now in the team of Kenya as Contributor.")
    ).to_be_visible()
    expect(
        contributor.locator(f'tr[data-member="{CONTRIBUTOR}"] [data-role="contributor"]')
    ).to_be_visible()

    # ... and drafts a national target aligned in full with GBF target 3.
    contributor.goto(f"{server}/place/KEN/targets")
    expect(contributor.get_by_role("heading", level=1)).to_contain_text("National targets")
    with contributor.expect_navigation():
        contributor.get_by_role("link", name="New target").click()
    expect(contributor).to_have_url(f"{server}/place/KEN/targets/new")
    form = contributor.locator("form.target-form")
    form.get_by_label("Code").fill(TARGET_CODE)
    form.get_by_label("Title (English)").fill(marker)
    form.get_by_label("Text (English)").fill(
        "By 2030, at least 30 per cent of Kenya's land and inland waters are conserved."
    )
    row = form.locator('.target-row[data-row="0"]').first
    row.get_by_label("GBF goal or target").select_option("gbf/target/3")
    row.get_by_label("Degree").select_option("full")
    row.get_by_label("Explanation").fill("Kenya's share of the global 30 per cent.")
    with contributor.expect_navigation():
        form.get_by_role("button", name="Save", exact=True).click()
    expect(contributor).to_have_url(target_url)
    expect(contributor.get_by_role("heading", level=1)).to_have_text(marker)
    draft = contributor.locator("article.national-target")
    expect(draft).to_have_attribute("data-status", "draft")
    expect(draft.locator(".target-status")).to_have_text("Draft")
    expect(draft.locator('tr[data-element="gbf/target/3"] .degree')).to_have_text("Full")
    # A contributor drafts; publishing is for the focal point.
    expect(draft.get_by_role("link", name="Edit")).to_be_visible()
    expect(contributor.get_by_role("button", name="Publish")).to_have_count(0)
    csrf = next(c["value"] for c in contributor.context.cookies() if c["name"] == "csrftoken")
    refused = contributor.request.post(
        f"{target_url}/publish",
        form={"version": "1"},
        headers={"X-CSRFToken": csrf},
        max_redirects=0,
    )
    assert refused.status == 403, refused.status
    contributor.reload()
    expect(contributor.locator("article.national-target")).to_have_attribute("data-status", "draft")

    # 3. The public sees nothing of the draft.
    open_stocktake(public, server)
    expect(kenya).to_have_class(re.compile(r"\bmap--none\b"))
    expect(kenya).to_have_css("fill", NONE_FILL)
    expect(public.locator('tr[data-country="KEN"]')).to_have_count(0)
    expect(public.locator("main")).not_to_contain_text(marker)
    assert stocktake_counts(public) == before
    public.goto(f"{server}/place/KEN/targets")
    expect(public.get_by_role("heading", level=1)).to_contain_text("National targets")
    expect(public.locator("main")).not_to_contain_text(marker)
    expect(public.locator(f'tr[data-code="{TARGET_CODE}"]')).to_have_count(0)
    public.goto(f"{server}/place/KEN")
    expect(public.get_by_role("heading", level=1)).to_contain_text("Kenya")
    expect(public.locator('[data-section="national-targets"]')).to_be_visible()
    expect(public.locator("main")).not_to_contain_text(marker)
    response = public.goto(target_url)
    assert response is not None and response.status == 404
    expect(public.locator("main")).not_to_contain_text(marker)
    api = public.request.get(f"{server}/api/v1/national-targets/?country=KEN")
    assert api.status == 200
    assert marker not in api.text()
    assert TARGET_CODE not in [t["code"] for t in api.json()["results"]]

    # 4. The focal point signs in again and publishes the target.
    sign_in(focal, server, FOCAL_POINT, FOCAL_PASSWORD)
    focal.goto(target_url)
    expect(focal.get_by_role("heading", level=1)).to_have_text(marker)
    with focal.expect_navigation():
        focal.get_by_role("button", name="Publish").click()
    expect(focal).to_have_url(target_url)
    expect(focal.get_by_text("The target is published.")).to_be_visible()
    expect(focal.locator("article.national-target")).to_have_attribute("data-status", "published")
    expect(focal.get_by_role("button", name="Unpublish")).to_be_visible()

    # 5. The public sees it: on the map, in the counts and tables, on its own page.
    open_stocktake(public, server)
    expect(kenya).to_have_class(re.compile(r"\bmap--full\b"))
    expect(kenya).to_have_css("fill", FULL_FILL)
    expect(kenya.locator("xpath=..")).to_have_attribute("href", "/place/KEN")
    expect(kenya.locator("title")).to_have_text("Kenya: Full")
    assert stocktake_counts(public) == Counts(
        aligned=before.aligned + 1,
        full=before.full + 1,
        targets=before.targets + 1,
        africa_full=before.africa_full + 1,
    )
    row_kenya = public.locator('tr[data-country="KEN"]')
    expect(row_kenya).to_have_attribute("data-degree", "full")
    expect(row_kenya).to_contain_text(marker)
    with public.expect_navigation():
        kenya.click()
    expect(public).to_have_url(f"{server}/place/KEN")
    expect(public.locator('[data-section="national-targets"]')).to_contain_text(marker)
    with public.expect_navigation():
        public.get_by_role("link", name=TARGET_CODE, exact=True).first.click()
    expect(public).to_have_url(target_url)
    expect(public.get_by_role("heading", level=1)).to_have_text(marker)
    expect(public.locator("article.national-target")).to_have_attribute("data-status", "published")
    expect(public.get_by_role("button", name="Publish")).to_have_count(0)
    expect(public.get_by_role("link", name="Edit")).to_have_count(0)
    api = public.request.get(f"{server}/api/v1/national-targets/?country=KEN")
    assert marker in api.text()
