"""The national target pages: what each person sees, and the forms that write."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from meadow.audit.models import AuditEntry
from meadow.targets.models import NationalTarget
from tests.targets.conftest import PROTECT, RESTORE, draft, login, published

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

LIST = "/place/KEN/targets"
T1 = "/place/KEN/target/T1"
T2 = "/place/KEN/target/T2"


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def test_drafts_are_not_found_by_the_public() -> None:
    draft(PROTECT)
    published(RESTORE)
    public = Client()
    html = page(public, LIST)
    assert 'data-code="T2"' in html and 'data-code="T1"' not in html
    assert "New target" not in html and "Import" not in html
    for url in (T1, T1 + "/edit", T1 + "/history", T1 + "/delete"):
        page(public, url, 404)
    assert public.post(T1 + "/publish").status_code == 404
    assert "Protect 30" not in page(public, "/targets/")
    exported = public.get(LIST + "/export?format=csv").content.decode("utf-8-sig")
    assert "T2" in exported and "T1" not in exported


def test_the_public_reads_a_published_target() -> None:
    published(PROTECT)
    html = page(Client(), T1)
    words = text(html)
    assert "Protect 30 % of land and inland waters" in words
    assert 'href="/gbf/target/3"' in html and "Protected areas and conservancies" in words
    assert "Full" in words and "Partial" in words
    assert 'href="/gbf/indicator/3.1"' in html and "Area under community conservancies" in words
    assert "30 percent" in words and "12.5 (2020)" in words
    assert "Terrestrial and inland water areas effectively conserved and managed" in words
    assert "Edit" not in words and "Unpublish" not in words and "Every change" not in words
    assert 'data-status="published"' in html


def test_a_fallback_language_is_marked() -> None:
    published(RESTORE)
    with translation.override("fr"):
        html = page(Client(HTTP_ACCEPT_LANGUAGE="fr"), T2)
    assert 'class="fallback"' in html and "Restore degraded rangelands" in html


def test_the_team_sees_drafts_marked_and_the_buttons_it_may_use(
    contributor: User, reviewer: User, focal: User
) -> None:
    draft(PROTECT)
    published(RESTORE)
    html = page(login(contributor), LIST)
    assert 'data-code="T1" data-status="draft"' in html and 'class="is-draft"' in html
    assert "New target" in html and "Import" in html
    detail = text(page(login(contributor), T1))
    assert "This target is a draft" in detail and "Edit" in detail and "Delete" in detail
    assert "Publish" not in detail and "Every change" in detail
    assert "Edit" not in text(page(login(contributor), T2))
    page(login(contributor), T2 + "/edit", 403)
    review = page(login(reviewer), LIST)
    assert 'data-code="T1"' in review and "New target" not in review
    assert "Edit" not in text(page(login(reviewer), T1))
    page(login(reviewer), T1 + "/edit", 403)
    page(login(reviewer), LIST + "/new", 403)
    focal_view = text(page(login(focal), T1))
    assert "Publish" in focal_view and "Edit" in focal_view
    assert "Unpublish" in text(page(login(focal), T2))


def test_another_countrys_team_does_not_see_drafts(other_focal: User) -> None:
    draft(PROTECT)
    page(login(other_focal), T1, 404)
    page(login(other_focal), LIST + "/new", 403)
    page(login(other_focal), LIST + "/import", 403)


def test_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(LIST + "/new")
    assert response.status_code == 302 and "next=/place/KEN/targets/new" in response["Location"]


FORM = {
    "code": "T5",
    "title_en": "Halve excess nutrients",
    "text_en": "By 2030.",
    "title_fr": "Réduire de moitié",
    "alignments-TOTAL_FORMS": "2",
    "alignments-INITIAL_FORMS": "0",
    "alignments-0-element": "gbf/target/7",
    "alignments-0-degree": "full",
    "alignments-0-explanation": "Nutrients",
    "indicators-TOTAL_FORMS": "2",
    "indicators-INITIAL_FORMS": "0",
    "indicators-0-element": "gbf/indicator/7.1",
    "indicators-1-name": "Nitrogen surplus",
    "quantities-TOTAL_FORMS": "2",
    "quantities-INITIAL_FORMS": "0",
    "quantities-0-global_element": "gbf-7-nutrients",
    "quantities-0-value": "50",
    "quantities-0-unit": "percent",
    "quantities-0-year": "2030",
}


def test_a_contributor_creates_a_draft_with_the_form(contributor: User) -> None:
    client = login(contributor)
    html = page(client, LIST + "/new")
    assert (
        'name="title_en"' in html and "<details" in html and 'name="alignments-0-element"' in html
    )
    response = client.post(LIST + "/new", FORM)
    assert response.status_code == 302 and response["Location"] == "/place/KEN/target/T5"
    target = NationalTarget.objects.get(code="T5")
    assert target.status == "draft" and target.title == {
        "en": "Halve excess nutrients",
        "fr": "Réduire de moitié",
    }
    assert [a.element.uid for a in target.alignments.all()] == ["gbf/target/7"]
    assert [i.name for i in target.indicators.all()] == [{}, {"en": "Nitrogen surplus"}]
    assert target.quantities.get().global_element.code == "gbf-7-nutrients"
    assert AuditEntry.objects.get(action="target.create").source == "web"
    # The same code again is refused on the code field.
    again = client.post(LIST + "/new", FORM)
    assert again.status_code == 409
    assert "already has a target with this code" in again.content.decode()


def test_the_form_shows_problems_next_to_their_fields(contributor: User) -> None:
    client = login(contributor)
    response = client.post(
        LIST + "/new",
        {
            **FORM,
            "alignments-0-degree": "",
            "quantities-0-value": "",
            "title_en": "",
            "title_fr": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "a title is required" in html
    assert "the degree of alignment is missing" in html
    assert "the value is missing" in html
    assert not NationalTarget.objects.filter(code="T5").exists()


def test_more_rows_keeps_what_was_typed(contributor: User) -> None:
    response = login(contributor).post(LIST + "/new", {**FORM, "more": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="alignments-4-element"' in html and "Halve excess nutrients" in html
    assert not NationalTarget.objects.exists()


def test_editing_in_french_keeps_the_english_texts(contributor: User) -> None:
    draft(PROTECT)
    client = login(contributor)
    client.cookies["django_language"] = "fr"
    html = page(client, T1 + "/edit")
    # The page's language comes first; English is in the fold.
    assert html.index('name="title_fr"') < html.index('name="title_en"')
    data = {
        "version": "1",
        "title_fr": "Protéger 30 % des terres",
        "title_en": PROTECT["title"]["en"],
        "text_en": PROTECT["text"]["en"],
        "alignments-TOTAL_FORMS": "2",
        "alignments-INITIAL_FORMS": "2",
        "alignments-0-element": "gbf/goal/A",
        "alignments-0-degree": "partial",
        "alignments-1-element": "gbf/target/3",
        "alignments-1-degree": "full",
        "alignments-1-explanation": "Aires protégées",
        "alignments-1-others": '{"en": "Protected areas and conservancies"}',
        "indicators-TOTAL_FORMS": "0",
        "indicators-INITIAL_FORMS": "0",
        "quantities-TOTAL_FORMS": "0",
        "quantities-INITIAL_FORMS": "0",
    }
    response = client.post(T1 + "/edit", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    target = NationalTarget.objects.get(code="T1")
    assert target.version == 2
    assert target.alignments.get(element__uid="gbf/target/3").explanation == {
        "en": "Protected areas and conservancies",
        "fr": "Aires protégées",
    }
    assert not target.indicators.exists() and not target.quantities.exists()
    # A second save from version 1 is refused, saying both versions.
    stale = client.post(T1 + "/edit", {**data, "title_fr": "Autre"})
    assert stale.status_code == 409
    assert "version 1" in stale.content.decode() and "version 2" in stale.content.decode()
    assert NationalTarget.objects.get(code="T1").title["fr"] == "Protéger 30 % des terres"


def test_publishing_unpublishing_and_deleting_from_the_pages(
    focal: User, contributor: User
) -> None:
    draft(PROTECT)
    assert login(contributor).post(T1 + "/publish", {"version": "1"}).status_code == 403
    response = login(focal).post(T1 + "/publish", {"version": "1"})
    assert response.status_code == 302
    assert NationalTarget.objects.get(code="T1").is_published
    assert "Protect 30" in page(Client(), "/targets/")
    refused = login(contributor).post(T1 + "/delete", {"version": "2"})
    assert refused.status_code == 409 and NationalTarget.objects.filter(code="T1").exists()
    login(focal).post(T1 + "/unpublish", {"version": "2"})
    page(Client(), T1, 404)
    deleted = login(contributor).post(T1 + "/delete", {"version": "3"})
    assert deleted.status_code == 302 and not NationalTarget.objects.filter(code="T1").exists()


def test_the_history_lists_every_change(focal: User, outsider: User) -> None:
    published(PROTECT)
    html = page(login(focal), T1 + "/history")
    assert 'data-action="target.create"' in html and 'data-action="target.publish"' in html
    # The publication shows its before and after values.
    publish_row = html.split('data-action="target.publish"', 1)[1].split("</tr>\n  </tbody>", 1)[0]
    status = publish_row.split('data-field="status"', 1)[1].split("</tr>", 1)[0]
    assert "draft" in status.split("change__after", 1)[0]
    assert "published" in status.split("change__after", 1)[1]
    page(login(outsider), T1 + "/history", 403)
    assert Client().get(T1 + "/history").status_code == 302


def test_an_import_with_problems_lists_them_and_saves_nothing(contributor: User) -> None:
    client = login(contributor)
    bad = SimpleUploadedFile(
        "targets.csv",
        b"code,title_en,alignments\nT1,One,gbf/target/3:full\nT2,Two,gbf/target/99:full\n",
    )
    response = client.post(LIST + "/import", {"file": bad})
    assert response.status_code == 400
    html = response.content.decode()
    assert "1 problem; nothing was imported." in html
    assert "gbf/target/99" in html and '<td class="number">3</td>' in html
    assert not NationalTarget.objects.exists()
    good = SimpleUploadedFile(
        "targets.csv", b"code,title_en,alignments\nT1,One,gbf/target/3:full\n"
    )
    done = client.post(LIST + "/import", {"file": good})
    assert done.status_code == 302 and done["Location"] == LIST
    assert NationalTarget.objects.get(code="T1").status == "draft"


def test_all_published_targets_filter_by_country_and_gbf_target() -> None:
    published(PROTECT)
    published(RESTORE)
    published(RESTORE, country="TZA")
    draft({**PROTECT, "code": "T9"})
    html = page(Client(), "/targets/")
    assert html.count("data-uid=") == 3 and "/target/T9" not in html
    assert page(Client(), "/targets/?country=TZA").count("data-uid=") == 1
    only = page(Client(), "/targets/?gbf=gbf/target/3")
    assert only.count("data-uid=") == 1 and 'data-uid="place/KEN/target/T1"' in only


def test_amounts_are_written_in_full() -> None:
    published(
        {
            "code": "F1",
            "title": "Mobilise finance",
            "quantities": [
                {
                    "global_element": "gbf-19-total",
                    "unit": "USD per year",
                    "value": 150000000,
                    "year": 2030,
                }
            ],
        }
    )
    words = text(page(Client(), "/place/KEN/target/F1"))
    assert "150,000,000 USD per year" in words
    assert "(200,000,000,000 USD per year, 2030)" in words
    assert "Financial resources for biodiversity mobilized from all sources" in words
