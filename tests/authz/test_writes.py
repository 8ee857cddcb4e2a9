"""Writes: every write the web pages and the API offer, for every actor.

Each operation names who may perform it (from the documented rules in matrix.py). For
every actor, the operation is performed once, in its own transaction (a savepoint of
the module's world, rolled back afterwards):

- allowed: the answer is the success status, the database changed as the operation
  says (and only in the tables it may touch), and the audit log has new entries;
- refused: the answer is the refusal the rules give (a visitor is sent to sign in or
  gets 401, a record one may not read is a 404, anything else a 403; a form whose
  choices leave the request out answers 400) and nothing at all changed, the audit
  log included.

Two sweeps follow: every API address refuses the methods it does not offer (405),
and an empty POST to any other web page changes nothing.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve
from openpyxl import load_workbook

from meadow.audit.models import AuditEntry
from meadow.commitments.models import Commitment, CommitmentReview, ProgressReport
from meadow.indicators.models import Goal, Import
from meadow.jobs.models import Job
from meadow.parties.models import ApiToken, CountryRole, Invitation, SecretariatRole
from meadow.parties.roles import TokenScope
from meadow.reports import offline, workflow
from meadow.reports.models import (
    Assignment,
    Comment,
    Concept,
    Fact,
    FactVersion,
    Question,
    Report,
    Template,
    Transition,
)
from meadow.reports.models import Snapshot as ReportSnapshot
from meadow.stocktake import actions as stocktake_actions
from meadow.stocktake.models import AggregationRule
from meadow.targets.models import NationalTarget
from tests.authz.conftest import PASSWORD, World, template_file
from tests.authz.matrix import (
    ACTORS,
    ANSWERED,
    ANSWERED_CONCEPT,
    ASSIGNED_QUESTION,
    ASSIGNED_SECTION,
    ASSIGNEE,
    COMMITMENTS,
    FOCAL_POINT,
    NR7,
    OTHER,
    OWN,
    REPORTS,
    TARGETS,
    TOKENS,
    WEB_ACTORS,
    Facts,
    Record,
    Who,
    comments_in,
    drafts_in,
    edits_answer_of,
    loads_for,
    publishes_in,
    takes_step,
)
from tests.authz.test_reads import DATA_PAGE, READS, channel

Snapshot = dict[str, Any]


def snapshot() -> Snapshot:
    """The state of every table a write of the matrix could touch."""
    return {
        "targets": list(
            NationalTarget.objects.order_by("pk").values_list(
                "pk", "country__code", "code", "status", "version", "title"
            )
        ),
        "commitments": list(
            Commitment.objects.order_by("pk").values_list("pk", "status", "version", "title")
        ),
        "reviews": list(CommitmentReview.objects.order_by("pk").values_list("pk", "decision")),
        "reports": list(ProgressReport.objects.order_by("pk").values_list("pk", "text")),
        "roles": list(CountryRole.objects.order_by("pk").values_list("pk", "user_id", "role")),
        "secretariat": list(SecretariatRole.objects.order_by("pk").values_list("pk")),
        "invitations": list(
            Invitation.objects.order_by("pk").values_list("pk", "revoked_at", "accepted_at")
        ),
        "tokens": list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at")),
        "users": list(User.objects.order_by("pk").values_list("pk", "password", "is_active")),
        "goals": list(Goal.objects.order_by("pk").values_list("pk", "target_value", "source")),
        "jobs": list(Job.objects.order_by("pk").values_list("pk")),
        "imports": list(Import.objects.order_by("pk").values_list("pk", "status")),
        "national_reports": list(
            Report.objects.order_by("pk").values_list("pk", "country__code", "template_id", "cycle")
        ),
        "transitions": list(Transition.objects.order_by("pk").values_list("pk", "to_state")),
        "report_snapshots": list(ReportSnapshot.objects.order_by("pk").values_list("pk")),
        "facts": list(Fact.objects.order_by("pk").values_list("pk", "version")),
        "fact_versions": FactVersion.objects.count(),
        "assignments": list(
            Assignment.objects.order_by("pk").values_list("pk", "section", "user_id")
        ),
        "comments": list(Comment.objects.order_by("pk").values_list("pk", "resolved_at")),
        "templates": list(Template.objects.order_by("pk").values_list("pk")),
        "concepts": Concept.objects.count(),
        "questions": Question.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


Effect = Callable[[World], None]


@dataclass(frozen=True)
class Write:
    """One write operation and who may perform it."""

    name: str
    method: str
    template: str
    data: Callable[[World], Any]
    may: Callable[[Facts], bool]
    refusal: Callable[[Facts], int]  # the status of a refusal, for those who may not
    done: int  # the status of success
    effect: Effect  # checks, once done, that the change is the one intended
    touches: tuple[str, ...]  # the snapshot's tables it may change (besides the audit)
    audited: bool = True
    form: str = "json"  # json (API), form (web form), multipart (web upload)
    location: str = "/account/login"  # where a visitor is sent

    @property
    def channel(self) -> str:
        return channel(self.template)


# Refusals ----------------------------------------------------------------------------------


def web_record(record: Record | None) -> Callable[[Facts], int]:
    """Target pages: a record one may not read is a 404; visitors sign in; then 403."""

    def refusal(f: Facts) -> int:
        if record is not None and not f.reads(record):
            return 404
        return 403 if f.signed_in else 302

    return refusal


def web_signed_first(record: Record | None) -> Callable[[Facts], int]:
    """Commitment pages: visitors sign in first; then 404 if unseen; then 403."""

    def refusal(f: Facts) -> int:
        if not f.signed_in:
            return 302
        if record is not None and not f.reads(record):
            return 404
        return 403

    return refusal


def web_team(country: str, role: str | None = None) -> Callable[[Facts], int]:
    """Team pages: visitors sign in; 404 for those not on the team; 403; a role the
    form does not offer to the actor is a form error (400)."""

    def refusal(f: Facts) -> int:
        if not f.signed_in:
            return 302
        if not f.sees(country):
            return 404
        if role is not None and any(f.invites(country, r) for r in ROLES):
            return 400
        return 403

    return refusal


def api_record(record: Record | None) -> Callable[[Facts], int]:
    """API: a record one may not read is a 404; then 401 without credentials; 403."""

    def refusal(f: Facts) -> int:
        if record is not None and not f.reads(record):
            return 404
        return 403 if f.signed_in else 401

    return refusal


def api_signed_first(record: Record | None) -> Callable[[Facts], int]:
    def refusal(f: Facts) -> int:
        if not f.signed_in:
            return 401
        if record is not None and not f.reads(record):
            return 404
        return 403

    return refusal


ROLES = (FOCAL_POINT, "publishing-authority", "contributor", "reviewer")
NOBODY: Callable[[Facts], bool] = lambda f: False  # noqa: E731


# Effects ----------------------------------------------------------------------------------


def target_row(country: str, code: str) -> NationalTarget | None:
    return NationalTarget.objects.filter(country__code=country, code=code).first()


def created(country: str, code: str) -> Effect:
    def check(world: World) -> None:
        found = target_row(country, code)
        assert found is not None and found.status == "draft", f"no draft {country} {code}"

    return check


def edited(label: str, title: str) -> Effect:
    def check(world: World) -> None:
        before = world.t[label]
        found = NationalTarget.objects.get(pk=before.pk)
        assert found.title.get("en") == title and found.version == before.version + 1
        assert found.status == before.status, "an edit keeps the status"

    return check


def target_status(label: str, status: str) -> Effect:
    def check(world: World) -> None:
        assert NationalTarget.objects.get(pk=world.t[label].pk).status == status

    return check


def target_deleted(label: str) -> Effect:
    def check(world: World) -> None:
        assert not NationalTarget.objects.filter(pk=world.t[label].pk).exists()

    return check


def invited(country: str, role: str, email: str) -> Effect:
    def check(world: World) -> None:
        assert Invitation.objects.filter(country__code=country, role=role, email=email).exists()

    return check


def invitation_revoked(world: World) -> None:
    assert Invitation.objects.get(pk=world.invitation.pk).revoked_at is not None


def role_removed(key: str) -> Effect:
    def check(world: World) -> None:
        assert not CountryRole.objects.filter(pk=world.x[key]).exists()

    return check


def token_made(country: str, role: str) -> Effect:
    def check(world: World) -> None:
        assert ApiToken.objects.filter(
            country__code=country, role=role, name="nightly upload"
        ).exists()

    return check


def token_revoked(world: World) -> None:
    assert ApiToken.objects.get(pk=world.x["ken_token"]).revoked_at is not None


def invitation_accepted(world: World) -> None:
    assert Invitation.objects.get(pk=world.invitation.pk).accepted_at is not None


def commitment_made(title: str) -> Effect:
    def check(world: World) -> None:
        found = Commitment.objects.filter(title__en=title).first()
        assert found is not None and found.status == "draft"

    return check


def commitment_state(label: str, status: str, title: str | None = None) -> Effect:
    def check(world: World) -> None:
        found = Commitment.objects.get(pk=world.c[label].pk)
        assert found.status == status, (found.status, status)
        if title is not None:
            assert found.title.get("en") == title

    return check


def reviewed(label: str, country: str | None, status: str) -> Effect:
    def check(world: World) -> None:
        found = Commitment.objects.get(pk=world.c[label].pk)
        decided = found.reviews.filter(round=found.round)
        decided = decided.filter(country__code=country) if country else decided
        assert decided.filter(decision="approved").exists()
        assert found.status == status, (found.status, status)

    return check


def reported(label: str) -> Effect:
    def check(world: World) -> None:
        assert ProgressReport.objects.filter(
            commitment_id=world.c[label].pk, text__en="Sixty farms traced."
        ).exists()

    return check


def goal_set(world: World) -> None:
    assert Goal.objects.filter(source="matrix goal").exists()


def job_queued(world: World) -> None:
    assert Job.objects.filter(kind="import", arguments__name="data.csv").exists()


def import_undone(world: World) -> None:
    assert Import.objects.get(pk=world.x["import"]).status == Import.Status.UNDONE


# Data -------------------------------------------------------------------------------------

NO_ROWS = {
    "indicators-TOTAL_FORMS": "0",
    "indicators-INITIAL_FORMS": "0",
    "quantities-TOTAL_FORMS": "0",
    "quantities-INITIAL_FORMS": "0",
}


def target_form(code: str, title: str, version: int | None = None) -> dict[str, str]:
    form = {
        "code": code,
        "title_en": title,
        "alignments-TOTAL_FORMS": "1",
        "alignments-INITIAL_FORMS": "0",
        "alignments-0-element": "gbf/target/3",
        "alignments-0-degree": "full",
        **NO_ROWS,
    }
    if version is not None:
        form["version"] = str(version)
    return form


def version_of(kind: str, label: str) -> Callable[[World], dict[str, Any]]:
    def data(world: World) -> dict[str, Any]:
        found = world.t[label] if kind == "t" else world.c[label]
        return {"version": found.version}

    return data


def commitment_form(world: World, label: str | None = None) -> dict[str, Any]:
    form: dict[str, Any] = {
        "actor_name": "City of Nairobi",
        "actor_type": "local-government",
        "title_en": "Green belts for Nairobi",
        "coverage": "national",
        "countries": [OWN],
        "gbf_targets": ["gbf/target/3"],
        "start_year": "2025",
        "end_year": "2030",
        "amount": "",
        "currency": "",
        "website": "",
    }
    if label is not None:
        form["version"] = str(world.c[label].version)
    return form


def review(label: str, decision: str = "approved") -> Callable[[World], dict[str, Any]]:
    return lambda world: {"commitment": world.c[label].code, "decision": decision}


def upload(name: str, content: bytes, **fields: str) -> Callable[[World], dict[str, Any]]:
    return lambda world: {"file": SimpleUploadedFile(name, content), **fields}


GOAL = {
    "direction": "1",
    "baseline_year": "2015",
    "target_year": "2030",
    "target_value": "50",
    "source": "matrix goal",
}

T = TARGETS
C = COMMITMENTS


def _t(label: str, suffix: str = "") -> str:
    return f"/place/{T[label].country}/target/{{t[{label}].code}}{suffix}"


def _c(label: str, suffix: str = "") -> str:
    return f"/commitment/{{c[{label}].code}}{suffix}"


def _api_t(label: str, suffix: str = "") -> str:
    return f"/api/v1/national-targets/{{t[{label}].pk}}/{suffix}"


def _api_c(label: str, suffix: str = "") -> str:
    return f"/api/v1/commitments/{{c[{label}].code}}/{suffix}"


def may_edit_target(label: str) -> Callable[[Facts], bool]:
    record = T[label]
    if record.status == "published":
        return publishes_in(record.country)
    return drafts_in(record.country)


def invites_to(country: str, role: str) -> Callable[[Facts], bool]:
    return lambda f: f.sees(country) and f.invites(country, role)


def told(record: Record, refusal: Callable[[Facts], int]) -> Callable[[Facts], int]:
    """A published target is never deleted: its writers are told so (409)."""
    return lambda f: 409 if f.drafts(record.country) else refusal(f)


def fixed(data: dict[str, Any]) -> Callable[[World], dict[str, Any]]:
    return lambda world: dict(data)


def edit_form(label: str, title: str) -> Callable[[World], dict[str, str]]:
    def data(world: World) -> dict[str, str]:
        return target_form(world.t[label].code, title, world.t[label].version)

    return data


def target_json(label: str, title: str, whole: bool = False) -> Callable[[World], dict[str, Any]]:
    def data(world: World) -> dict[str, Any]:
        found = world.t[label]
        body: dict[str, Any] = {"title": {"en": title}, "version": found.version}
        if whole:
            body["code"] = found.code
            body["alignments"] = [{"element": "gbf/target/3", "degree": "partial"}]
        return body

    return data


def _web_target_writes() -> list[Write]:
    writes: list[Write] = []
    for country in (OWN, OTHER):
        writes += [
            Write(
                f"web: new target of {country}",
                "POST",
                f"/place/{country}/targets/new",
                lambda w: target_form("NEW7", "A new target"),
                drafts_in(country),
                web_record(None),
                302,
                created(country, "NEW7"),
                ("targets",),
                form="form",
            ),
            Write(
                f"web: import targets of {country}",
                "POST",
                f"/place/{country}/targets/import",
                upload(
                    "targets.csv", b"code,title_en,alignments\nIMP7,Imported,gbf/target/3:full\n"
                ),
                drafts_in(country),
                web_record(None),
                302,
                created(country, "IMP7"),
                ("targets",),
                form="multipart",
            ),
        ]
    for label, record in T.items():
        writes.append(
            Write(
                f"web: edit {label} target",
                "POST",
                _t(label, "/edit"),
                edit_form(label, "Edited title"),
                may_edit_target(label),
                web_record(record),
                302,
                edited(label, "Edited title"),
                ("targets",),
                form="form",
            )
        )
        action = "unpublish" if record.status == "published" else "publish"
        after = "draft" if record.status == "published" else "published"
        writes.append(
            Write(
                f"web: {action} {label} target",
                "POST",
                _t(label, f"/{action}"),
                version_of("t", label),
                publishes_in(record.country),
                web_record(record),
                302,
                target_status(label, after),
                ("targets",),
                form="form",
            )
        )
        deletable = record.status == "draft"
        writes.append(
            Write(
                f"web: delete {label} target",
                "POST",
                _t(label, "/delete"),
                version_of("t", label),
                drafts_in(record.country) if deletable else NOBODY,
                web_record(record) if deletable else told(record, web_record(record)),
                302,
                target_deleted(label),
                ("targets",),
                form="form",
            )
        )
    return writes


def _web_team_writes() -> list[Write]:
    writes: list[Write] = []
    for country in (OWN, OTHER):
        for role in ("contributor", FOCAL_POINT):
            email = f"new-{role}@example.org"
            writes.append(
                Write(
                    f"web: invite a {role} to {country}",
                    "POST",
                    f"/place/{country}/team",
                    fixed({"email": email, "role": role}),
                    invites_to(country, role),
                    web_team(country, role),
                    200,
                    invited(country, role, email),
                    ("invitations",),
                    form="form",
                )
            )
    writes += [
        Write(
            "web: withdraw an invitation to KEN (contributor)",
            "POST",
            "/place/KEN/team/invitation/{x[invitation]}/revoke",
            lambda w: {},
            lambda f: f.invites(OWN, "contributor"),
            web_team(OWN),
            302,
            invitation_revoked,
            ("invitations",),
            form="form",
        ),
        Write(
            "web: remove KEN's reviewer from the team",
            "POST",
            "/place/KEN/team/role/{x[reviewer_role]}/remove",
            lambda w: {},
            lambda f: f.invites(OWN, "reviewer"),
            web_team(OWN),
            302,
            role_removed("reviewer_role"),
            ("roles", "tokens"),
            form="form",
        ),
        Write(
            "web: remove KEN's focal point from the team",
            "POST",
            "/place/KEN/team/role/{x[ken_fp_role]}/remove",
            lambda w: {},
            lambda f: f.invites(OWN, FOCAL_POINT),
            web_team(OWN),
            302,
            role_removed("ken_fp_role"),
            ("roles", "tokens"),
            form="form",
        ),
        Write(
            "web: remove BRA's focal point from the team",
            "POST",
            "/place/BRA/team/role/{x[bra_fp_role]}/remove",
            lambda w: {},
            lambda f: f.invites(OTHER, FOCAL_POINT),
            web_team(OTHER),
            302,
            role_removed("bra_fp_role"),
            ("roles", "tokens"),
            form="form",
        ),
        # A token carries one of its maker's own roles: the form offers no other.
        Write(
            "web: make a KEN contributor token",
            "POST",
            "/account/",
            lambda w: {"name": "nightly upload", "scope": "KEN:contributor", "expires": "30"},
            lambda f: f.password and "contributor" in f.held(OWN),
            lambda f: 400 if f.signed_in else 302,
            200,
            token_made(OWN, "contributor"),
            ("tokens",),
            form="form",
        ),
        Write(
            "web: make a BRA focal point token",
            "POST",
            "/account/",
            lambda w: {"name": "nightly upload", "scope": "BRA:focal-point", "expires": ""},
            lambda f: f.password and FOCAL_POINT in f.held(OTHER),
            lambda f: 400 if f.signed_in else 302,
            200,
            token_made(OTHER, FOCAL_POINT),
            ("tokens",),
            form="form",
        ),
        # Only its owner revokes a token on the web; others do not find it.
        Write(
            "web: revoke the KEN focal point's token",
            "POST",
            "/account/token/{x[ken_token]}/revoke",
            lambda w: {},
            lambda f: f.password and f.username == "ken-fp",
            lambda f: 404 if f.signed_in else 302,
            302,
            token_revoked,
            ("tokens",),
            form="form",
        ),
        # The invitation's secret is the key: whoever holds the link joins (signed in)
        # or opens an account with it.
        Write(
            "web: accept the invitation to KEN",
            "POST",
            "/invitation/{x[secret]}",
            lambda w: {"username": "newcomer", "password1": PASSWORD, "password2": PASSWORD},
            lambda f: True,
            lambda f: 0,
            302,
            invitation_accepted,
            ("invitations", "roles", "users"),
            form="form",
        ),
    ]
    return writes


def _web_commitment_writes() -> list[Write]:
    def edit(label: str) -> Write:
        return Write(
            f"web: edit commitment {label}",
            "POST",
            _c(label, "/edit"),
            lambda w: commitment_form(w, label) | {"title_en": "Edited commitment"},
            lambda f: f.edits_commitments(),
            web_signed_first(C[label]),
            302,
            commitment_state(label, "draft", "Edited commitment"),
            ("commitments",),
            form="form",
        )

    def owner_action(label: str, action: str, status: str) -> Write:
        return Write(
            f"web: {action} commitment {label}",
            "POST",
            _c(label, f"/{action}"),
            version_of("c", label),
            lambda f: f.edits_commitments(),
            web_signed_first(C[label]),
            302,
            commitment_state(label, status),
            ("commitments",),
            form="form",
        )

    def queue(label: str, country: str | None, status: str) -> Write:
        url = "/commitments/review" if country is None else f"/place/{country}/commitments/review"
        record = C[label]
        covered = country is None or country in record.countries

        def refusal(f: Facts) -> int:
            if not f.signed_in:
                return 302
            if not f.reviews(country):
                return 403
            if not f.reads(record):
                return 404
            return 403  # a country the commitment does not cover

        return Write(
            f"web: review {label} in the queue of {country or 'the secretariat'}",
            "POST",
            url,
            review(label),
            (lambda f: f.reviews(country)) if covered else NOBODY,
            refusal,
            302,
            reviewed(label, country, status),
            ("commitments", "reviews"),
            form="form",
        )

    return [
        Write(
            "web: register a commitment",
            "POST",
            "/commitments/new",
            lambda w: commitment_form(w),
            lambda f: f.password,
            lambda f: 302,
            302,
            commitment_made("Green belts for Nairobi"),
            ("commitments",),
            form="form",
        ),
        edit("KEN-DRAFT"),
        edit("KEN-RETURNED"),
        edit("BRA-DRAFT"),
        owner_action("KEN-DRAFT", "submit", "submitted"),
        owner_action("KEN-RETURNED", "submit", "submitted"),
        owner_action("KEN-SUBMITTED", "withdraw", "withdrawn"),
        owner_action("KEN-PUBLISHED", "withdraw", "withdrawn"),
        owner_action("BRA-PUBLISHED", "withdraw", "withdrawn"),
        Write(
            "web: report progress on KEN-PUBLISHED",
            "POST",
            _c("KEN-PUBLISHED", "/progress"),
            lambda w: {"year": "2025", "percent_complete": "60", "text_en": "Sixty farms traced."},
            lambda f: f.edits_commitments(),
            web_signed_first(C["KEN-PUBLISHED"]),
            302,
            reported("KEN-PUBLISHED"),
            ("reports",),
            form="form",
        ),
        queue("KEN-SUBMITTED", OWN, "published"),
        queue("BRA-SUBMITTED", OTHER, "published"),
        queue("MULTI-SUBMITTED", OWN, "submitted"),
        queue("MULTI-SUBMITTED", OTHER, "submitted"),
        queue("BRA-SUBMITTED", OWN, "published"),  # Kenya's queue, Brazil's commitment
        queue("GLOBAL-SUBMITTED", None, "published"),
    ]


def _web_staff_writes() -> list[Write]:
    def staff_refusal(f: Facts) -> int:
        return 403 if f.signed_in else 302

    return [
        Write(
            "web: set the goal of an indicator in a place",
            "POST",
            "/data/{x[data]}",
            lambda w: dict(GOAL),
            lambda f: f.staff,
            staff_refusal,
            302,
            goal_set,
            ("goals", "jobs"),
            form="form",
            location="/admin/login/",
        ),
        Write(
            "web: set the goal of a series",
            "POST",
            "/series/{x[series]}",
            lambda w: dict(GOAL),
            lambda f: f.staff,
            staff_refusal,
            302,
            goal_set,
            ("goals", "jobs"),
            form="form",
            location="/admin/login/",
        ),
        Write(
            "web: import indicator data",
            "POST",
            "/data/import",
            upload("data.csv", b"indicator,place,year,value\n", format="csv", place="GBR"),
            lambda f: f.staff,
            staff_refusal,
            302,
            job_queued,
            ("jobs",),
            audited=False,
            form="multipart",
            location="/admin/login/",
        ),
        Write(
            "web: undo an import",
            "POST",
            "/imports/{x[import]}",
            lambda w: {},
            lambda f: f.staff,
            lambda f: 403,  # the page is public; only staff may undo
            302,
            import_undone,
            ("imports", "goals"),
            form="form",
        ),
    ]


def _api_target_writes() -> list[Write]:
    writes: list[Write] = []
    for country in (OWN, OTHER):
        writes.append(
            Write(
                f"api: create a target of {country}",
                "POST",
                "/api/v1/national-targets/",
                fixed(
                    {
                        "country": country,
                        "code": "API7",
                        "title": {"en": "From a script"},
                        "alignments": [{"element": "gbf/target/3", "degree": "full"}],
                    }
                ),
                drafts_in(country),
                api_record(None),
                201,
                created(country, "API7"),
                ("targets",),
            )
        )
    for label, record in T.items():
        writes += [
            Write(
                f"api: PATCH {label} target",
                "PATCH",
                _api_t(label),
                target_json(label, "Patched"),
                may_edit_target(label),
                api_record(record),
                200,
                edited(label, "Patched"),
                ("targets",),
            ),
            Write(
                f"api: PUT {label} target",
                "PUT",
                _api_t(label),
                target_json(label, "Replaced", whole=True),
                may_edit_target(label),
                api_record(record),
                200,
                edited(label, "Replaced"),
                ("targets",),
            ),
        ]
        action = "unpublish" if record.status == "published" else "publish"
        after = "draft" if record.status == "published" else "published"
        writes.append(
            Write(
                f"api: {action} {label} target",
                "POST",
                _api_t(label, f"{action}/"),
                version_of("t", label),
                publishes_in(record.country),
                api_record(record),
                200,
                target_status(label, after),
                ("targets",),
            )
        )
        deletable = record.status == "draft"
        writes.append(
            Write(
                f"api: DELETE {label} target",
                "DELETE",
                _api_t(label) + f"?version={{t[{label}].version}}",
                lambda w: None,
                drafts_in(record.country) if deletable else NOBODY,
                api_record(record) if deletable else told(record, api_record(record)),
                204,
                target_deleted(label),
                ("targets",),
            )
        )
    return writes


def _api_commitment_writes() -> list[Write]:
    def owner_action(label: str, action: str, status: str) -> Write:
        return Write(
            f"api: {action} commitment {label}",
            "POST",
            _api_c(label, f"{action}/"),
            version_of("c", label),
            lambda f: f.edits_commitments(),
            api_signed_first(C[label]),
            200,
            commitment_state(label, status),
            ("commitments",),
        )

    def decide(label: str, country: str | None, status: str) -> Write:
        record = C[label]
        covered = country is None or country in record.countries
        return Write(
            f"api: review {label} for {country or 'the secretariat'}",
            "POST",
            _api_c(label, "review/"),
            lambda w: {"country": country, "decision": "approved"},
            (lambda f: f.reviews(country)) if covered else NOBODY,
            api_signed_first(record),
            200,
            reviewed(label, country, status),
            ("commitments", "reviews"),
        )

    return [
        # Registering a commitment needs a person signed in with a password.
        Write(
            "api: register a commitment",
            "POST",
            "/api/v1/commitments/",
            lambda w: {
                "actor_name": "Api Org",
                "actor_type": "ngo",
                "titles": {"en": "Registered by a script"},
                "coverage": "national",
                "countries": [OWN],
                "gbf_targets": ["gbf/target/3"],
                "start_year": 2025,
            },
            lambda f: f.password,
            lambda f: 403 if f.signed_in else 401,
            201,
            commitment_made("Registered by a script"),
            ("commitments",),
        ),
        Write(
            "api: PATCH commitment KEN-DRAFT",
            "PATCH",
            _api_c("KEN-DRAFT"),
            lambda w: {"titles": {"en": "Patched"}, "version": w.c["KEN-DRAFT"].version},
            lambda f: f.edits_commitments(),
            api_signed_first(C["KEN-DRAFT"]),
            200,
            commitment_state("KEN-DRAFT", "draft", "Patched"),
            ("commitments",),
        ),
        Write(
            "api: PUT commitment KEN-RETURNED",
            "PUT",
            _api_c("KEN-RETURNED"),
            lambda w: {
                "actor_name": "Acme Agriculture",
                "actor_type": "business",
                "titles": {"en": "Replaced"},
                "coverage": "national",
                "countries": [OWN],
                "gbf_targets": ["gbf/target/3"],
                "start_year": 2024,
                "version": w.c["KEN-RETURNED"].version,
            },
            lambda f: f.edits_commitments(),
            api_signed_first(C["KEN-RETURNED"]),
            200,
            commitment_state("KEN-RETURNED", "draft", "Replaced"),
            ("commitments",),
        ),
        owner_action("KEN-DRAFT", "submit", "submitted"),
        owner_action("BRA-DRAFT", "submit", "submitted"),
        owner_action("KEN-SUBMITTED", "withdraw", "withdrawn"),
        owner_action("KEN-PUBLISHED", "withdraw", "withdrawn"),
        decide("KEN-SUBMITTED", OWN, "published"),
        decide("BRA-SUBMITTED", OTHER, "published"),
        decide("MULTI-SUBMITTED", OWN, "submitted"),
        decide("MULTI-SUBMITTED", OTHER, "submitted"),
        decide("BRA-SUBMITTED", OWN, "published"),  # not a country it covers
        decide("GLOBAL-SUBMITTED", None, "published"),
        decide("GLOBAL-SUBMITTED", OWN, "published"),  # the secretariat's, not a country's
        Write(
            "api: report progress on KEN-PUBLISHED",
            "POST",
            _api_c("KEN-PUBLISHED", "progress-reports/"),
            lambda w: {"year": 2025, "texts": {"en": "Sixty farms traced."}},
            lambda f: f.edits_commitments(),
            api_signed_first(C["KEN-PUBLISHED"]),
            201,
            reported("KEN-PUBLISHED"),
            ("reports",),
        ),
    ]


# National reports ---------------------------------------------------------------------------

R = REPORTS
ANSWERS = ("facts", "fact_versions")
RAMSAR = "ramsar-cop15@2025.1"


def step_refusal(record: Record, step: str, api: bool = False) -> Callable[[Facts], int]:
    """A workflow step: 404 if the report is unseen; visitors sign in (401 on the API);
    403 for those outside the team or whom the step's rule leaves out; else the state
    (or a missing reason) refuses it: 400."""

    def refusal(f: Facts) -> int:
        if not f.reads(record):
            return 404
        if not f.signed_in:
            return 401 if api else 302
        if not f.sees(record.country) or not f.takes(step, record):
            return 403
        return 400

    return refusal


def frozen_refusal(record: Record, api: bool = False) -> Callable[[Facts], int]:
    """Answering a published report: visitors sign in; those who do not edit the
    country's facts are refused (403); its writers are told it cannot change (400 on
    the API; the page refuses the form, 403)."""

    def refusal(f: Facts) -> int:
        if not f.reads(record):
            return 404
        if not f.signed_in:
            return 401 if api else 302
        return 400 if api and f.edits_facts(record.country) else 403

    return refusal


def _r(label: str, suffix: str = "") -> str:
    record = R[label]
    return f"/place/{record.country}/report/{NR7}/{record.code}{suffix}"


def _api_r(label: str, suffix: str = "") -> str:
    return f"/api/v1/reports/{{r[{label}].pk}}/{suffix}"


def _fact(country: str, concept: str) -> Fact:
    return Fact.objects.get(country__code=country, concept__uid=concept)


def _assigned_concept() -> str:
    return str(Question.objects.get(template__code=NR7, key=ASSIGNED_QUESTION).concept.uid)


def report_opened(country: str, template: str, cycle: str) -> Effect:
    def check(world: World) -> None:
        assert Report.objects.filter(
            country__code=country, template__code=template, cycle=cycle
        ).exists(), f"no {template} {cycle} report of {country}"

    return check


def report_state(label: str, state: str) -> Effect:
    def check(world: World) -> None:
        found = workflow.state(Report.objects.get(pk=world.r[label].pk))
        assert found == state, (found, state)

    return check


def answer_is(country: str, value: Any) -> Effect:
    """The country's fact of the marked question holds the value now."""

    def check(world: World) -> None:
        fact = _fact(country, ANSWERED_CONCEPT)
        assert fact.value == value, (fact.value, value)

    return check


