"""The authorization matrix: who is who, which records exist, and who may read each.

The rules here are written out on their own, from the documented policies (docs/
national-targets.md, docs/commitments.md, docs/api-tokens.md, docs/national-reports.md,
docs/reports-api.md), not by calling the application's policy functions: the tests
compare what the pages and endpoints do with what these rules say they should do.

OWN is Kenya, OTHER is Brazil. Every record carries a unique marker in its title (and
a national target in its code as well), so that a page leaking a record is caught by
looking for the marker in the answer. A national report is marked by its identifier
(``report/cbd-nr7/2030/KEN``: its pages carry it) and by the text of one of its
answers; the team's working material on reports (comments, the reasons given for a
step, a submission the secretariat returned) by markers of its own.
"""

from __future__ import annotations

import html
import io
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

OWN = "KEN"
OTHER = "BRA"

FOCAL_POINT = "focal-point"
PUBLISHING_AUTHORITY = "publishing-authority"
CONTRIBUTOR = "contributor"
REVIEWER = "reviewer"
PUBLISHERS = frozenset({FOCAL_POINT, PUBLISHING_AUTHORITY})
WRITERS = frozenset({FOCAL_POINT, PUBLISHING_AUTHORITY, CONTRIBUTOR})

PUBLISHED = "published"
DRAFT = "draft"
SUBMITTED = "submitted"
RETURNED = "returned"
WITHDRAWN = "withdrawn"
IN_REVIEW = "in-review"
APPROVED = "approved"


# Records ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """A record of the world with what identifies it in an answer."""

    label: str
    kind: str  # target, commitment, job, invitation, report, working
    status: str = PUBLISHED
    countries: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()
    code: str = ""

    @property
    def country(self) -> str:
        return self.countries[0]


def _target(label: str, country: str, status: str, code: str, marker: str) -> Record:
    # A draft's code is a marker too: some answers list targets by uid only.
    markers = (marker, f"target/{code}") if status == DRAFT else (marker,)
    return Record(label, "target", status, (country,), markers, code)


def _commitment(label: str, status: str, countries: tuple[str, ...], marker: str) -> Record:
    return Record(label, "commitment", status, countries, (marker,))


TARGETS = {
    r.label: r
    for r in (
        _target("KEN-PUB", OWN, PUBLISHED, "KP7F3A", "PUB-KEN-7f3a"),
        _target("KEN-DRAFT", OWN, DRAFT, "KD91C2", "DRAFT-KEN-91c2"),
        _target("BRA-PUB", OTHER, PUBLISHED, "BP5D1E", "PUB-BRA-5d1e"),
        _target("BRA-DRAFT", OTHER, DRAFT, "BDC7B0", "DRAFT-BRA-c7b0"),
    )
}
COMMITMENTS = {
    r.label: r
    for r in (
        _commitment("KEN-DRAFT", DRAFT, (OWN,), "CMT-KEN-DRAFT-2b8e"),
        _commitment("KEN-SUBMITTED", SUBMITTED, (OWN,), "CMT-KEN-SUB-6a1f"),
        _commitment("KEN-RETURNED", RETURNED, (OWN,), "CMT-KEN-RET-0d3c"),
        # Serves KEN-PUB and KEN-DRAFT (published when the commitment was approved,
        # back to draft since): its pages must not show the draft.
        _commitment("KEN-PUBLISHED", PUBLISHED, (OWN,), "CMT-KEN-PUB-8e5b"),
        _commitment("KEN-WITHDRAWN", WITHDRAWN, (OWN,), "CMT-KEN-WD-4f7a"),
        _commitment("BRA-DRAFT", DRAFT, (OTHER,), "CMT-BRA-DRAFT-1c9d"),
        _commitment("BRA-SUBMITTED", SUBMITTED, (OTHER,), "CMT-BRA-SUB-7b2e"),
        _commitment("BRA-PUBLISHED", PUBLISHED, (OTHER,), "CMT-BRA-PUB-3e6a"),
        _commitment("MULTI-SUBMITTED", SUBMITTED, (OWN, OTHER), "CMT-MULTI-SUB-9f0c"),
        _commitment("GLOBAL-SUBMITTED", SUBMITTED, (), "CMT-GLB-SUB-5a4d"),
    )
}
# An import job started by the administrator (a person's jobs are theirs and staff's).
ADMIN_JOB = Record("ADMIN-JOB", "job", DRAFT, (), ("JOB-ADMIN-3c9d",))
# An open invitation to Kenya's team (its address is for the team's eyes).
INVITATION = Record("KEN-INVITATION", "invitation", DRAFT, (OWN,), ("invitee-ken-4e2a",))
INVITEE = "invitee-ken-4e2a@example.org"


