"""The site shell: home page, navigation, language switcher, sources and styles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import NoReverseMatch, reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

LANGUAGES = ["ar", "zh-hans", "en", "fr", "ru", "es"]


def test_home_says_what_meadow_is_with_counts(client: Client) -> None:
    html = client.get("/").content.decode()
    assert "<h1>Meadow</h1>" in html
    assert "Government reporting teams" in html
    assert "Negotiators and researchers" in html
    totals = html[html.index('class="totals"') :]
    assert "<dd>3</dd>" in totals  # frameworks
    assert "<dd>694</dd>" in totals  # 231 GBF + 25 Aichi + 438 SDG elements
    assert 'href="/gbf/"' in html
    assert 'href="/crosswalk/gbf/aichi/"' in html


def test_navigation_links(client: Client) -> None:
    html = client.get("/frameworks/").content.decode()
    nav = html[html.index('class="site-nav"') : html.index("</nav>")]
    assert 'href="/frameworks/" aria-current="page"' in nav
    assert 'href="/crosswalks/"' in nav
    assert 'href="/api/docs/"' in nav
    for name in ("place-list", "group-list"):
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # the places pages are optional to the shell
        assert f'href="{url}"' in nav


def test_language_switcher_offers_six_languages_in_their_own_names(client: Client) -> None:
    html = client.get("/gbf/target/3?x=1").content.decode()
    form = html[html.index('class="language-switcher"') : html.index("</form>")]
    assert 'action="/i18n/setlang/"' in form
    assert 'method="post"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'name="next" value="/gbf/target/3?x=1"' in form
    assert re.findall(r'name="language" value="([^"]+)"', form) == LANGUAGES
    for name in ("العربية", "中文", "English", "Français", "Русский", "Español"):
        assert f">{name}</button>" in form
    assert 'value="en" lang="en" aria-pressed="true"' in form


def test_switching_language_returns_to_the_page_in_that_language(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/gbf/target/3"})
    assert response.status_code == 302
    assert response["Location"] == "/gbf/target/3"
    html = client.get("/gbf/target/3").content.decode()
    assert '<html lang="zh-hans"' in html
    assert ">框架</a>" in html
    assert 'value="zh-hans" lang="zh-hans" aria-pressed="true"' in html


@pytest.mark.parametrize(("lang", "label"), [("fr", "Cadres"), ("zh-hans", "框架")])
def test_navigation_is_translated(client: Client, lang: str, label: str) -> None:
    client.cookies["django_language"] = lang
    html = client.get("/").content.decode()
    assert f'<html lang="{lang}" dir="ltr">' in html
    assert f">{label}</a>" in html


def test_arabic_layout_is_right_to_left(client: Client) -> None:
    client.cookies["django_language"] = "ar"
    html = client.get("/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html


def test_sources_page_names_each_framework_source_and_licence(client: Client) -> None:
    html = client.get("/sources/").content.decode()
    assert "CC BY 4.0 IGO" in html
    assert "CBD decision X/2" in html
    assert 'href="/sources/"' in html  # the footer links here from every page


def test_style_sheet_is_linked_and_self_contained(client: Client) -> None:
    html = client.get("/").content.decode()
    assert 'href="/static/meadow/meadow.css"' in html
    path = finders.find("meadow/meadow.css")
    assert path
    css = Path(path).read_text(encoding="utf-8")
    # Works offline: no web fonts, no imports from elsewhere.
    assert "@import" not in css and "url(http" not in css and "@font-face" not in css
    # Mirrors for Arabic through logical properties rather than left/right.
    assert not re.search(r"(margin|padding|border)-(left|right)\b", css)
    assert not re.search(r"text-align:\s*(left|right)", css)
    for kind in ("headline", "binary", "component", "complementary"):
        assert f".badge--{kind}" in css