def answer_flipped(country: str) -> Effect:
    """The yes/no answer of the assigned question is now the other one."""

    def check(world: World) -> None:
        fact = _fact(country, _assigned_concept())
        before = fact.versions.get(version=fact.version - 1)
        assert fact.value is (not before.value), (before.value, fact.value)

    return check


def assigned(label: str, section: str, username: str, present: bool = True) -> Effect:
    def check(world: World) -> None:
        found = Assignment.objects.filter(
            report_id=world.r[label].pk, section=section, user__username=username
        ).exists()
        assert found is present, f"{section} of {label} given to {username}: {found}"

    return check


def commented(label: str, text: str) -> Effect:
    def check(world: World) -> None:
        assert Comment.objects.filter(report_id=world.r[label].pk, text=text).exists()

    return check


def resolved(key: str) -> Effect:
    def check(world: World) -> None:
        assert Comment.objects.get(pk=world.x[key]).resolved_at is not None

    return check


def template_loaded(code: str, version: str) -> Effect:
    def check(world: World) -> None:
        assert Template.objects.filter(code=code, version=version).exists()

    return check


def nothing_loaded(world: World) -> None:
    assert not Template.objects.filter(code="authz-form").exists()


def answer_form(label: str, text: str) -> Callable[[World], dict[str, str]]:
    """A section's form with the marked question answered anew."""

    def data(world: World) -> dict[str, str]:
        fact = _fact(R[label].country, ANSWERED_CONCEPT)
        return {f"v-{ANSWERED}": str(fact.version), f"q-{ANSWERED}": text}

    return data


