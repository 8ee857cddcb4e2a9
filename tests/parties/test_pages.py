"""The country history page, the conventions pages, and the header's sign-in link."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test import Client

from meadow import audit
from meadow.parties import team
from tests.parties.conftest import SYSTEM, People, client_for, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]


def text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


# The history of a country -------------------------------------------------------------------

HISTORY = "/place/GBR/history"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("focal_point", 200),
        ("publishing_authority", 200),
        ("contributor", 200),
        ("reviewer", 200),
        ("secretariat", 200),
        ("admin", 200),
        ("other_country", 404),
        ("nobody", 404),
        ("anonymous", 302),
    ],
)
def test_history_page_access(people: People, who: str, status: int) -> None:
    response = client_for(people.named(who)).get(HISTORY)
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == f"/account/login?next={HISTORY}"


def test_history_shows_who_when_what_and_the_values_before_and_after(people: People) -> None:
    extra = make_user("extra")
    team.grant_role(actor=people.admin, user=extra, country="GBR", role="reviewer")
    team.grant_role(actor=people.admin, user=extra, country="GBR", role="contributor")
    team.grant_role(actor=SYSTEM, user=extra, country="FRA", role="reviewer")
    response = client_for(people.reviewer).get(HISTORY)
    html = response.content.decode()
    row = r'<tr data-entry="(\d+)"[^>]*>(.*?)(?=<tr data-entry=|</tbody>\s*</table>\s*<nav|$)'
    rows = re.findall(row, html, re.S)
    assert rows
    newest = text(rows[0][1].encode())
    assert "ada" in newest and "team.change" in newest and "party/GBR/team/extra" in newest
    change = re.search(
        r'<tr data-field="roles">.*?change__before">([^<]*)</td>'
        r'<td class="change__after">([^<]*)</td>',
        rows[0][1],
        re.S,
    )
    assert change and change.groups() == ("reviewer", "contributor, reviewer")
    # Newest first; France's entries are not there; the reference data's are.
    ids = [int(pk) for pk, _ in rows]
    assert ids == sorted(ids, reverse=True)
    assert "party/FRA" not in html
    assert "convention/cbd/party/GBR" in html
    # One record only.
    one = client_for(people.reviewer).get(HISTORY, {"record": "convention/cbd/party/GBR"})
    assert len(re.findall(r'<tr data-entry="', one.content.decode())) == 1
    assert "party.add" in text(one.content)


def test_history_is_paginated(people: People) -> None:
    with transaction.atomic():
        for n in range(60):
            audit.record(
                actor=SYSTEM,
                action="test.change",
                object_type="test",
                object_uid=f"party/GBR/test/{n}",
                before={"n": n},
                after={"n": n + 1},
                country="GBR",
            )
    client = client_for(people.focal_point)
    first = client.get(HISTORY).content.decode()
    assert len(re.findall(r'<tr data-entry="', first)) == 50
    assert "party/GBR/test/59" in first and "party/GBR/test/5<" not in first
    assert 'rel="next"' in first
    second = client.get(HISTORY, {"page": 2}).content.decode()
    assert "party/GBR/test/5</code>" in second


# Conventions --------------------------------------------------------------------------------


def test_the_conventions_page_lists_nine_with_their_parties(client: Client) -> None:
    response = client.get("/conventions/")
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r'<tr data-convention="', html)) == 9
    cbd = re.search(r'<tr data-convention="cbd">(.*?)</tr>', html, re.S)
    assert cbd and "195" in cbd.group(1)
    nagoya = re.search(r'<tr data-convention="nagoya">(.*?)</tr>', html, re.S)
    assert nagoya and "protocol to the CBD" in text(nagoya.group(1).encode())


def test_a_convention_page_lists_its_parties_and_protocols(client: Client) -> None:
    response = client.get("/convention/cbd")
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r'<tr data-country="', html)) == 195
    for code in ("COK", "NIU", "PSE"):
        assert f'<tr data-country="{code}">' in html
    assert '<tr data-country="USA">' not in html
    assert 'href="/convention/cartagena"' in html and 'href="/convention/nagoya"' in html
    assert client.get("/convention/nope").status_code == 404


def test_conventions_pages_in_french(client: Client) -> None:
    client.cookies["django_language"] = "fr"
    response = client.get("/conventions/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert "diversité biologique" in response.content.decode()


def test_the_header_links_to_sign_in_with_the_way_back(client: Client) -> None:
    html = client.get("/conventions/").content.decode()
    assert 'href="/account/login?next=/conventions/"' in html
