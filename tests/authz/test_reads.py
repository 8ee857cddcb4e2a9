"""Reads: every page and endpoint of the project, for every actor.

Every URL pattern of the root URLconf has sample addresses below (a test fails when a
new pattern has none). Each sample is fetched by every actor (API tokens on API
addresses; on web pages the token client of a user holding every power shows that
tokens are ignored there), and the answer is checked against the documented rules:

- the status is the expected one (never a 5xx): a record the actor may not read is a
  404, never a 403; a visitor is sent to sign in (302) where a page needs a person;
- no answer carries the marker of a record the actor may not read (drafts, commitments
  under review, a person's job, the team's invitations, national reports not published
  and the team's comments on reports), nor any secret at all (API keys, invitation
  secrets, password hashes);
- the page of a record the actor may read shows it, and lists show what they should;
- a published report shows what its latest snapshot froze, never the country's facts
  as they stand since, and the forms and buttons a page offers follow the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from meadow.parties.models import ApiToken
from tests.authz.conftest import World
from tests.authz.matrix import (
    ACTORS,
    ADMIN_JOB,
    ANSWERED,
    ASSIGNED_QUESTION,
    ASSIGNEE,
    BRA_ANSWER,
    COMMITMENTS,
    DRAFT,
    DRAFT_ANSWER,
    IN_REVIEW,
    INVITATION,
    NR7,
    OTHER,
    OWN,
    PUB_ANSWER,
    PUBLISHED,
    REPORTS,
    SECRETS,
    STEPS_FROM,
    SUB_ANSWER,
    TARGETS,
    WEB_ACTORS,
    WORKING,
    Facts,
    Record,
    Who,
    body_text,
    drafts_in,
    edits_answer_of,
    publishes_in,
    sees_in,
    takes_step,
)

Expect = Callable[[Facts], int]
Offer = tuple[str, Callable[[Facts], bool]]


@dataclass(frozen=True)
class Read:
    """A sample address of a URL pattern and what each actor should get there."""

    template: str  # filled from the world: {t[KEN-DRAFT].code}, {c[...].code}, {x[series]}
    expect: Expect
    about: Record | None = None  # a 200 shows this record
    lists: tuple[Record, ...] = ()  # a 200 lists these, to those who may read them
    public_only: bool = False  # shows published records only, to everyone
    grants: Record | None = None  # the address itself is the key to this record
    allows: tuple[str, ...] = ()  # markers this page may show to whoever gets a 200
    location: str = "/account/login"  # where a redirect of the public must lead
    moved: str = ""  # where a redirect of someone signed in must lead (else: location)
    lister: Callable[[Facts, Record], bool] = Facts.reads  # who must see ``lists``
    shows: tuple[str, ...] = ()  # a 200 shows these
    hides: tuple[str, ...] = ()  # no answer shows these, whoever asks
    offers: tuple[Offer, ...] = ()  # a 200 has this text exactly for those the rule says
    # Who may be shown a secret record here (by default: who reads it, unless the page
    # shows published records only).
    shown_to: Callable[[Facts, Record], bool] | None = None


# Expectations ---------------------------------------------------------------------------------


def ok(_: Facts) -> int:
    return 200


def status(code: int) -> Expect:
    return lambda _: code


def signed_in(code: int = 200) -> Expect:
    return lambda f: code if f.signed_in else 302


def anonymous_only(f: Facts) -> int:
    return 302 if f.signed_in else 200


def readable(record: Record) -> Expect:
    return lambda f: 200 if f.reads(record) else 404


def team_page(country: str) -> Expect:
    """Team and history pages: visitors sign in; anyone else not on the team: 404."""
    return lambda f: (200 if f.sees(country) else 404) if f.signed_in else 302


def gated(may: Callable[[Facts], bool], record: Record | None = None) -> Expect:
    """A record nobody may know of is a 404; then visitors sign in; then the policy."""

    def expect(f: Facts) -> int:
        if record is not None and not f.reads(record):
            return 404
        if may(f):
            return 200
        return 403 if f.signed_in else 302

    return expect


def may_edit_target(record: Record) -> Callable[[Facts], bool]:
    if record.status == PUBLISHED:
        return publishes_in(record.country)
    return drafts_in(record.country)


def commitment_form(record: Record) -> Expect:
    """Editing a commitment: sign in first; 404 if unseen; owner and administrators
    only; a commitment not in draft or returned sends the editor back to its page."""

    def expect(f: Facts) -> int:
        if not f.signed_in:
            return 302
        if not f.reads(record):
            return 404
        if not f.edits_commitments():
            return 403
        return 200 if record.status in ("draft", "returned") else 302

    return expect


def commitment_history(record: Record) -> Expect:
    """A commitment's history: 404 if unseen; then visitors sign in; then its owner,
    the teams of its countries, the secretariat and administrators (404 for others)."""

    def expect(f: Facts) -> int:
        if not f.reads(record):
            return 404
        if not f.signed_in:
            return 302
        mine = f.owner and f.password
        team = any(f.sees(c) for c in record.countries)
        return 200 if mine or f.admin or f.secretariat or team else 404

    return expect


def _linked(record: Record) -> tuple[str, ...]:
    """A commitment's history keeps the uids of the national targets it was linked to,
    even one unpublished since: its owner typed them in when the target was public."""
    return TARGETS["KEN-DRAFT"].markers[1:] if record.label == "KEN-PUBLISHED" else ()


def audit_of(country: str) -> Expect:
    return lambda f: 200 if f.sees(country) else 404


def job_page(record: Record | None) -> Expect:
    def expect(f: Facts) -> int:
        if not f.signed_in:
            return 302
        return 200 if record is None or f.reads(record) else 404

    return expect


def team_material(record: Record, api: bool = False) -> Expect:
    """A report's comments, assignments and answer history: 404 if the report is unseen;
    the team, the secretariat and administrators; visitors sign in (401 on the API);
    others are refused (403)."""

    def expect(f: Facts) -> int:
        if not f.reads(record):
            return 404
        if f.sees(record.country):
            return 200
        if f.signed_in:
            return 403
        return 401 if api else 302

    return expect


def team_only(record: Record) -> Expect:
    """A report's earlier submissions (on its page, a snapshot or a difference in the
    API): the team's, the secretariat's and administrators' (404 for others)."""
    return lambda f: 200 if f.reads(record) and f.sees(record.country) else 404


