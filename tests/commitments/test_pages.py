"""The commitment pages: who reaches which page, and what the forms do."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from meadow.commitments import actions
from meadow.commitments.models import Commitment
from tests.commitments.conftest import People, Register, Targets, publish, submitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


FORM: dict[str, Any] = {
    "actor_name": "City of Nairobi",
    "actor_type": "local-government",
    "title_en": "Green belts for Nairobi",
    "title_fr": "Ceintures vertes pour Nairobi",
    "description_en": "A hundred hectares of restored riverside forest.",
    "coverage": "national",
    "countries": ["KEN"],
    "gbf_targets": ["gbf/target/2", "gbf/target/12"],
    "start_year": "2025",
    "end_year": "2030",
    "resources_en": "City budget",
    "amount": "",
    "currency": "",
    "website": "https://nairobi.example.org",
}


def test_the_list_shows_published_commitments_with_counts(
    client: Client, people: People, register: Register
) -> None:
    published = publish(register(), people)
    city = submitted(
        register(
            coverage="national",
            countries=["KEN"],
            actor_type="local-government",
            gbf_targets=["3", "12"],
        )
    )
    actions.review(city, actor=people.ken_focal_point, country="KEN", decision="approved")
    draft = register(title={"en": "A draft nobody sees"})
    page = client.get("/commitments/")
    assert page.status_code == 200
    html = text(page)
    assert published.get_absolute_url() in html
    assert city.get_absolute_url() in html
    assert draft.get_absolute_url() not in html
    assert "A draft nobody sees" not in html

    def count(attribute: str, value: str, html: str = html) -> int:
        found = re.search(rf'data-{attribute}="{re.escape(value)}">(\d+)<', html)
        assert found, (attribute, value)
        return int(found.group(1))

    assert count("target", "gbf/target/3") == 2
    assert count("target", "gbf/target/10") == 1
    assert count("target", "gbf/target/12") == 1
    assert count("target", "gbf/target/1") == 0
    assert count("actor-type", "business") == 1
    assert count("actor-type", "local-government") == 1

    filtered = text(client.get("/commitments/", {"gbf_target": "12"}))
    assert city.get_absolute_url() in filtered
    assert published.get_absolute_url() not in filtered
    assert count("actor-type", "business", filtered) == 0
    by_country = text(client.get("/commitments/", {"country": "BRA", "actor_type": "business"}))
    assert published.get_absolute_url() in by_country
    assert city.get_absolute_url() not in by_country
    assert 'aria-current="page">Commitments<' in html


def test_the_detail_page_is_404_to_those_who_may_not_see_it(
    client: Client, people: People, register: Register
) -> None:
    commitment = register()
    url = commitment.get_absolute_url()
    assert client.get(url).status_code == 404
    assert signed_in(people.other_business).get(url).status_code == 404
    assert signed_in(people.ken_focal_point).get(url).status_code == 404
    owner = signed_in(people.business).get(url)
    assert owner.status_code == 200
    assert "Submit for review" in text(owner)
    assert client.get("/commitment/no-such-thing").status_code == 404

    commitment = submitted(commitment)
    team = signed_in(people.ken_contributor).get(url)
    assert team.status_code == 200
    assert "Submit for review" not in text(team)
    focal_point = text(signed_in(people.ken_focal_point).get(url))
    assert "/place/KEN/commitments/review" in focal_point
    assert "/place/BRA/commitments/review" not in focal_point
    assert client.get(url).status_code == 404


def test_the_detail_page_shows_reviews_and_progress(
    client: Client, people: People, register: Register
) -> None:
    commitment = submitted(register())
    actions.review(
        commitment,
        actor=people.bra_publisher,
        country="BRA",
        decision="returned",
        comment="Name the states where the soy is grown.",
    )
    owner = signed_in(people.business)
    html = text(owner.get(commitment.get_absolute_url()))
    assert "A reviewer returned this commitment" in html
    assert "Name the states where the soy is grown." in html
    assert "(bra-pa)" not in html, "the owner sees the country's decision, not the reviewer"
    commitment.refresh_from_db()
    owner.post(f"/commitment/{commitment.code}/submit", {"version": commitment.version})
    commitment.refresh_from_db()
    assert commitment.status == "submitted"
    actions.review(commitment, actor=people.ken_focal_point, country="KEN", decision="approved")
    actions.review(commitment, actor=people.bra_publisher, country="BRA", decision="approved")

    page = text(client.get(commitment.get_absolute_url()))
    assert "Name the states where the soy is grown." in page
    assert "Report progress" not in page
    form = text(owner.get(commitment.get_absolute_url()))
    assert "Report progress" in form
    url = f"/commitment/{commitment.code}/progress"
    bad = owner.post(url, {"year": "2025", "percent_complete": "150", "text_en": "x"})
    assert bad.status_code == 400
    assert "Ensure this value is less than or equal to 100." in text(bad)
    empty = owner.post(url, {"year": "2025", "text_en": ""})
    assert empty.status_code == 400
    assert "Say what has been done" in text(empty)
    done = owner.post(
        url, {"year": "2025", "percent_complete": "40", "text_en": "Forty farms traced."}
    )
    assert done.status_code == 302
    assert (
        signed_in(people.other_business)
        .post(url, {"year": "2025", "text_en": "Not mine"})
        .status_code
        == 403
    )
    public = text(client.get(commitment.get_absolute_url()))
    assert "Forty farms traced." in public
    assert "40 % done" in public
    assert "Not mine" not in public


def test_register_and_edit_through_the_form(
    client: Client, people: People, targets: Targets
) -> None:
    anonymous = client.get("/commitments/new")
    assert anonymous.status_code == 302
    assert "/account/login" in anonymous["Location"]
    owner = signed_in(people.business)
    form = text(owner.get("/commitments/new"))
    # The active language comes first; the others are folded away.
    assert form.index('name="title_en"') < form.index("<details")
    assert form.index("<details") < form.index('name="title_fr"')
    assert "place/KEN/target/T3" in form
    assert "place/KEN/target/T9" not in form, "drafts are not offered"

    bad = owner.post("/commitments/new", {**FORM, "countries": ["KEN", "BRA"]})
    assert bad.status_code == 400
    assert "A national commitment covers exactly one country." in text(bad)
    assert not Commitment.objects.exists()

    made = owner.post("/commitments/new", FORM)
    assert made.status_code == 302
    commitment = Commitment.objects.get()
    assert made["Location"] == commitment.get_absolute_url()
    assert commitment.title == {
        "en": "Green belts for Nairobi",
        "fr": "Ceintures vertes pour Nairobi",
    }
    assert (commitment.status, commitment.owner) == ("draft", people.business)

    edit_url = f"/commitment/{commitment.code}/edit"
    assert client.get(edit_url).status_code == 302
    assert signed_in(people.other_business).get(edit_url).status_code == 404
    editing = text(owner.get(edit_url))
    assert 'value="Ceintures vertes pour Nairobi"' in editing
    assert 'name="version" value="1"' in editing
    saved = owner.post(edit_url, {**FORM, "end_year": "2029", "version": "1"})
    assert saved.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.end_year, commitment.version) == (2029, 2)
    stale = owner.post(edit_url, {**FORM, "end_year": "2031", "version": "1"})
    assert stale.status_code == 400
    assert "changed by someone else" in text(stale)
    commitment.refresh_from_db()
    assert commitment.end_year == 2029


def test_the_form_follows_the_interface_language(people: People) -> None:
    owner = signed_in(people.business)
    owner.cookies["django_language"] = "fr"
    with translation.override("fr"):
        form = text(owner.get("/commitments/new", headers={"Accept-Language": "fr"}))
    assert form.index('name="title_fr"') < form.index("<details")
    assert form.index("<details") < form.index('name="title_en"')
    posted = owner.post(
        "/commitments/new",
        {**{k: v for k, v in FORM.items() if not k.startswith("title")}, "title_fr": ""},
        headers={"Accept-Language": "fr"},
    )
    assert posted.status_code == 400
    html = text(posted)
    # The title error sits on the French title field.
    assert html.index("form__field--error") < html.index('name="title_fr"')


def test_published_commitments_are_not_edited(people: People, register: Register) -> None:
    commitment = publish(register(), people)
    owner = signed_in(people.business)
    response = owner.get(f"/commitment/{commitment.code}/edit")
    assert response.status_code == 302
    assert response["Location"] == commitment.get_absolute_url()
    assert (
        signed_in(people.other_business).get(f"/commitment/{commitment.code}/edit").status_code
        == 403
    )


def test_my_commitments(client: Client, people: People, register: Register) -> None:
    mine = register()
    theirs = register(actor=people.other_business, actor_name="Globex")
    assert client.get("/commitments/mine").status_code == 302
    html = text(signed_in(people.business).get("/commitments/mine"))
    assert mine.get_absolute_url() in html
    assert theirs.get_absolute_url() not in html
    assert "Draft" in html


def test_submit_and_withdraw_from_the_page(people: People, register: Register) -> None:
    commitment = register()
    stranger = signed_in(people.other_business)
    assert stranger.post(f"/commitment/{commitment.code}/submit").status_code == 404
    owner = signed_in(people.business)
    assert owner.get(f"/commitment/{commitment.code}/submit").status_code == 405
    stale = owner.post(f"/commitment/{commitment.code}/submit", {"version": "7"}, follow=True)
    assert "changed by someone else" in text(stale)
    owner.post(f"/commitment/{commitment.code}/submit", {"version": "1"})
    commitment.refresh_from_db()
    assert commitment.status == "submitted"
    owner.post(f"/commitment/{commitment.code}/withdraw", {"version": "2"})
    commitment.refresh_from_db()
    assert commitment.status == "withdrawn"


def test_the_review_queue(client: Client, people: People, register: Register) -> None:
    commitment = submitted(register())
    url = "/place/KEN/commitments/review"
    assert client.get(url).status_code == 302
    assert signed_in(people.usa_focal_point).get(url).status_code == 403
    assert signed_in(people.ken_contributor).get(url).status_code == 403
    assert signed_in(people.ken_focal_point).get("/place/XXX/commitments/review").status_code == 404
    # Another country's focal point cannot decide through its own queue either.
    usa = signed_in(people.usa_focal_point)
    refused = usa.post(
        "/place/USA/commitments/review", {"commitment": commitment.code, "decision": "approved"}
    )
    assert refused.status_code == 404

    kenya = signed_in(people.ken_focal_point)
    queue = text(kenya.get(url))
    assert commitment.get_absolute_url() in queue
    missing_comment = kenya.post(url, {"commitment": commitment.code, "decision": "returned"})
    assert missing_comment.status_code == 400
    assert "Say what should change" in text(missing_comment)
    approved = kenya.post(url, {"commitment": commitment.code, "decision": "approved"})
    assert approved.status_code == 302
    after = text(kenya.get(url))
    assert "No commitment is waiting for review." in after
    assert "Recent decisions" in after
    commitment.refresh_from_db()
    assert commitment.status == "submitted"

    brazil = signed_in(people.bra_publisher)
    brazil.post(
        "/place/BRA/commitments/review", {"commitment": commitment.code, "decision": "approved"}
    )
    commitment.refresh_from_db()
    assert commitment.status == "published"


def test_the_global_queue_is_the_cbd_secretariats(people: People, register: Register) -> None:
    commitment = submitted(register(coverage="global", countries=[]))
    url = "/commitments/review"
    assert signed_in(people.ken_focal_point).get(url).status_code == 403
    assert signed_in(people.cites_secretariat).get(url).status_code == 403
    staff = signed_in(people.cbd_secretariat)
    assert commitment.get_absolute_url() in text(staff.get(url))
    staff.post(url, {"commitment": commitment.code, "decision": "returned", "comment": "Scope?"})
    commitment.refresh_from_db()
    assert commitment.status == "returned"


def test_the_history_shows_every_change_with_values_to_those_concerned(
    client: Client, people: People, register: Register
) -> None:
    commitment = publish(register(), people)
    url = f"/commitment/{commitment.code}/history"
    page = signed_in(people.business).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for action in ("commitment.create", "commitment.submit", "commitment.review"):
        assert f'data-action="{action}"' in html, action
    # The last review published it: its status goes from submitted to published.
    published_row = html.split('data-field="status"', 1)[1].split("</tr>", 1)[0]
    assert "submitted" in published_row and "published" in published_row
    for reader in (people.ken_reviewer, people.bra_publisher, people.cbd_secretariat, people.admin):
        assert signed_in(reader).get(url).status_code == 200
    # Published commitments are public, their history is not.
    assert client.get(f"/commitment/{commitment.code}").status_code == 200
    assert client.get(url).status_code == 302
    for outsider in (people.other_business, people.usa_focal_point):
        assert signed_in(outsider).get(url).status_code == 404
    # The detail page links the history only for those who may read it.
    link = f'href="{url}"'
    assert (
        link
        in signed_in(people.ken_reviewer).get(f"/commitment/{commitment.code}").content.decode()
    )
    assert link not in client.get(f"/commitment/{commitment.code}").content.decode()
