"""The API: conventions, Parties, who am I, and the audit log with what it may show."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from meadow.audit.models import AuditEntry
from meadow.parties import team
from tests.parties.conftest import SYSTEM, People, client_for, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]


def test_conventions_with_their_number_of_parties(client: Client) -> None:
    data = client.get("/api/v1/conventions/").json()
    assert data["count"] == 9
    by_code = {c["code"]: c for c in data["results"]}
    cbd = by_code["cbd"]
    assert cbd["party_count"] == 195
    assert cbd["protocols"] == ["cartagena", "nagoya"]
    assert cbd["parent"] is None
    assert cbd["url"] == "/convention/cbd"
    assert set(cbd["names"]) == {"ar", "en", "es", "fr", "ru", "zh"}
    assert by_code["nagoya"]["parent"] == "cbd"
    assert by_code["ramsar"]["party_count"] == 0


def test_one_convention_in_a_language(client: Client) -> None:
    english = client.get("/api/v1/conventions/cbd/").json()
    french = client.get("/api/v1/conventions/cbd/", {"lang": "fr"}).json()
    assert english["name"] == english["names"]["en"]
    assert french["name"] == french["names"]["fr"] != english["name"]
    assert client.get("/api/v1/conventions/nope/").status_code == 404


def test_parties_filtered_by_convention_and_country(client: Client) -> None:
    cbd = client.get("/api/v1/parties/", {"convention": "cbd", "page_size": 1000}).json()
    assert cbd["count"] == 195
    codes = {row["country"] for row in cbd["results"]}
    assert {"COK", "NIU", "PSE"} <= codes and "USA" not in codes
    cook = client.get("/api/v1/parties/", {"country": "cok"}).json()["results"]
    assert [(r["convention"], r["country"]) for r in cook] == [("cbd", "COK")]
    assert cook[0]["country_name"] == "Cook Islands"
    assert client.get("/api/v1/parties/", {"country": "USA"}).json()["count"] == 0
    rows = list(csv.reader(io.StringIO(client.get("/api/v1/parties/?format=csv").content.decode())))
    assert rows[0] == ["convention", "country", "country_name", "since", "source"]


def test_me_for_the_public(client: Client) -> None:
    assert client.get("/api/v1/me/").json() == {
        "is_authenticated": False,
        "username": None,
        "is_admin": False,
        "countries": [],
        "secretariat": [],
        "token": None,
    }
    rows = list(csv.reader(io.StringIO(client.get("/api/v1/me/?format=csv").content.decode())))
    assert rows[1][0] == "False"


def test_me_for_an_administrator(people: People) -> None:
    me = client_for(people.admin).get("/api/v1/me/").json()
    assert (me["username"], me["is_admin"], me["countries"]) == ("ada", True, [])


# The audit log ------------------------------------------------------------------------------


@pytest.fixture
def history(people: People) -> None:
    """A change in GBR's team and one in France's."""
    extra = make_user("extra")
    team.grant_role(actor=SYSTEM, user=extra, country="GBR", role="reviewer")
    team.grant_role(actor=SYSTEM, user=extra, country="FRA", role="reviewer")


def countries(client: Client, **params: str) -> set[str]:
    response = client.get("/api/v1/audit/", {"page_size": 1000, **params})
    assert response.status_code == 200
    return {entry["country"] for entry in response.json()["results"]}


@pytest.mark.usefixtures("history")
@pytest.mark.parametrize(
    ("who", "gbr", "fra", "everything"),
    [
        ("focal_point", 200, 404, {"GBR"}),
        ("reviewer", 200, 404, {"GBR"}),
        ("other_country", 404, 200, {"FRA"}),
        ("secretariat", 200, 200, {"GBR", "FRA", ""}),
        ("admin", 200, 200, {"GBR", "FRA", ""}),
        ("nobody", 404, 404, set()),
        ("anonymous", 404, 404, set()),
    ],
)
def test_the_audit_log_shows_what_the_policy_allows(
    people: People, who: str, gbr: int, fra: int, everything: set[str]
) -> None:
    client = client_for(people.named(who))
    assert client.get("/api/v1/audit/", {"country": "GBR"}).status_code == gbr
    assert client.get("/api/v1/audit/", {"country": "fra"}).status_code == fra
    assert countries(client) >= everything
    assert countries(client) <= everything | {""}
    if gbr == 200:
        assert countries(client, country="GBR") == {"GBR"}


@pytest.mark.usefixtures("history")
def test_the_audit_log_of_one_record(people: People) -> None:
    client = client_for(people.focal_point)
    entries = client.get(
        "/api/v1/audit/", {"country": "GBR", "object_uid": "party/GBR/team/extra"}
    ).json()["results"]
    assert len(entries) == 1
    entry = entries[0]
    assert entry["actor"] == "system:tests"
    assert entry["action"] == "team.change"
    assert entry["before"] is None
    assert entry["after"] == {"user": "extra", "roles": ["reviewer"]}
    assert entry["changed_fields"] == ["roles", "user"]
    # The reference data's entry for the UK's Party to the CBD is in its history too.
    party = client.get(
        "/api/v1/audit/", {"country": "GBR", "object_uid": "convention/cbd/party/GBR"}
    ).json()["results"]
    assert [e["action"] for e in party] == ["party.add"]


def test_the_audit_log_is_newest_first(people: People) -> None:
    for role in ("reviewer", "contributor"):
        team.grant_role(actor=SYSTEM, user=people.nobody, country="GBR", role=role)
    ids = [
        e["id"]
        for e in client_for(people.admin)
        .get("/api/v1/audit/", {"country": "GBR"})
        .json()["results"]
    ]
    assert ids == sorted(ids, reverse=True)
    assert ids[0] == AuditEntry.objects.filter(country="GBR").order_by("-id").first().pk  # type: ignore[union-attr]