def invalid_for_readers(record: Record) -> Expect:
    """An unknown export format: 400 for those who read the report, 404 for others."""
    return lambda f: 400 if f.reads(record) else 404


def nobody(_: Facts) -> bool:
    return False


# The table ------------------------------------------------------------------------------------

KT = [TARGETS[k] for k in ("KEN-PUB", "KEN-DRAFT", "BRA-PUB", "BRA-DRAFT")]
CM = list(COMMITMENTS.values())
ALL_TARGETS = tuple(TARGETS.values())
ALL_COMMITMENTS = tuple(COMMITMENTS.values())
KEN_TARGETS = (TARGETS["KEN-PUB"], TARGETS["KEN-DRAFT"])
BRA_TARGETS = (TARGETS["BRA-PUB"], TARGETS["BRA-DRAFT"])
DRAFTS = (TARGETS["KEN-DRAFT"], TARGETS["BRA-DRAFT"])
PUBLISHED_TARGETS = (TARGETS["KEN-PUB"], TARGETS["BRA-PUB"])
PUBLISHED_COMMITMENTS = (COMMITMENTS["KEN-PUBLISHED"], COMMITMENTS["BRA-PUBLISHED"])
# Addresses that only take a POST answer any GET with 405, whatever the record (the
# writes of test_writes.py post to them); one record each is enough here.
POST_ONLY_T = [TARGETS["KEN-DRAFT"]]
POST_ONLY_C = [COMMITMENTS["KEN-DRAFT"]]


def _t(record: Record, suffix: str = "") -> str:
    return f"/place/{record.country}/target/{{t[{record.label}].code}}{suffix}"


def _c(record: Record, suffix: str = "") -> str:
    return f"/commitment/{{c[{record.label}].code}}{suffix}"


def _api_t(record: Record, suffix: str = "") -> str:
    return f"/api/v1/national-targets/{{t[{record.label}].pk}}/{suffix}"


def _api_c(record: Record, suffix: str = "") -> str:
    return f"/api/v1/commitments/{{c[{record.label}].code}}/{suffix}"


def _countries(template: str, expect: Callable[[str], Expect], **extra: Any) -> list[Read]:
    return [Read(template.format(code=code), expect(code), **extra) for code in (OWN, OTHER)]


R = REPORTS
ALL_REPORTS = tuple(REPORTS.values())
KEN_REPORTS = tuple(r for r in ALL_REPORTS if r.country == OWN)
DRAFT_REPORTS = tuple(r for r in ALL_REPORTS if r.status == DRAFT)
EARLY = WORKING["KEN-PUB-RETURNED"].markers[0]
# What each report's marked answer is, as it shows it.
ANSWER_OF = {
    "KEN-PUB": PUB_ANSWER,
    "KEN-SUB": SUB_ANSWER,
    "KEN-REVIEW": DRAFT_ANSWER,
    "KEN-DRAFT": DRAFT_ANSWER,
    "BRA-DRAFT": BRA_ANSWER,
}
# A report frozen by a snapshot never shows what the country's fact became since (nor
# what a returned submission said): its pages are checked for these, whoever asks.
LATER = {
    "KEN-PUB": (SUB_ANSWER, DRAFT_ANSWER, EARLY),
    "KEN-SUB": (DRAFT_ANSWER, EARLY),
}
STEP_FORM = 'name="step" value="{}"'
OPEN_FORM = 'name="template"'
ASSIGN_FORM = "report-assign-form"
OFFLINE_FORM = "import-form"


def _r(label: str, suffix: str = "") -> str:
    record = R[label]
    return f"/place/{record.country}/report/{NR7}/{record.code}{suffix}"


def _api_r(label: str, suffix: str = "") -> str:
    return f"/api/v1/reports/{{r[{label}].pk}}/{suffix}"


def _answers(label: str) -> dict[str, Any]:
    """A page or answer showing the report's answers: its own, no later one."""
    return {"shows": (ANSWER_OF[label],), "hides": LATER.get(label, ())}


def _steps_offered(label: str) -> tuple[Offer, ...]:
    """The workflow's buttons on a report's page: each step its state allows, to those
    the step's rule lets take it."""
    record = R[label]
    possible = STEPS_FROM[record.status]
    offers: list[Offer] = [(STEP_FORM.format(step), takes_step(step, record)) for step in possible]
    if not possible:
        offers.append(('name="step"', nobody))
    # The workbook's upload: to those who may still change the answers: the writers of
    # a draft; the focal point and the publishing authority of a report in review.
    if record.status == DRAFT:
        offers.append((OFFLINE_FORM, lambda f: f.edits_facts(record.country)))
    elif record.status == IN_REVIEW:
        offers.append((OFFLINE_FORM, lambda f: f.publishes(record.country)))
    else:
        offers.append((OFFLINE_FORM, nobody))
    offers.append((ASSIGN_FORM, lambda f: f.assigns(record.country)))
    return tuple(offers)