def flipped_form(world: World) -> dict[str, str]:
    """Section II's form with the assigned yes/no question answered the other way."""
    fact = _fact(OWN, _assigned_concept())
    return {
        f"v-{ASSIGNED_QUESTION}": str(fact.version),
        f"q-{ASSIGNED_QUESTION}": "no" if fact.value else "yes",
    }


def answer_json(label: str, value: Any) -> Callable[[World], dict[str, Any]]:
    def data(world: World) -> dict[str, Any]:
        return {"value": value, "version": _fact(R[label].country, ANSWERED_CONCEPT).version}

    return data


def flipped_json(world: World) -> dict[str, Any]:
    fact = _fact(OWN, _assigned_concept())
    return {"value": not fact.value, "version": fact.version}


def filled_workbook(label: str, text: str) -> Callable[[World], dict[str, Any]]:
    """The report's offline workbook as exported, with the marked question answered anew."""

    def data(world: World) -> dict[str, Any]:
        report = world.r[label]
        book = load_workbook(io.BytesIO(offline.workbook(report, "en")))
        cell = next(
            ws.cell(row=row[0].row, column=5)
            for ws in book.worksheets[1:]
            for row in ws.iter_rows(min_col=1, max_col=1)
            if row[0].value == ANSWERED
        )
        cell.value = text
        out = io.BytesIO()
        book.save(out)
        name = f"{report.country.code}-{NR7}-{report.cycle}-en.xlsx"
        return {"file": SimpleUploadedFile(name, out.getvalue())}

    return data