# National reports on the CBD's 7th national report template (``code`` is the cycle).
# The country's facts are shared by its reports: each answers the question "preparation
# process" with the fact as it stood when the report was submitted (its snapshot), or
# as it stands now while the report is written. Kenya's fact was set to each marker in
# turn, the draft's last: a published or submitted report never shows a later one.
NR7 = "cbd-nr7"
ANSWERED = "preparation-process"  # the question (section I) holding the markers
ANSWERED_CONCEPT = "cbd.nr7.preparation-process"
PUB_ANSWER = "RPT-KEN-PUB-5b1c"
SUB_ANSWER = "RPT-KEN-SUB-3f8a"
DRAFT_ANSWER = "RPT-KEN-DRAFT-2e7d"
BRA_ANSWER = "RPT-BRA-DRAFT-9a4f"


def _report(label: str, country: str, status: str, cycle: str, *answers: str) -> Record:
    return Record(
        label, "report", status, (country,), (f"report/{NR7}/{cycle}/{country}", *answers), cycle
    )


def _working(label: str, marker: str) -> Record:
    return Record(label, "working", DRAFT, (OWN,), (marker,))


REPORTS = {
    r.label: r
    for r in (
        # Submitted twice: returned by the secretariat, then submitted again and published.
        _report("KEN-PUB", OWN, PUBLISHED, "2026", PUB_ANSWER),
        _report("KEN-SUB", OWN, SUBMITTED, "2027", SUB_ANSWER),
        # In review: it shows the country's facts as they stand (the draft's marker).
        _report("KEN-REVIEW", OWN, IN_REVIEW, "2028"),
        _report("KEN-DRAFT", OWN, DRAFT, "2030", DRAFT_ANSWER),
        _report("BRA-DRAFT", OTHER, DRAFT, "2026", BRA_ANSWER),
    )
}
# The team's working material: comments, the reason the secretariat gave when it returned
# KEN-PUB's first submission, and what that submission said (never published).
WORKING = {
    r.label: r
    for r in (
        _working("KEN-DRAFT-COMMENT", "NOTE-KEN-DRAFT-8b1f"),
        _working("KEN-PUB-COMMENT", "NOTE-KEN-PUB-4d2a"),
        _working("KEN-PUB-REASON", "WHY-KEN-PUB-7c3e"),
        _working("KEN-PUB-RETURNED", "RPT-KEN-EARLY-6d0b"),
    )
}
# The workflow's steps from each state (docs/reports-api.md).
STEPS_FROM = {
    DRAFT: ("submit-for-review",),
    IN_REVIEW: ("send-back", "approve"),
    APPROVED: ("send-back", "submit"),
    SUBMITTED: ("unsubmit", "return", "publish"),
    PUBLISHED: (),
}
# The section of KEN-DRAFT given to Kenya's contributor (the question: one of its).
ASSIGNED_SECTION = "II"
ASSIGNED_QUESTION = "stakeholder-engagement"
ASSIGNEE = "ken-contrib"

SECRETS: list[Record] = [
    *(r for r in TARGETS.values() if r.status != PUBLISHED),
    *(r for r in COMMITMENTS.values() if r.status != PUBLISHED),
    ADMIN_JOB,
    INVITATION,
    *(r for r in REPORTS.values() if r.status != PUBLISHED),
    *WORKING.values(),
]