def _report_pages() -> dict[str, list[Read]]:
    """The national reports' web pages."""
    draft = R["KEN-DRAFT"]
    pub = R["KEN-PUB"]
    comment = WORKING["KEN-DRAFT-COMMENT"]
    pub_comment = WORKING["KEN-PUB-COMMENT"]
    comment_form = f'id="comment-{ANSWERED}"'
    return {
        # Published reports for everyone; submitted ones for the secretariat and
        # administrators; drafts never, whoever asks.
        "reports/": [
            Read(
                "/reports/",
                ok,
                lists=ALL_REPORTS,
                lister=Facts.lists_report,
                shown_to=Facts.lists_report,
            ),
            Read(
                "/reports/?state=submitted",
                ok,
                lists=(R["KEN-SUB"],),
                lister=Facts.lists_report,
                shown_to=Facts.lists_report,
            ),
            Read(
                f"/reports/?template={NR7}",
                ok,
                lists=ALL_REPORTS,
                lister=Facts.lists_report,
                shown_to=Facts.lists_report,
            ),
        ],
        "reports/templates/<slug:code>/<str:version>": [
            Read(f"/reports/templates/{NR7}/2026.1", ok),
            Read(f"/reports/templates/{NR7}/1999.1", status(404)),
        ],
        "place/<str:code>/reports": [
            Read(
                "/place/KEN/reports",
                ok,
                lists=KEN_REPORTS,
                offers=((OPEN_FORM, drafts_in(OWN)),),
            ),
            Read(
                "/place/BRA/reports",
                ok,
                lists=(R["BRA-DRAFT"],),
                offers=((OPEN_FORM, drafts_in(OTHER)),),
            ),
            Read("/place/001/reports", status(404)),
        ],
        "place/<str:code>/reports/open": [Read("/place/KEN/reports/open", status(405))],
        "place/<str:code>/report/<slug:template>/<str:cycle>": [
            *(
                Read(
                    _r(label),
                    readable(record),
                    about=record,
                    hides=LATER.get(label, ()),
                    # The reason the secretariat gave, for the team's eyes.
                    lists=(WORKING["KEN-PUB-REASON"],) if label == "KEN-PUB" else (),
                    offers=_steps_offered(label),
                )
                for label, record in R.items()
            ),
            Read("/place/KEN/report/cbd-nr7/1999", status(404)),
            Read("/place/001/report/cbd-nr7/2026", status(404)),
        ],
        "place/<str:code>/report/<slug:template>/<str:cycle>/move": [
            Read(_r("KEN-DRAFT", "/move"), status(405))
        ],
        "place/<str:code>/report/<slug:template>/<str:cycle>/assign": [
            Read(_r("KEN-DRAFT", "/assign"), status(405))
        ],
        "place/<str:code>/report/<slug:template>/<str:cycle>/offline": [
            Read(_r("KEN-DRAFT", "/offline"), status(405))
        ],
        "place/<str:code>/report/<slug:template>/<str:cycle>/export.<str:fmt>": [
            *(
                Read(_r(label, "/export.json"), readable(record), **_answers(label))
                for label, record in R.items()
            ),
            # The slower formats on a frozen report, the team's draft and another
            # country's draft (the API's export checks the PDF's status).
            *(
                Read(_r(label, f"/export.{fmt}"), readable(R[label]), **_answers(label))
                for label in ("KEN-PUB", "KEN-DRAFT", "BRA-DRAFT")
                for fmt in ("xlsx", "docx")
            ),
            Read(_r("KEN-PUB", "/export.txt"), status(404)),
        ],
        "place/<str:code>/report/<slug:template>/<str:cycle>/compare": [
            *(
                Read(_r(label, "/compare"), readable(record), hides=LATER.get(label, ()))
                for label, record in R.items()
            ),
            # Since the previous cycle: the submitted report's snapshot, then the facts.
            Read(
                _r("KEN-REVIEW", "/compare"),
                readable(R["KEN-REVIEW"]),
                shows=(SUB_ANSWER, DRAFT_ANSWER),
            ),
            # Between two submissions: the team's, the returned one included.
            Read(_r("KEN-PUB", "/compare?from=1&to=2"), team_only(pub), shows=(EARLY, PUB_ANSWER)),
            Read(_r("KEN-PUB", "/compare?from=1&to=9"), status(404)),
        ],
        "place/<str:code>/report/<slug:template>/<str:cycle>/section/<str:key>": [
            *(
                Read(
                    _r(label, "/section/I"),
                    readable(record),
                    lists={"KEN-PUB": (pub_comment,), "KEN-DRAFT": (comment,)}.get(label, ()),
                    offers=(
                        (f'name="q-{ANSWERED}"', edits_answer_of(record)),
                        (comment_form, sees_in(record.country)),
                    ),
                    **_answers(label),
                )
                for label, record in R.items()
            ),
            # Given to the contributor: its assignee, the focal point and the publishing
            # authority answer it.
            Read(
                _r("KEN-DRAFT", "/section/II"),
                readable(draft),
                offers=(
                    (
                        f'name="q-{ASSIGNED_QUESTION}"',
                        edits_answer_of(draft, (ASSIGNEE,)),
                    ),
                ),
            ),
            Read(_r("KEN-PUB", "/section/ZZ"), status(404)),
            Read(_r("KEN-DRAFT", "/section/ZZ"), status(404)),
        ],
        "place/<str:code>/report/<slug:template>/<str:cycle>/comment": [
            Read(_r("KEN-DRAFT", "/comment"), status(405))
        ],
        "place/<str:code>/report/<slug:template>/<str:cycle>/comment/<int:pk>/resolve": [
            Read(_r("KEN-DRAFT", "/comment/{x[comment]}/resolve"), status(405))
        ],
        # Every value the fact has had (later ones, and the returned submission's, too):
        # the team's.
        "place/<str:code>/report/<slug:template>/<str:cycle>/answer/<str:question>/history": [
            *(
                Read(
                    _r(label, f"/answer/{ANSWERED}/history"),
                    team_material(record),
                    shows=(ANSWER_OF[label],),
                )
                for label, record in R.items()
            ),
            Read(_r("KEN-PUB", "/answer/nowhere/history"), status(404)),
        ],
    }


