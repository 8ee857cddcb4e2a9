"""The world of the authorization matrix, built once per test module.

The world is built inside a transaction that stays open for the whole module and is
rolled back at its end; each test runs in its own savepoint within it (the ordinary
``db`` fixture), so a test that writes leaves nothing behind for the next one.

Its national reports go through the workflow as the documented steps allow, so that
each of them is in the state its record names and a published report's snapshot holds
an answer the country's facts no longer hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.test.client import ClientHandler
from django.utils import timezone

from meadow.commitments import actions as commitment_actions
from meadow.commitments.actions import CommitmentInput
from meadow.commitments.models import Commitment
from meadow.core.actors import SystemActor
from meadow.frameworks.models import Relation
from meadow.indicators.models import Assessment, Import, Observation, Series
from meadow.jobs.models import Job
from meadow.parties import team
from meadow.parties.models import ApiToken, Invitation
from meadow.reports import editing, facts, workflow
from meadow.reports.models import Report, Template
from meadow.stocktake import aggregation
from meadow.targets import actions as target_actions
from meadow.targets.models import NationalTarget
from tests.authz.matrix import (
    ACTORS,
    ADMIN_JOB,
    ANSWERED,
    ANSWERED_CONCEPT,
    ASSIGNED_SECTION,
    ASSIGNEE,
    COMMITMENTS,
    INVITEE,
    NR7,
    OTHER,
    OWN,
    REPORTS,
    TARGETS,
    TOKENS,
    USERS,
    WORKING,
    Who,
)
from tests.reports.helpers import fill

SYSTEM = SystemActor("tests")
HANDLER = ClientHandler(enforce_csrf_checks=False)
PASSWORD = "a long and unusual passphrase 42"


@dataclass
class World:
    users: dict[str, User]
    keys: dict[str, str]  # token label -> key
    tokens: dict[str, ApiToken]
    t: dict[str, NationalTarget]
    c: dict[str, Commitment]
    invitation: Invitation
    invitation_secret: str
    x: dict[str, Any] = field(default_factory=dict)  # ids of reference rows
    r: dict[str, Report] = field(default_factory=dict)  # national reports

    def url(self, template: str) -> str:
        return template.format(t=self.t, c=self.c, x=self.x, r=self.r)

    def client(self, who: Who) -> Client:
        """A client acting as ``who``: signed in with a session, or sending its token."""
        headers = {"Authorization": f"Bearer {self.keys[who.token]}"} if who.token else {}
        client = Client(headers=headers)
        # Every client goes through the same handler: building the middleware anew for
        # each (as a new client does) reads the whole static folder again.
        client.handler = HANDLER
        if who.token is None and who.facts.username is not None:
            client.force_login(self.users[who.facts.username])
        return client


def _target(label: str, quantity: float) -> NationalTarget:
    record = TARGETS[label]
    marker = record.markers[0]
    return target_actions.save_target(
        actor=SYSTEM,
        country=record.country,
        code=record.code,
        title={"en": f"{marker} protect land", "fr": f"{marker} protéger les terres"},
        text={"en": f"{marker}: by 2030, {quantity} % of land is conserved."},
        alignments=[("gbf/target/3", "full", {"en": f"{marker} protected areas"})],
        indicators=["gbf/indicator/3.1"],
        quantities=[
            {
                "global_element": "gbf-3-land",
                "quantity": {"en": "Land and inland waters protected"},
                "unit": "percent",
                "value": quantity,
                "year": 2030,
            }
        ],
    )


def commitment_input(label: str, **change: Any) -> CommitmentInput:
    record = COMMITMENTS[label]
    values: dict[str, Any] = {
        "actor_name": "Acme Agriculture",
        "actor_type": "business",
        "title": {"en": f"{record.markers[0]} deforestation-free supply"},
        "description": {"en": f"{record.markers[0]} all cocoa traced"},
        "coverage": {0: "global", 1: "national"}.get(len(record.countries), "multi-country"),
        "countries": list(record.countries),
        "gbf_targets": ["gbf/target/3"],
        "start_year": 2024,
        "end_year": 2030,
        "resources": {"en": "A team of twelve"},
    }
    values.update(change)
    return CommitmentInput(**values)


def _commitments(users: dict[str, User], targets: dict[str, NationalTarget]) -> dict[str, Any]:
    owner = users["owner"]
    reviewer = {OWN: users["ken-fp"], OTHER: users["bra-fp"]}
    made: dict[str, Commitment] = {}
    for label, record in COMMITMENTS.items():
        change: dict[str, Any] = {}
        if label == "KEN-PUBLISHED":
            change["national_targets"] = [targets["KEN-PUB"].uid, targets["KEN-DRAFT"].uid]
        commitment = commitment_actions.create(
            commitment_input(label, **change), actor=owner, source="tests"
        )
        if record.status != "draft":
            commitment = commitment_actions.submit(
                commitment, actor=owner, owner_id=owner.pk, source="tests"
            )
        if record.status == "returned":
            commitment_actions.review(
                commitment,
                actor=reviewer[OWN],
                country=OWN,
                decision="returned",
                comment="Name the farms.",
            )
        if record.status == "published":
            for country in record.countries:
                commitment_actions.review(
                    commitment, actor=reviewer[country], country=country, decision="approved"
                )
        if record.status == "withdrawn":
            commitment_actions.withdraw(commitment, actor=owner, owner_id=owner.pk)
        commitment.refresh_from_db()
        assert commitment.status == record.status, label
        made[label] = commitment
    commitment_actions.add_progress_report(
        made["KEN-PUBLISHED"],
        actor=owner,
        owner_id=owner.pk,
        year=2025,
        text={"en": "Forty farms traced."},
        percent_complete=40,
    )
    return made


def _answer(country: str, value: str) -> None:
    """Set the country's fact that the reports' marked question asks for."""
    facts.set_fact(
        actor=SYSTEM,
        country=country,
        concept=ANSWERED_CONCEPT,
        value=value,
        source=facts.source_of(Template.objects.get(code=NR7), country),
    )


def _filled(country: str, report: Report) -> None:
    """Every question answered validly (the NBSAP adopted: no follow-up is asked)."""
    fill(report, SYSTEM, skip=("nbsap-status",))
    facts.set_fact(
        actor=SYSTEM,
        country=country,
        concept="nbsap.status",
        value="adopted",
        source=facts.source_of(report.template, country),
    )


def _steps(report: Report, *names: str, actor: Any = SYSTEM, reason: str = "") -> None:
    for name in names:
        workflow.move(report, name, actor=actor, country=report.country.code, reason=reason)


def _reports(users: dict[str, User]) -> tuple[dict[str, Report], dict[str, Any]]:
    """The national reports of the world, each in the state its record names."""
    template = Template.objects.get(code=NR7)

    def opened(label: str) -> Report:
        record = REPORTS[label]
        return workflow.open_report(
            actor=SYSTEM, country=record.country, template=template, cycle=record.code
        )

    made: dict[str, Report] = {}
    made["KEN-PUB"] = pub = opened("KEN-PUB")
    _filled(OWN, pub)
    # The first submission is returned: what it said was never published.
    _answer(OWN, WORKING["KEN-PUB-RETURNED"].markers[0])
    _steps(pub, "submit-for-review", "approve", "submit")
    reason = f"{WORKING['KEN-PUB-REASON'].markers[0]}: describe the consultations."
    _steps(pub, "return", actor=users["cbd-staff"], reason=reason)
    _answer(OWN, REPORTS["KEN-PUB"].markers[1])
    _steps(pub, "submit-for-review", "approve", "submit", "publish")
    _answer(OWN, REPORTS["KEN-SUB"].markers[1])
    made["KEN-SUB"] = opened("KEN-SUB")
    _steps(made["KEN-SUB"], "submit-for-review", "approve", "submit")
    # From here on Kenya's fact holds the draft's marker.
    _answer(OWN, REPORTS["KEN-DRAFT"].markers[1])
    made["KEN-REVIEW"] = opened("KEN-REVIEW")
    _steps(made["KEN-REVIEW"], "submit-for-review")
    made["KEN-DRAFT"] = draft = opened("KEN-DRAFT")
    made["BRA-DRAFT"] = bra = opened("BRA-DRAFT")
    _filled(OTHER, bra)
    _answer(OTHER, REPORTS["BRA-DRAFT"].markers[1])
    for label, record in REPORTS.items():
        assert workflow.state(made[label]) == record.status, label

    comment = editing.comment(
        actor=users["ken-reviewer"],
        country=OWN,
        report=draft,
        question=ANSWERED,
        text=f"{WORKING['KEN-DRAFT-COMMENT'].markers[0]}: name the ministries consulted.",
    )
    pub_comment = editing.comment(
        actor=users["cbd-staff"],
        country=OWN,
        report=pub,
        question=ANSWERED,
        text=f"{WORKING['KEN-PUB-COMMENT'].markers[0]}: thank you for the detail.",
    )
    editing.assign(
        actor=users["ken-fp"],
        country=OWN,
        report=draft,
        section=ASSIGNED_SECTION,
        username=ASSIGNEE,
    )
    return made, {"comment": comment.pk, "pub_comment": pub_comment.pk}


def template_file(convention: str) -> bytes:
    """A small valid report template of the convention (one new concept)."""
    return f"""format: meadow-report-template/1