# People -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What an actor is, on one channel, as the documented rules see it."""

    username: str | None = None
    roles: Mapping[str, frozenset[str]] = field(default_factory=dict)
    secretariat: bool = False  # of the CBD
    admin: bool = False
    staff: bool = False
    owner: bool = False  # registered the world's commitments
    token: bool = False

    @property
    def signed_in(self) -> bool:
        return self.username is not None

    @property
    def password(self) -> bool:
        """Signed in with a password (a session), not with an API token."""
        return self.signed_in and not self.token

    def held(self, country: str) -> frozenset[str]:
        return self.roles.get(country, frozenset())

    def sees(self, country: str) -> bool:
        """Reads the country's drafts, team and history."""
        return self.admin or self.secretariat or bool(self.held(country))

    def drafts(self, country: str) -> bool:
        return self.admin or bool(self.held(country) & WRITERS)

    def publishes(self, country: str) -> bool:
        return self.admin or bool(self.held(country) & PUBLISHERS)

    def invites(self, country: str, role: str) -> bool:
        if self.admin or FOCAL_POINT in self.held(country):
            return True
        return role == FOCAL_POINT and self.secretariat

    def reviews(self, country: str | None) -> bool:
        """Decides on a commitment for a country (None: a global one)."""
        if self.admin:
            return True
        if country is None:
            return self.secretariat
        return bool(self.held(country) & PUBLISHERS)

    def edits_commitments(self) -> bool:
        """The owner, signed in with a password, and administrators."""
        return self.admin or (self.owner and self.password)

    def reads(self, record: Record) -> bool:
        if record.kind == "target":
            return record.status == PUBLISHED or self.sees(record.country)
        if record.kind == "commitment":
            if record.status == PUBLISHED or self.admin or self.secretariat:
                return True
            if self.owner and self.password:
                return True
            return record.status == SUBMITTED and any(self.held(c) for c in record.countries)
        if record.kind == "job":
            return self.staff or self.username == "root"
        if record.kind == "invitation":
            return self.sees(record.country)
        if record.kind == "report":
            return record.status == PUBLISHED or self.sees(record.country)
        if record.kind == "working":
            return self.sees(record.country)
        raise ValueError(record.kind)

    # National reports (docs/national-reports.md, docs/reports-api.md) ---------------------

    def edits_facts(self, country: str) -> bool:
        """Answers a country's reports (and opens them): its writers, administrators."""
        return self.drafts(country)

    def edits_answer(self, report: Record, assignees: tuple[str, ...] = ()) -> bool:
        """Changes an answer of the report now: a draft is answered by its writers (a
        section with assignees by them, the focal point and the publishing authority), a
        report in review by the focal point and the publishing authority; administrators
        always while it is open; nobody once it is approved or submitted."""
        country = report.country
        if report.status == DRAFT:
            if self.admin or self.publishes(country):
                return True
            return self.drafts(country) and (not assignees or self.username in assignees)
        if report.status == IN_REVIEW:
            return self.publishes(country)
        return False

    def takes(self, step: str, report: Record, convention: str = "cbd") -> bool:
        """The step's own rule (whatever the report's state): writers ask for review;
        the focal point and publishing authority send back, approve, submit and
        unsubmit; the convention's secretariat returns and publishes."""
        country = report.country
        if step == "submit-for-review":
            return self.drafts(country)
        if step in ("send-back", "approve", "submit", "unsubmit"):
            return self.publishes(country)
        if step in ("return", "publish"):
            return self.admin or (self.secretariat and convention == "cbd")
        raise ValueError(step)

    def comments_on(self, country: str) -> bool:
        """Comments on a country's reports: whoever reads them unpublished."""
        return self.sees(country)

    def assigns(self, country: str) -> bool:
        """Sections are given out by the focal point and publishing authority."""
        return self.publishes(country)

    def loads_templates(self, convention: str) -> bool:
        """A report template: administrators and that convention's secretariat."""
        return self.admin or (self.secretariat and convention == "cbd")

    def lists_report(self, record: Record) -> bool:
        """The list of every country's reports: published ones; submitted ones too for
        the secretariat of the report's convention and administrators; no draft."""
        if record.kind != "report":
            return False
        if record.status == PUBLISHED:
            return True
        return record.status == SUBMITTED and (self.admin or self.secretariat)


@dataclass(frozen=True)
class Who:
    """An actor of the matrix: a person signed in with a password, an API client with a
    token (``token``: the label of its token), or the public."""

    name: str
    facts: Facts
    token: str | None = None

    def on(self, channel: str) -> Facts:
        """Web pages ignore API tokens: a token client is the public there."""
        if channel == "web" and self.token:
            return Facts()
        return self.facts


def drafts_in(country: str) -> Callable[[Facts], bool]:
    return lambda f: f.drafts(country)