def _report_endpoints() -> dict[str, list[Read]]:
    """The national reports' API."""
    pub = R["KEN-PUB"]
    reports = f"{V1}^reports/(?P<pk>[0-9]+)/"
    return {
        f"{V1}^report-templates/$": [
            Read("/api/v1/report-templates/", ok),
            Read("/api/v1/report-templates/?convention=cbd", ok),
        ],
        f"{V1}^report-templates/(?P<ref>[a-z0-9-]+[/@][A-Za-z0-9._-]+)/$": [
            Read(f"/api/v1/report-templates/{NR7}/2026.1/", ok),
            Read(f"/api/v1/report-templates/{NR7}@2026.1/", ok),
            Read(f"/api/v1/report-templates/{NR7}/1999.1/", status(404)),
        ],
        f"{V1}^report-templates/check/$": [Read("/api/v1/report-templates/check/", status(405))],
        f"{V1}^reports/$": [
            Read("/api/v1/reports/", ok, lists=ALL_REPORTS),
            Read("/api/v1/reports/?country=KEN", ok, lists=KEN_REPORTS),
            Read("/api/v1/reports/?state=draft", ok, lists=DRAFT_REPORTS),
            Read(f"/api/v1/reports/?template={NR7}&cycle=2030", ok, lists=(R["KEN-DRAFT"],)),
        ],
        f"{reports}$": [
            Read(
                _api_r(label),
                readable(record),
                about=record,
                lists=(WORKING["KEN-PUB-REASON"],) if label == "KEN-PUB" else (),
                hides=LATER.get(label, ()),
            )
            for label, record in R.items()
        ],
        f"{reports}answers/$": [
            Read(_api_r(label, "answers/"), readable(record), **_answers(label))
            for label, record in R.items()
        ],
        f"{reports}answers/(?P<key>[^/]+)/$": [
            *(
                Read(_api_r(label, f"answers/{ANSWERED}/"), readable(record), **_answers(label))
                for label, record in R.items()
            ),
            Read(_api_r("KEN-PUB", "answers/nowhere/"), status(404)),
        ],
        f"{reports}answers/(?P<key>[^/]+)/history/$": [
            Read(
                _api_r(label, f"answers/{ANSWERED}/history/"),
                team_material(record, api=True),
                shows=(ANSWER_OF[label],),
            )
            for label, record in R.items()
        ],
        f"{reports}assignments/$": [
            Read(
                _api_r(label, "assignments/"),
                team_material(record, api=True),
                shows=(ASSIGNEE,) if label == "KEN-DRAFT" else (),
            )
            for label, record in R.items()
        ],
        f"{reports}comments/$": [
            Read(
                _api_r(label, "comments/"),
                team_material(record, api=True),
                lists={
                    "KEN-PUB": (WORKING["KEN-PUB-COMMENT"],),
                    "KEN-DRAFT": (WORKING["KEN-DRAFT-COMMENT"],),
                }.get(label, ()),
            )
            for label, record in R.items()
        ],
        f"{reports}comments/(?P<cid>[0-9]+)/resolve/$": [
            Read(_api_r("KEN-DRAFT", "comments/{x[comment]}/resolve/"), status(405))
        ],
        f"{reports}diff/$": [
            *(
                Read(_api_r(label, "diff/"), readable(record), hides=LATER.get(label, ()))
                for label, record in R.items()
            ),
            Read(
                _api_r("KEN-REVIEW", "diff/"),
                readable(R["KEN-REVIEW"]),
                shows=(SUB_ANSWER, DRAFT_ANSWER),
            ),
            # Between two submissions, the returned one: what it said is the team's.
            Read(_api_r("KEN-PUB", "diff/?from=1&to=2"), team_only(pub), shows=(PUB_ANSWER,)),
            Read(_api_r("KEN-PUB", "diff/?from=2"), readable(pub), hides=LATER["KEN-PUB"]),
            Read(_api_r("KEN-PUB", "diff/?from=9"), invalid_for_readers(pub)),
        ],
        f"{reports}export/$": [
            *(
                Read(_api_r(label, "export/?format=json"), readable(record), about=record)
                for label, record in R.items()
            ),
            *(
                Read(_api_r(label, f"export/?format={fmt}"), readable(R[label]), **_answers(label))
                for label in ("KEN-PUB", "KEN-DRAFT", "BRA-DRAFT")
                for fmt in ("json", "xlsx")
            ),
            Read(_api_r("KEN-PUB", "export/?format=docx"), readable(pub), **_answers("KEN-PUB")),
            Read(_api_r("KEN-DRAFT", "export/?format=pdf"), readable(R["KEN-DRAFT"])),
            Read(_api_r("KEN-DRAFT", "export/?format=txt"), invalid_for_readers(R["KEN-DRAFT"])),
        ],
        f"{reports}snapshots/$": [
            Read(_api_r(label, "snapshots/"), readable(record)) for label, record in R.items()
        ],
        f"{reports}snapshots/(?P<number>[0-9]+)/$": [
            Read(_api_r("KEN-PUB", "snapshots/2/"), readable(pub), **_answers("KEN-PUB")),
            # The returned submission: what it said was never published.
            Read(_api_r("KEN-PUB", "snapshots/1/"), team_only(pub)),
            Read(_api_r("KEN-SUB", "snapshots/1/"), readable(R["KEN-SUB"]), **_answers("KEN-SUB")),
            Read(_api_r("KEN-PUB", "snapshots/9/"), status(404)),
        ],
        f"{reports}transitions/$": [
            Read(
                _api_r(label, "transitions/"),
                readable(record),
                lists=(WORKING["KEN-PUB-REASON"],) if label == "KEN-PUB" else (),
            )
            for label, record in R.items()
        ],
        f"{reports}validate/$": [
            Read(_api_r(label, "validate/"), readable(record)) for label, record in R.items()
        ],
    }


