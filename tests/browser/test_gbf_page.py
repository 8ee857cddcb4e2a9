"""In a real Chromium: GBF target 3, the language switcher, and a crosswalk link to Aichi."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import needs_chromium, running_server, server_environment

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Meadow server with the reference data, as a user would start it."""
    env = server_environment(tmp_path_factory.mktemp("meadow-data"))
    with running_server(env) as url:
        yield url


def test_gbf_target_3_switch_to_chinese_and_follow_crosswalk(server: str, page: Page) -> None:
    page.goto(f"{server}/gbf/target/3")
    expect(page).to_have_title("GBF Target 3 · Meadow")
    expect(page.locator("h1")).to_contain_text("Conserve 30% of Land, Waters and Seas")
    expect(page.locator(".official-text")).to_contain_text(
        "Ensure and enable that by 2030 at least 30 per cent"
    )
    # The style sheet is served (by WhiteNoise, with debug off) and applied.
    header = page.locator(".site-header")
    expect(header).to_have_css("background-color", "rgb(33, 92, 57)")
    if os.environ.get("MEADOW_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)

    switcher = page.get_by_role("form", name="Language")
    with page.expect_navigation():
        switcher.get_by_role("button", name="中文").click()
    expect(page).to_have_url(f"{server}/gbf/target/3")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav.get_by_role("link", name="框架")).to_be_visible()
    expect(page.get_by_role("heading", name="关联要素")).to_be_visible()
    # No Chinese text for GBF target 3 yet: the English shows, marked as such.
    expect(page.locator("h1 .fallback")).to_have_text("English")
    expect(page.get_by_role("button", name="中文")).to_have_attribute("aria-pressed", "true")

    overlaps = page.locator('.relation-group[data-relation="partially-overlaps"]')
    expect(overlaps.locator("h3")).to_have_text("部分重叠")
    overlaps.get_by_role("link", name="具体目标11").click()
    page.wait_for_url("**/aichi/target/11")
    assert page.url.endswith("/aichi/target/11")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator(".official-text")).to_contain_text(
        "By 2020, at least 17 per cent of terrestrial and inland water"
    )
    expect(page.locator("h1")).to_contain_text("Protected areas increased and improved")


def test_arabic_mirrors_the_layout(server: str, page: Page) -> None:
    page.goto(f"{server}/crosswalk/gbf/aichi/")
    with page.expect_navigation():
        page.get_by_role("button", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    width = page.viewport_size["width"] if page.viewport_size else 1280
    brand = page.locator(".brand").bounding_box()
    row_header = page.locator('tr[data-row="gbf/target/3"] th').bounding_box()
    assert brand and row_header
    # Start-aligned things sit on the right in a right-to-left page.
    assert brand["x"] > width / 2
    assert row_header["x"] > width / 2
