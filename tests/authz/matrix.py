"""The authorization matrix: who is who, which records exist, and who may read each.

The rules here are written out on their own, from the documented policies (docs/
national-targets.md, docs/commitments.md, docs/api-tokens.md), not by calling the
application's policy functions: the tests compare what the pages and endpoints do
with what these rules say they should do.

OWN is Kenya, OTHER is Brazil. Every record carries a unique marker in its title (and
a national target in its code as well), so that a page leaking a record is caught by
looking for the marker in the answer.
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


# Records ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """A record of the world with what identifies it in an answer."""

    label: str
    kind: str  # target, commitment, job, invitation
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

SECRETS: list[Record] = [
    *(r for r in TARGETS.values() if r.status != PUBLISHED),
    *(r for r in COMMITMENTS.values() if r.status != PUBLISHED),
    ADMIN_JOB,
    INVITATION,
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
        raise ValueError(record.kind)


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
    if "spreadsheetml" in kind:
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