V1 = "api/v1/"
DATA_PAGE = (
    "^data/(?P<framework>[-a-z0-9]+)/(?P<level>[-a-z]+)/(?P<code>[A-Za-z0-9.]+)"
    "/(?P<place>[A-Za-z0-9]{3})$"
)

READS: dict[str, list[Read]] = {
    # Django's language switch: sends back to the page asked for.
    "i18n/setlang/": [Read("/i18n/setlang/?next=/targets/", status(302), location="/targets/")],
    # The admin site (every admin/... pattern): staff only; the rest are sent to its
    # sign-in page. Its own pages are Django's; one index and the audit log (which holds
    # every draft) are checked for every actor.
    "admin/": [
        Read("/admin/", lambda f: 200 if f.staff else 302, location="/admin/login/"),
        Read(
            "/admin/audit/auditentry/?country=KEN",
            lambda f: 200 if f.staff else 302,
            location="/admin/login/",
        ),
    ],
    "api/schema/": [Read("/api/schema/", ok)],
    "api/docs/": [Read("/api/docs/", ok)],
    V1: [Read("/api/v1/", ok)],
    f"{V1}^frameworks/$": [Read("/api/v1/frameworks/", ok)],
    f"{V1}^frameworks/(?P<slug>[^/.]+)/$": [Read("/api/v1/frameworks/gbf/", ok)],
    f"{V1}^elements/$": [Read("/api/v1/elements/?framework=gbf", ok)],
    f"{V1}^elements/(?P<uid>[a-z0-9-]+/[a-z-]+/[A-Za-z0-9.]+)/$": [
        Read("/api/v1/elements/gbf/target/3/", ok)
    ],
    f"{V1}^relations/$": [Read("/api/v1/relations/", ok)],
    f"{V1}^relations/(?P<pk>[^/.]+)/$": [Read("/api/v1/relations/{x[relation]}/", ok)],
    f"{V1}^places/$": [Read("/api/v1/places/", ok)],
    f"{V1}^places/(?P<code>[0-9]{{3}}|[A-Z]{{3}})/$": _countries(
        "/api/v1/places/{code}/", lambda c: ok
    ),
    f"{V1}^groups/$": [Read("/api/v1/groups/", ok)],
    f"{V1}^groups/(?P<slug>[^/.]+)/$": [Read("/api/v1/groups/ldc/", ok)],
    f"{V1}^weight-sets/$": [Read("/api/v1/weight-sets/", ok)],
    f"{V1}^weight-sets/(?P<slug>[^/.]+)/$": [Read("/api/v1/weight-sets/population/", ok)],
    f"{V1}^weights/$": [Read("/api/v1/weights/?place=KEN", ok)],
    f"{V1}^series/$": [Read("/api/v1/series/?place=GBR", ok)],
    f"{V1}^series/(?P<pk>[^/.]+)/$": [Read("/api/v1/series/{x[series]}/", ok)],
    f"{V1}^observations/$": [Read("/api/v1/observations/?series={x[series]}", ok)],
    f"{V1}^observations/(?P<pk>[^/.]+)/$": [Read("/api/v1/observations/{x[observation]}/", ok)],
    f"{V1}^imports/$": [Read("/api/v1/imports/", ok)],
    f"{V1}^imports/(?P<pk>[^/.]+)/$": [Read("/api/v1/imports/{x[import]}/", ok)],
    f"{V1}^imports/(?P<pk>[^/.]+)/changes/$": [Read("/api/v1/imports/{x[import]}/changes/", ok)],
    f"{V1}^assessments/$": [Read("/api/v1/assessments/", ok)],
    f"{V1}^assessments/(?P<pk>[^/.]+)/$": [Read("/api/v1/assessments/{x[assessment]}/", ok)],
    f"{V1}^jobs/$": [Read("/api/v1/jobs/", ok, lists=(ADMIN_JOB,))],
    f"{V1}^jobs/(?P<pk>[^/.]+)/$": [
        Read("/api/v1/jobs/{x[system_job]}/", ok),
        Read("/api/v1/jobs/{x[admin_job]}/", readable(ADMIN_JOB), about=ADMIN_JOB),
    ],
    f"{V1}^conventions/$": [Read("/api/v1/conventions/", ok)],
    f"{V1}^conventions/(?P<code>[a-z0-9-]+)/$": [Read("/api/v1/conventions/cbd/", ok)],
    f"{V1}^parties/$": [Read("/api/v1/parties/?country=KEN", ok)],
    f"{V1}^me/$": [Read("/api/v1/me/", ok)],
    f"{V1}^audit/$": [
        Read("/api/v1/audit/", ok),
        Read("/api/v1/audit/?country=KEN", audit_of(OWN), lists=(TARGETS["KEN-DRAFT"],)),
        Read("/api/v1/audit/?country=BRA", audit_of(OTHER), lists=(TARGETS["BRA-DRAFT"],)),
    ],
    f"{V1}^national-targets/$": [
        Read("/api/v1/national-targets/", ok, lists=ALL_TARGETS),
        Read("/api/v1/national-targets/?country=KEN", ok, lists=KEN_TARGETS),
        Read("/api/v1/national-targets/?status=draft", ok, lists=DRAFTS),
    ],
    f"{V1}^national-targets/(?P<pk>[0-9]+)/$": [Read(_api_t(r), readable(r), about=r) for r in KT],
    f"{V1}^national-targets/(?P<pk>[0-9]+)/publish/$": [
        Read(_api_t(r, "publish/"), status(405)) for r in POST_ONLY_T
    ],
    f"{V1}^national-targets/(?P<pk>[0-9]+)/unpublish/$": [
        Read(_api_t(r, "unpublish/"), status(405)) for r in POST_ONLY_T
    ],
    f"{V1}^global-elements/$": [Read("/api/v1/global-elements/", ok)],
    f"{V1}^global-elements/(?P<code>[a-z0-9-]+)/$": [
        Read("/api/v1/global-elements/gbf-3-land/", ok)
    ],
    f"{V1}^commitments/$": [
        Read("/api/v1/commitments/", ok, lists=ALL_COMMITMENTS),
        Read("/api/v1/commitments/?mine=true", ok),
        Read("/api/v1/commitments/?status=submitted", ok),
    ],
    f"{V1}^commitments/(?P<code>[-a-z0-9_]+)/$": [
        Read(_api_c(r), readable(r), about=r) for r in CM
    ],
    f"{V1}^commitments/(?P<code>[-a-z0-9_]+)/progress-reports/$": [
        Read(_api_c(r, "progress-reports/"), readable(r)) for r in CM
    ],
    f"{V1}^commitments/(?P<code>[-a-z0-9_]+)/review/$": [
        Read(_api_c(r, "review/"), status(405)) for r in POST_ONLY_C
    ],
    f"{V1}^commitments/(?P<code>[-a-z0-9_]+)/submit/$": [
        Read(_api_c(r, "submit/"), status(405)) for r in POST_ONLY_C
    ],
    f"{V1}^commitments/(?P<code>[-a-z0-9_]+)/withdraw/$": [
        Read(_api_c(r, "withdraw/"), status(405)) for r in POST_ONLY_C
    ],
    f"{V1}^stocktake/targets/$": [Read("/api/v1/stocktake/targets/", ok, public_only=True)],
    f"{V1}^stocktake/targets/(?P<code>[0-9]+)/$": [
        Read("/api/v1/stocktake/targets/3/", ok, public_only=True)
    ],
    f"{V1}^stocktake/elements/$": [Read("/api/v1/stocktake/elements/", ok, public_only=True)],
    f"{V1}^stocktake/elements/(?P<code>[-a-zA-Z0-9_]+)/$": [
        Read("/api/v1/stocktake/elements/gbf-3-land/", ok, public_only=True)
    ],
    f"{V1}^stocktake/indicators/$": [Read("/api/v1/stocktake/indicators/", ok, public_only=True)],
    f"{V1}^stocktake/indicators/(?P<uid>[a-z0-9-]+/[a-z-]+/[A-Za-z0-9.]+)/$": [
        Read("/api/v1/stocktake/indicators/{x[aggregated]}/", ok, public_only=True)
    ],
    f"{V1}^stocktake/indicators/(?P<uid>[a-z0-9-]+/[a-z-]+/[A-Za-z0-9.]+)/aggregates/$": [
        Read("/api/v1/stocktake/indicators/{x[aggregated]}/aggregates/", ok, public_only=True)
    ],
    # Accounts
    "account/": [Read("/account/", signed_in())],
    "account/login": [Read("/account/login", anonymous_only, moved="/account/")],
    "account/logout": [Read("/account/logout", status(405))],
    "account/password-reset": [Read("/account/password-reset", ok)],
    "account/password-reset/sent": [Read("/account/password-reset/sent", ok)],
    "account/password-reset/<uidb64>/<token>": [Read("/account/password-reset/MQ/not-a-token", ok)],
    "account/password-reset/done": [Read("/account/password-reset/done", ok)],
    "account/password-change": [Read("/account/password-change", signed_in())],
    "account/password-change/done": [Read("/account/password-change/done", signed_in())],
    "account/token/<int:pk>/revoke": [Read("/account/token/{x[ken_token]}/revoke", signed_in(405))],
    # An invitation's secret is the key to it: whoever has the link reads it.
    "invitation/<str:secret>": [
        Read("/invitation/{x[secret]}", ok, grants=INVITATION),
        Read("/invitation/not-a-secret", status(404)),
    ],
    # Teams and histories
    "place/<str:code>/team": _countries("/place/{code}/team", team_page),
    "place/<str:code>/team/invitation/<int:pk>/revoke": [
        Read("/place/KEN/team/invitation/{x[invitation]}/revoke", status(405))
    ],
    "place/<str:code>/team/role/<int:pk>/remove": [
        Read("/place/KEN/team/role/{x[reviewer_role]}/remove", status(405))
    ],
    "place/<str:code>/history": [
        Read("/place/KEN/history", team_page(OWN), lists=(TARGETS["KEN-DRAFT"], INVITATION)),
        Read("/place/BRA/history", team_page(OTHER), lists=(TARGETS["BRA-DRAFT"],)),
    ],
    "conventions/": [Read("/conventions/", ok)],
    "convention/<slug:code>": [Read("/convention/cbd", ok)],
    # National targets
    "targets/": [Read("/targets/", ok, public_only=True, lists=PUBLISHED_TARGETS)],
    "place/<str:code>/targets": [
        Read("/place/KEN/targets", ok, lists=KEN_TARGETS),
        Read("/place/BRA/targets", ok, lists=BRA_TARGETS),
    ],
    "place/<str:code>/targets/new": _countries(
        "/place/{code}/targets/new", lambda c: gated(drafts_in(c))
    ),
    "place/<str:code>/targets/import": _countries(
        "/place/{code}/targets/import", lambda c: gated(drafts_in(c))
    ),
    "place/<str:code>/targets/export": [
        Read("/place/KEN/targets/export?format=json", ok, lists=KEN_TARGETS),
        Read("/place/KEN/targets/export?format=csv", ok, lists=KEN_TARGETS),
        Read("/place/KEN/targets/export?format=xlsx", ok, lists=KEN_TARGETS),
        Read("/place/BRA/targets/export?format=json", ok, lists=BRA_TARGETS),
    ],
    "place/<str:code>/target/<str:target_code>": [Read(_t(r), readable(r), about=r) for r in KT],
    "place/<str:code>/target/<str:target_code>/edit": [
        Read(_t(r, "/edit"), gated(may_edit_target(r), r), about=r) for r in KT
    ],
    "place/<str:code>/target/<str:target_code>/publish": [
        Read(_t(r, "/publish"), status(405)) for r in POST_ONLY_T
    ],
    "place/<str:code>/target/<str:target_code>/unpublish": [
        Read(_t(r, "/unpublish"), status(405)) for r in POST_ONLY_T
    ],
    "place/<str:code>/target/<str:target_code>/delete": [
        # The page of a published target says it cannot be deleted, nothing more.
        Read(
            _t(r, "/delete"),
            gated(drafts_in(r.country), r),
            about=None if r.status == PUBLISHED else r,
        )
        for r in KT
    ],
    "place/<str:code>/target/<str:target_code>/history": [
        Read(_t(r, "/history"), gated(sees_in(r.country), r), about=r) for r in KT
    ],
    # Commitments
    "commitments/": [
        Read("/commitments/", ok, public_only=True, lists=PUBLISHED_COMMITMENTS),
        Read("/commitments/?country=KEN", ok, public_only=True),
    ],
    "commitments/new": [Read("/commitments/new", signed_in())],
    "commitments/mine": [
        Read("/commitments/mine", signed_in(), lists=ALL_COMMITMENTS, lister=lambda f, r: f.owner)
    ],
    "commitments/review": [Read("/commitments/review", gated(lambda f: f.reviews(None)))],
    "commitment/<slug:code>": [Read(_c(r), readable(r), about=r) for r in CM],
    "commitment/<slug:code>/history": [
        Read(_c(r, "/history"), commitment_history(r), about=r, allows=_linked(r)) for r in CM
    ],
    "commitment/<slug:code>/edit": [
        Read(_c(r, "/edit"), commitment_form(r), moved="/commitment/") for r in CM
    ],
    "commitment/<slug:code>/submit": [Read(_c(r, "/submit"), status(405)) for r in POST_ONLY_C],
    "commitment/<slug:code>/withdraw": [Read(_c(r, "/withdraw"), status(405)) for r in POST_ONLY_C],
    "commitment/<slug:code>/progress": [Read(_c(r, "/progress"), status(405)) for r in POST_ONLY_C],
    "place/<str:code>/commitments/review": _countries(
        "/place/{code}/commitments/review", lambda c: gated(lambda f: f.reviews(c))
    ),
    # The stocktake counts published national targets only, for everyone.
    "stocktake/": [Read("/stocktake/", ok, public_only=True)],
    "stocktake/target/<str:code>": [Read("/stocktake/target/3", ok, public_only=True)],
    "stocktake/element/<slug:code>": [Read("/stocktake/element/gbf-3-land", ok, public_only=True)],
    "stocktake/indicator/<path:uid>": [
        Read("/stocktake/indicator/{x[aggregated]}", ok, public_only=True)
    ],
    # Places: a country page shows its drafts to its team.
    "places/": [Read("/places/", ok)],
    "place/<str:code>": [
        Read("/place/KEN", ok, lists=KEN_TARGETS),
        Read("/place/BRA", ok, lists=BRA_TARGETS),
    ],
    "groups/": [Read("/groups/", ok)],
    "group/<slug:slug>": [Read("/group/ldc", ok)],
    "weights/<slug:slug>": [Read("/weights/population", ok)],
    "": [Read("/", ok)],
    "sources/": [Read("/sources/", ok)],
    # Indicator data (staff import it)
    "data/": [Read("/data/", ok)],
    "data/import": [Read("/data/import", gated(lambda f: f.staff), location="/admin/login/")],
    "data/import/<int:job_id>": [
        Read("/data/import/{x[system_job]}", job_page(None), location="/admin/login/"),
        Read(
            "/data/import/{x[admin_job]}",
            job_page(ADMIN_JOB),
            about=ADMIN_JOB,
            location="/admin/login/",
        ),
    ],
    DATA_PAGE: [Read("/data/{x[data]}", ok)],
    "series/<int:pk>": [Read("/series/{x[series]}", ok)],
    "imports/": [Read("/imports/", ok)],
    "imports/<int:pk>": [Read("/imports/{x[import]}", ok)],
    # Frameworks
    "frameworks/": [Read("/frameworks/", ok)],
    "crosswalks/": [Read("/crosswalks/", ok)],
    "crosswalk/<slug:left>/<slug:right>/": [Read("/crosswalk/gbf/aichi/", ok)],
    "<slug:slug>/": [Read("/gbf/", ok)],
    "^(?P<framework>[-a-z0-9]+)/(?P<level>[-a-z]+)/(?P<code>[A-Za-z0-9.]+)$": [
        Read("/gbf/target/3", ok)
    ],
    "^(?P<uid>[-a-z0-9]+/[-a-z]+/[A-Za-z0-9.]+)/$": [
        Read("/gbf/target/3/", status(301), location="/gbf/target/3")
    ],
    **_report_pages(),
    **_report_endpoints(),
}
# Every pattern under these prefixes is covered by the entry of the prefix.
PREFIXES = ("admin/",)