def _web_report_writes() -> list[Write]:
    draft, review, pub = R["KEN-DRAFT"], R["KEN-REVIEW"], R["KEN-PUB"]
    writes: list[Write] = [
        Write(
            f"web: open a Ramsar report of {country}",
            "POST",
            f"/place/{country}/reports/open",
            fixed({"template": RAMSAR}),
            drafts_in(country),
            web_record(None),
            302,
            report_opened(country, "ramsar-cop15", "2022-2025"),
            ("national_reports",),
            form="form",
        )
        for country in (OWN, OTHER)
    ]

    def move(label: str, step: str, after: str | None, reason: str = "") -> Write:
        record = R[label]
        return Write(
            f"web: {step} {label} report",
            "POST",
            _r(label, "/move"),
            fixed({"step": step, "reason": reason}),
            takes_step(step, record) if after else NOBODY,
            step_refusal(record, step),
            302,
            report_state(label, after or record.status),
            ("transitions", "report_snapshots"),
            form="form",
        )

    writes += [
        move("KEN-DRAFT", "submit-for-review", "in-review"),
        move("KEN-REVIEW", "approve", "approved"),
        move("KEN-SUB", "publish", "published"),
        move("KEN-DRAFT", "approve", None),  # not in review
        move("KEN-PUB", "publish", None),  # published already
        Write(
            "web: answer on a section of KEN-DRAFT",
            "POST",
            _r("KEN-DRAFT", "/section/I"),
            answer_form("KEN-DRAFT", "Answered on the page."),
            edits_answer_of(draft),
            web_record(draft),
            302,
            answer_is(OWN, "Answered on the page."),
            ANSWERS,
            form="form",
        ),
        Write(
            "web: answer on the assigned section of KEN-DRAFT",
            "POST",
            _r("KEN-DRAFT", f"/section/{ASSIGNED_SECTION}"),
            flipped_form,
            edits_answer_of(draft, (ASSIGNEE,)),
            web_record(draft),
            302,
            answer_flipped(OWN),
            ANSWERS,
            form="form",
        ),
        Write(
            "web: answer on a section of KEN-REVIEW",
            "POST",
            _r("KEN-REVIEW", "/section/I"),
            answer_form("KEN-REVIEW", "Answered in review."),
            edits_answer_of(review),
            web_record(review),
            302,
            answer_is(OWN, "Answered in review."),
            ANSWERS,
            form="form",
        ),
        Write(
            "web: answer on a section of KEN-PUB",
            "POST",
            _r("KEN-PUB", "/section/I"),
            answer_form("KEN-PUB", "Answered after publication."),
            NOBODY,
            frozen_refusal(pub),
            302,
            answer_is(OWN, "Answered after publication."),
            ANSWERS,
            form="form",
        ),
        Write(
            "web: give a section of KEN-DRAFT",
            "POST",
            _r("KEN-DRAFT", "/assign"),
            fixed({"section": "III", "username": ASSIGNEE}),
            lambda f: f.assigns(OWN),
            web_record(draft),
            302,
            assigned("KEN-DRAFT", "III", ASSIGNEE),
            ("assignments",),
            form="form",
        ),
        Write(
            "web: take a section of KEN-DRAFT back",
            "POST",
            _r("KEN-DRAFT", "/assign"),
            fixed({"section": ASSIGNED_SECTION, "username": ASSIGNEE, "remove": "1"}),
            lambda f: f.assigns(OWN),
            web_record(draft),
            302,
            assigned("KEN-DRAFT", ASSIGNED_SECTION, ASSIGNEE, present=False),
            ("assignments",),
            form="form",
        ),
        Write(
            "web: upload a filled workbook of KEN-DRAFT",
            "POST",
            _r("KEN-DRAFT", "/offline"),
            filled_workbook("KEN-DRAFT", "Answered offline."),
            lambda f: f.edits_facts(OWN),
            web_record(draft),
            302,
            answer_is(OWN, "Answered offline."),
            ANSWERS,
            form="multipart",
        ),
    ]
    for label in ("KEN-DRAFT", "KEN-PUB"):
        record = R[label]
        text = f"A comment on {label} from the matrix."
        writes.append(
            Write(
                f"web: comment on {label}",
                "POST",
                _r(label, "/comment"),
                fixed({"question": ANSWERED, "text": text}),
                comments_in(record.country),
                web_record(record),
                302,
                commented(label, text),
                ("comments",),
                form="form",
            )
        )
    writes.append(
        Write(
            "web: resolve a comment on KEN-DRAFT",
            "POST",
            _r("KEN-DRAFT", "/comment/{x[comment]}/resolve"),
            lambda w: {},
            lambda f: f.comments_on(OWN),
            web_record(draft),
            302,
            resolved("comment"),
            ("comments",),
            form="form",
        )
    )
    return writes