def publishes_in(country: str) -> Callable[[Facts], bool]:
    return lambda f: f.publishes(country)


def sees_in(country: str) -> Callable[[Facts], bool]:
    return lambda f: f.sees(country)


def edits_answer_of(report: Record, assignees: tuple[str, ...] = ()) -> Callable[[Facts], bool]:
    return lambda f: f.edits_answer(report, assignees)


def takes_step(step: str, report: Record) -> Callable[[Facts], bool]:
    return lambda f: f.takes(step, report)


def comments_in(country: str) -> Callable[[Facts], bool]:
    return lambda f: f.comments_on(country)


def loads_for(convention: str) -> Callable[[Facts], bool]:
    return lambda f: f.loads_templates(convention)


def _roles(**held: tuple[str, ...]) -> dict[str, frozenset[str]]:
    return {country: frozenset(roles) for country, roles in held.items()}


# Users of the world: username -> (country roles, CBD secretariat, superuser and staff).
USERS: dict[str, tuple[dict[str, tuple[str, ...]], bool, bool]] = {
    "plain": ({}, False, False),
    "ken-fp": ({OWN: (FOCAL_POINT,)}, False, False),
    "ken-pa": ({OWN: (PUBLISHING_AUTHORITY,)}, False, False),
    "ken-contrib": ({OWN: (CONTRIBUTOR,)}, False, False),
    "ken-reviewer": ({OWN: (REVIEWER,)}, False, False),
    "bra-fp": ({OTHER: (FOCAL_POINT,)}, False, False),
    "cbd-staff": ({}, True, False),
    "root": ({}, False, True),
    "owner": ({}, False, False),
    # Holds every power there is: its contributor token must carry none of them.
    "multi": ({OWN: (FOCAL_POINT, CONTRIBUTOR), OTHER: (FOCAL_POINT,)}, True, True),
}
# API tokens: label -> (user, country, role).
TOKENS = {
    "ken-contributor": ("multi", OWN, CONTRIBUTOR),
    "ken-focal-point": ("ken-fp", OWN, FOCAL_POINT),
    "bra-focal-point": ("bra-fp", OTHER, FOCAL_POINT),
}


def _person(username: str, *, owner: bool = False) -> Facts:
    held, secretariat, admin = USERS[username]
    return Facts(
        username=username,
        roles=_roles(**held),
        secretariat=secretariat,
        admin=admin,
        staff=admin,
        owner=owner,
    )


def _token(label: str) -> Who:
    username, country, role = TOKENS[label]
    facts = Facts(username=username, roles=_roles(**{country: (role,)}), token=True)
    return Who(f"token-{label}", facts, token=label)


ANONYMOUS = Who("anonymous", Facts())
ACTORS: list[Who] = [
    ANONYMOUS,
    Who("plain", _person("plain")),
    Who("ken-focal-point", _person("ken-fp")),
    Who("ken-publishing-authority", _person("ken-pa")),
    Who("ken-contributor", _person("ken-contrib")),
    Who("ken-reviewer", _person("ken-reviewer")),
    Who("bra-focal-point", _person("bra-fp")),
    Who("secretariat", _person("cbd-staff")),
    Who("admin", _person("root")),
    Who("owner", _person("owner", owner=True)),
    _token("ken-contributor"),
    _token("ken-focal-point"),
    _token("bra-focal-point"),
]
BY_NAME = {who.name: who for who in ACTORS}
# Web pages ignore tokens: one token client (whose user holds every power) shows it.
WEB_ACTORS = [who for who in ACTORS if who.token in (None, "ken-contributor")]


# Reading answers ----------------------------------------------------------------------------


def body_text(response: Any, path: str) -> str:
    """The answer as text, without the echo of the address asked for (every page's
    sign-in link and language form repeat it)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "openxmlformats" in kind:  # a workbook or a Word document: its XML parts
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            text = "\n".join(
                book.read(name).decode("utf-8", "replace")
                for name in book.namelist()
                if name.endswith(".xml")
            )
    else:
        text = content.decode("utf-8", "replace")
    echoes = {path, html.escape(path), quote(path, safe="/"), quote(path, safe="")}
    for echo in sorted(echoes, key=len, reverse=True):
        text = text.replace(echo, "")
    return text