def patterns(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    """Every URL pattern of the project, as the route string Django matches with."""
    for item in (resolver or get_resolver()).url_patterns:
        if isinstance(item, URLResolver):
            yield from patterns(item, prefix + str(item.pattern))
        elif isinstance(item, URLPattern):
            yield prefix + str(item.pattern)


def entry(pattern: str) -> str:
    return next((p for p in PREFIXES if pattern.startswith(p)), pattern)


def test_every_page_and_endpoint_is_in_the_matrix() -> None:
    found = {entry(p) for p in patterns()}
    missing = sorted(found - set(READS))
    assert not missing, f"new page not covered by the authorization matrix: {missing}"
    stale = sorted(set(READS) - found)
    assert not stale, f"the matrix lists patterns the project no longer has: {stale}"
    assert all(READS[p] for p in READS), "every pattern has at least one sample"


def channel(template: str) -> str:
    return "api" if template.startswith("/api/") else "web"


def cases() -> list[Any]:
    return [
        pytest.param(pattern, read, who, id=f"{read.template} as {who.name}")
        for pattern, reads in READS.items()
        for read in reads
        for who in (ACTORS if channel(read.template) == "api" else WEB_ACTORS)
    ]


def check_secrets(text: str, facts: Facts, read: Read, world: World, where: str) -> None:
    for record in SECRETS:
        if record == read.grants:
            continue
        if read.shown_to is not None:
            allowed = read.shown_to(facts, record)
        else:
            allowed = facts.reads(record) and not read.public_only
        if allowed:
            continue
        for marker in record.markers:
            if marker in read.allows:
                continue
            assert marker not in text, f"{where} shows {record.label} ({marker})"
    for label, key in world.keys.items():
        assert key not in text, f"{where} shows the key of the {label} token"
    for token in ApiToken.objects.all():
        assert token.key_digest not in text, f"{where} shows a key digest"
    assert world.invitation_secret not in text, f"{where} shows an invitation secret"
    assert world.invitation.secret_digest not in text, f"{where} shows an invitation digest"
    assert "md5$" not in text, f"{where} shows a password hash"


@pytest.mark.django_db
@pytest.mark.parametrize(("pattern", "read", "who"), cases())
def test_read(pattern: str, read: Read, who: Who, world: World, clients: dict[str, Client]) -> None:
    url = world.url(read.template)
    route = entry(resolve(urlsplit(url).path).route)
    # A matched route drops the "^" of included regular expressions.
    assert route.replace("^", "") == pattern.replace("^", ""), f"{url} is not a {pattern}"
    facts = who.on(channel(read.template))
    where = f"GET {read.template} as {who.name}"
    response = clients[who.name].get(url)
    expected = read.expect(facts)
    assert response.status_code < 500, f"{where}: {response.status_code}"
    assert response.status_code == expected, f"{where}: {response.status_code}, expected {expected}"
    if response.status_code in (301, 302):
        lead = read.moved if facts.signed_in and read.moved else read.location
        assert response["Location"].startswith(lead), f"{where} leads to {response['Location']}"
    text = body_text(response, url)
    check_secrets(text, facts, read, world, where)
    for marker in read.hides:
        assert marker not in text, f"{where} shows {marker}"
    if response.status_code != 200:
        return
    if read.about is not None:
        assert read.about.markers[0] in text, f"{where} does not show {read.about.label}"
    for record in read.lists:
        if read.lister(facts, record):
            assert record.markers[0] in text, f"{where} does not list {record.label}"
    for marker in read.shows:
        assert marker in text, f"{where} does not show {marker}"
    for offered, rule in read.offers:
        expected_offer = rule(facts)
        assert (offered in text) == expected_offer, (
            f"{where} {'does not offer' if expected_offer else 'offers'} {offered}"
        )