def _api_report_writes() -> list[Write]:
    draft, review, pub = R["KEN-DRAFT"], R["KEN-REVIEW"], R["KEN-PUB"]
    writes: list[Write] = [
        Write(
            f"api: open a report of {country}",
            "POST",
            "/api/v1/reports/",
            fixed({"country": country, "template": NR7, "cycle": "2034"}),
            drafts_in(country),
            api_record(None),
            201,
            report_opened(country, NR7, "2034"),
            ("national_reports",),
        )
        for country in (OWN, OTHER)
    ]

    def move(label: str, step: str, after: str | None, reason: str = "") -> Write:
        record = R[label]
        return Write(
            f"api: {step} {label} report" + (" without a reason" if after is None else ""),
            "POST",
            _api_r(label, "transitions/"),
            fixed({"name": step, "reason": reason}),
            takes_step(step, record) if after else NOBODY,
            step_refusal(record, step, api=True),
            201,
            report_state(label, after or record.status),
            ("transitions", "report_snapshots"),
        )

    why = "Describe the consultations."
    writes += [
        move("KEN-DRAFT", "submit-for-review", "in-review"),
        move("BRA-DRAFT", "submit-for-review", "in-review"),
        move("KEN-REVIEW", "approve", "approved"),
        move("KEN-REVIEW", "send-back", None),  # a reason is needed
        move("KEN-SUB", "publish", "published"),
        move("KEN-SUB", "return", "draft", why),
        move("KEN-SUB", "unsubmit", "draft", why),
        move("KEN-DRAFT", "approve", None),  # not in review
        move("KEN-PUB", "publish", None),  # published already
        Write(
            "api: answer a question of KEN-DRAFT",
            "PUT",
            _api_r("KEN-DRAFT", f"answers/{ANSWERED}/"),
            answer_json("KEN-DRAFT", "Answered by a script."),
            edits_answer_of(draft),
            api_record(draft),
            200,
            answer_is(OWN, "Answered by a script."),
            ANSWERS,
        ),
        Write(
            "api: answer a question of the assigned section of KEN-DRAFT",
            "PUT",
            _api_r("KEN-DRAFT", f"answers/{ASSIGNED_QUESTION}/"),
            flipped_json,
            edits_answer_of(draft, (ASSIGNEE,)),
            api_record(draft),
            200,
            answer_flipped(OWN),
            ANSWERS,
        ),
        Write(
            "api: answer a question of BRA-DRAFT",
            "PUT",
            _api_r("BRA-DRAFT", f"answers/{ANSWERED}/"),
            answer_json("BRA-DRAFT", "Answered by a script."),
            edits_answer_of(R["BRA-DRAFT"]),
            api_record(R["BRA-DRAFT"]),
            200,
            answer_is(OTHER, "Answered by a script."),
            ANSWERS,
        ),
        Write(
            "api: answer a question of KEN-REVIEW",
            "PUT",
            _api_r("KEN-REVIEW", f"answers/{ANSWERED}/"),
            answer_json("KEN-REVIEW", "Answered in review."),
            edits_answer_of(review),
            api_record(review),
            200,
            answer_is(OWN, "Answered in review."),
            ANSWERS,
        ),
        Write(
            "api: answer a question of KEN-PUB",
            "PUT",
            _api_r("KEN-PUB", f"answers/{ANSWERED}/"),
            answer_json("KEN-PUB", "Answered after publication."),
            NOBODY,
            frozen_refusal(pub, api=True),
            200,
            answer_is(OWN, "Answered after publication."),
            ANSWERS,
        ),
        Write(
            "api: give a section of KEN-DRAFT",
            "POST",
            _api_r("KEN-DRAFT", "assignments/"),
            fixed({"section": "III", "username": ASSIGNEE}),
            lambda f: f.assigns(OWN),
            api_record(draft),
            201,
            assigned("KEN-DRAFT", "III", ASSIGNEE),
            ("assignments",),
        ),
        Write(
            "api: take a section of KEN-DRAFT back",
            "DELETE",
            _api_r("KEN-DRAFT", "assignments/"),
            fixed({"section": ASSIGNED_SECTION, "username": ASSIGNEE}),
            lambda f: f.assigns(OWN),
            api_record(draft),
            204,
            assigned("KEN-DRAFT", ASSIGNED_SECTION, ASSIGNEE, present=False),
            ("assignments",),
        ),
    ]
    for label in ("KEN-DRAFT", "KEN-PUB"):
        record = R[label]
        text = f"A comment on {label} from a script."
        writes.append(
            Write(
                f"api: comment on {label}",
                "POST",
                _api_r(label, "comments/"),
                fixed({"question": ANSWERED, "text": text}),
                comments_in(record.country),
                api_record(record),
                201,
                commented(label, text),
                ("comments",),
            )
        )
    for label, key in (("KEN-DRAFT", "comment"), ("KEN-PUB", "pub_comment")):
        record = R[label]
        writes.append(
            Write(
                f"api: resolve a comment on {label}",
                "POST",
                _api_r(label, f"comments/{{x[{key}]}}/resolve/"),
                lambda w: None,
                comments_in(record.country),
                api_record(record),
                200,
                resolved(key),
                ("comments",),
            )
        )
    for convention in ("cbd", "ramsar"):
        writes.append(
            Write(
                f"api: load a report template of the {convention}",
                "POST",
                "/api/v1/report-templates/",
                upload("authz-form.yaml", template_file(convention)),
                loads_for(convention),
                api_record(None),
                201,
                template_loaded("authz-form", "1"),
                ("templates", "concepts", "questions"),
                form="multipart",
            )
        )
    writes.append(
        Write(
            "api: check a report template file",
            "POST",
            "/api/v1/report-templates/check/",
            upload("authz-form.yaml", template_file("cbd")),
            lambda f: f.signed_in,
            api_record(None),
            200,
            nothing_loaded,
            (),
            audited=False,
            form="multipart",
        )
    )
    return writes