template: authz-form
version: "1"
convention: {convention}
cycle: "2031"
title:
  en: A form of the authorization matrix
concepts:
  - id: authz.area
    type: number
    unit: km2
    title:
      en: Area restored
sections:
  - key: one
    title:
      en: One
    questions:
      - key: nbsap
        concept: nbsap.status
        title:
          en: NBSAP?
      - key: area
        concept: authz.area
        title:
          en: Area restored?
""".encode()


def build_world() -> World:
    users: dict[str, User] = {}
    for username, (held, secretariat, admin) in USERS.items():
        user = User.objects.create_user(
            username,
            email=f"{username}@example.org",
            password=PASSWORD,
            is_superuser=admin,
            is_staff=admin,
        )
        for country, roles in held.items():
            for role in roles:
                team.grant_role(actor=SYSTEM, user=user, country=country, role=role)
        if secretariat:
            team.grant_secretariat(actor=SYSTEM, user=user, convention="cbd")
        users[username] = user
    keys: dict[str, str] = {}
    tokens: dict[str, ApiToken] = {}
    for label, (username, country, role) in TOKENS.items():
        tokens[label], keys[label] = team.issue_token(
            actor=SYSTEM, owner=users[username], name=label, country=country, role=role
        )
    # The reports first: their many audit entries stay older than the targets'.
    reports, report_rows = _reports(users)

    targets = {label: _target(label, 30.0 + n) for n, label in enumerate(TARGETS)}
    for label in ("KEN-PUB", "BRA-PUB", "KEN-DRAFT"):
        record = TARGETS[label]
        targets[label] = target_actions.publish_target(
            actor=SYSTEM, country=record.country, code=record.code
        )
    commitments = _commitments(users, targets)
    # KEN-DRAFT was published while a commitment took it up; it is a draft again.
    targets["KEN-DRAFT"] = target_actions.unpublish_target(
        actor=SYSTEM, country=OWN, code=TARGETS["KEN-DRAFT"].code
    )
    for label, record in TARGETS.items():
        assert targets[label].status == record.status, label

    invitation, secret = team.invite(
        actor=users["ken-fp"],
        email=INVITEE,
        country=OWN,
        role="contributor",
        site_url="http://testserver",
    )
    job = Job.objects.create(
        kind="import",
        func="meadow.indicators.uploads.run_import",
        arguments={"name": f"{ADMIN_JOB.markers[0]}.csv", "format": "csv"},
        error=f"{ADMIN_JOB.markers[0]}.csv could not be read",
        created_by=users["root"],
    )
    series = Series.objects.filter(place__code="GBR").select_related("indicator").first()
    assert series is not None, "the reference data hold the UK sample"
    with_data = aggregation.indicators_with_data()
    assert with_data, "some indicator has national data"
    reference = {
        "series": series.pk,
        "data": f"{series.indicator.uid}/{series.place.code}",
        "observation": Observation.objects.filter(series=series).values_list("pk", flat=True)[0],
        "import": Import.objects.values_list("pk", flat=True).first(),
        "assessment": Assessment.objects.values_list("pk", flat=True).first(),
        "relation": Relation.objects.values_list("pk", flat=True).first(),
        "system_job": Job.objects.filter(created_by=None, kind="import")
        .values_list("pk", flat=True)
        .first(),
        "admin_job": job.pk,
        "aggregated": with_data[0].uid,
        "invitation": invitation.pk,
        "secret": secret,
        "ken_token": tokens["ken-focal-point"].pk,
        "reviewer_role": users["ken-reviewer"].country_roles.get().pk,
        "ken_fp_role": users["ken-fp"].country_roles.get().pk,
        "bra_fp_role": users["bra-fp"].country_roles.get().pk,
        **report_rows,
    }
    for name, value in reference.items():
        assert value is not None, f"no {name} in the reference data"
    return World(users, keys, tokens, targets, commitments, invitation, secret, reference, reports)


@pytest.fixture(scope="module")
def world(reference_db: None, django_db_blocker: Any) -> Iterator[World]:
    """The world, in a transaction rolled back once the module's tests have run."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def clients(world: World, django_db_blocker: Any) -> dict[str, Client]:
    """One client per actor for the whole module, signed in before any test runs (a
    session made inside a test would be rolled back with it). For reads only."""
    with django_db_blocker.unblock():
        return {who.name: world.client(who) for who in ACTORS}


def expired_by(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