WRITES = [
    *_web_target_writes(),
    *_web_team_writes(),
    *_web_commitment_writes(),
    *_web_staff_writes(),
    *_web_report_writes(),
    *_api_target_writes(),
    *_api_commitment_writes(),
    *_api_report_writes(),
]


def cases() -> list[Any]:
    return [
        pytest.param(write, who, id=f"{write.name} as {who.name}")
        for write in WRITES
        for who in (ACTORS if write.channel == "api" else WEB_ACTORS)
    ]


def send(client: Client, method: str, url: str, data: Any, form: str) -> Any:
    """JSON for the API; a form (with its files) for the web."""
    if form == "json":
        body = "" if data is None else json.dumps(data)
        return client.generic(method, url, body, content_type="application/json")
    return client.post(url, data)


@pytest.fixture(autouse=True)
def uploads_in(settings: Any, tmp_path: Path) -> None:
    """Uploaded files land in a folder of the test's own."""
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.mark.django_db
@pytest.mark.parametrize(("write", "who"), cases())
def test_write(write: Write, who: Who, world: World) -> None:
    facts = who.on(write.channel)
    client = world.client(who)
    url = world.url(write.template)
    before = snapshot()
    response = send(client, write.method, url, write.data(world), write.form)
    after = snapshot()
    where = f"{write.name} as {who.name}"
    assert response.status_code < 500, f"{where}: {response.status_code}"
    if not write.may(facts):
        expected = write.refusal(facts)
        assert response.status_code == expected, (
            f"{where} refused with {response.status_code}, expected {expected}"
        )
        if response.status_code == 302:
            assert response["Location"].startswith(write.location), response["Location"]
        changes = [k for k in after if after[k] != before[k]]
        assert not changes, f"{where} was refused but changed {changes}"
        return
    assert response.status_code == write.done, (
        f"{where}: {response.status_code}, expected {write.done}: "
        + response.content.decode()[:300]
    )
    if response.status_code == 302:
        assert not response["Location"].startswith(write.location), f"{where} was sent to sign in"
    write.effect(world)
    unexpected = [k for k in after if k != "audit" and after[k] != before[k]]
    assert set(unexpected) <= set(write.touches), f"{where} also changed {unexpected}"
    if write.audited:
        assert after["audit"] > before["audit"], f"{where} left no audit entry"


@pytest.mark.django_db
def test_every_web_page_that_writes_is_in_the_table(world: World) -> None:
    """The web writes of the table cover every page that writes (Django's own account
    forms aside), and each write's address is such a page."""
    covered = set()
    for write in WRITES:
        if write.channel != "web":
            continue
        route = resolve(urlsplit(world.url(write.template)).path).route
        pattern = next(p for p in WEB_WRITERS if p.replace("^", "") == route.replace("^", ""))
        covered.add(pattern)
    assert covered == WEB_WRITERS - DJANGO_FORMS


# Sweeps -----------------------------------------------------------------------------------

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
SWEEP_ACTORS = [who for who in ACTORS if who.name == "admin"]


def shape(template: str) -> str:
    """An address template without its record and query: /api/v1/commitments/{c.code}/."""
    return re.sub(r"\{(\w)\[[^\]]+\]\.(\w+)\}", r"{\1.\2}", template.split("?")[0])


def _offered() -> set[tuple[str, str]]:
    """(pattern, method) pairs of the API's writes, all in the table above."""
    shapes = {(shape(w.template), w.method) for w in WRITES if w.channel == "api"}
    return {
        (pattern, method)
        for pattern, reads in READS.items()
        for read in reads
        for method in UNSAFE
        if (shape(read.template), method) in shapes
    }


def api_sweep() -> list[Any]:
    offered = _offered()
    return [
        pytest.param(pattern, read, method, who, id=f"{method} {read.template} as {who.name}")
        for pattern, reads in READS.items()
        for read in reads[:1]
        if channel(read.template) == "api"
        for method in UNSAFE
        if (pattern, method) not in offered
        for who in SWEEP_ACTORS
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("pattern", "read", "method", "who"), api_sweep())
def test_api_refuses_what_it_does_not_offer(
    pattern: str, read: Any, method: str, who: Who, world: World, clients: dict[str, Client]
) -> None:
    url = world.url(read.template)
    before = snapshot()
    response = clients[who.name].generic(method, url, "{}", content_type="application/json")
    assert response.status_code == 405, f"{method} {url} as {who.name}: {response.status_code}"
    assert snapshot() == before


# Django's own forms: the language, the admin site, signing in and out, passwords.
DJANGO_FORMS = {
    "i18n/setlang/",
    "admin/",
    "account/login",
    "account/logout",
    "account/password-reset",
    "account/password-reset/<uidb64>/<token>",
    "account/password-change",
}
# Web pages that write: all in the table above, or Django's own forms.
WEB_WRITERS = DJANGO_FORMS | {
    "account/",
    "account/token/<int:pk>/revoke",
    "invitation/<str:secret>",
    "place/<str:code>/team",
    "place/<str:code>/team/invitation/<int:pk>/revoke",
    "place/<str:code>/team/role/<int:pk>/remove",
    "place/<str:code>/targets/new",
    "place/<str:code>/targets/import",
    "place/<str:code>/target/<str:target_code>/edit",
    "place/<str:code>/target/<str:target_code>/publish",
    "place/<str:code>/target/<str:target_code>/unpublish",
    "place/<str:code>/target/<str:target_code>/delete",
    "commitments/new",
    "commitment/<slug:code>/edit",
    "commitment/<slug:code>/submit",
    "commitment/<slug:code>/withdraw",
    "commitment/<slug:code>/progress",
    "place/<str:code>/commitments/review",
    "commitments/review",
    "data/import",
    DATA_PAGE,
    "series/<int:pk>",
    "imports/<int:pk>",
    "place/<str:code>/reports/open",
    "place/<str:code>/report/<slug:template>/<str:cycle>/move",
    "place/<str:code>/report/<slug:template>/<str:cycle>/assign",
    "place/<str:code>/report/<slug:template>/<str:cycle>/offline",
    "place/<str:code>/report/<slug:template>/<str:cycle>/section/<str:key>",
    "place/<str:code>/report/<slug:template>/<str:cycle>/comment",
    "place/<str:code>/report/<slug:template>/<str:cycle>/comment/<int:pk>/resolve",
}


def web_sweep() -> list[Any]:
    return [
        pytest.param(read, who, id=f"POST {read.template} as {who.name}")
        for pattern, reads in READS.items()
        if pattern not in WEB_WRITERS
        for read in reads
        if channel(read.template) == "web"
        for who in ACTORS
        if who.name in ("admin", "owner")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("read", "who"), web_sweep())
def test_other_pages_change_nothing_when_posted_to(
    read: Any, who: Who, world: World, clients: dict[str, Client]
) -> None:
    url = world.url(read.template)
    before = snapshot()
    response = clients[who.name].post(url, {})
    assert response.status_code < 500, f"POST {url} as {who.name}: {response.status_code}"
    assert snapshot() == before, f"POST {url} as {who.name} changed something"


# The stocktake's aggregation rules ---------------------------------------------------------


def acting_user(world: World, who: Who) -> Any:
    """The actor object a request of ``who`` would carry (a token sets its scope)."""
    if who.facts.username is None:
        return AnonymousUser()
    user = User.objects.get(username=who.facts.username)
    if who.token is not None:
        _owner, country, role = TOKENS[who.token]
        user.token_scope = TokenScope(country, role)  # type: ignore[attr-defined]
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("who", ACTORS, ids=[who.name for who in ACTORS])
def test_stocktake_rules_are_set_by_the_cbd_secretariat(who: Who, world: World) -> None:
    """Aggregation rules are set with the command line only (no page or endpoint): the
    action itself lets administrators and the CBD secretariat through, nobody else."""
    before = snapshot()
    rules = AggregationRule.objects.count()
    actor = acting_user(world, who)
    allowed = who.facts.admin or who.facts.secretariat
    if allowed:
        stocktake_actions.set_rule(actor=actor, indicator=world.x["aggregated"], rule="max")
        assert AggregationRule.objects.filter(indicator__uid=world.x["aggregated"]).exists()
        assert snapshot()["audit"] > before["audit"]
        return
    with pytest.raises(PermissionDenied):
        stocktake_actions.set_rule(actor=actor, indicator=world.x["aggregated"], rule="max")
    with pytest.raises(PermissionDenied):
        stocktake_actions.remove_rule(actor=actor, indicator=world.x["aggregated"])
    assert AggregationRule.objects.count() == rules
    assert snapshot() == before
