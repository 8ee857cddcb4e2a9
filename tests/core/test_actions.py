"""The action pattern: policy first, one transaction, audit entries, after-commit work."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from meadow.audit.models import AuditEntry
from meadow.core import policies
from meadow.core.actions import action, after_commit
from meadow.core.actors import SystemActor, label
from meadow.frameworks import actions as framework_actions
from meadow.frameworks.sources import ElementSpec, FrameworkSpec

pytestmark = pytest.mark.django_db


def spec(title: str = "Keep meadows in flower") -> FrameworkSpec:
    return FrameworkSpec(
        slug="demo",
        name={"en": "Demo plan"},
        version="1",
        source="test",
        source_url="",
        licence="",
        order=9,
        elements=[
            ElementSpec(uid="demo/goal/A", level="goal", code="A", order=1, title={"en": title})
        ],
    )


def test_unknown_policy_fails_at_declaration() -> None:
    with pytest.raises(KeyError, match="unknown permission policy"):
        action("frameworks.edti")


def test_actor_is_required() -> None:
    with pytest.raises(TypeError, match="keyword-only actor"):
        framework_actions.sync_framework(spec(), origin="demo")  # type: ignore[call-arg]


def test_anonymous_is_refused_before_anything_is_written() -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        framework_actions.sync_framework(spec(), actor=AnonymousUser(), origin="demo")
    assert AuditEntry.objects.count() == before


def test_every_change_is_audited_with_before_and_after(django_user_model) -> None:  # type: ignore[no-untyped-def]
    admin = django_user_model.objects.create_superuser("curator", password="x" * 12)
    framework_actions.sync_framework(spec(), actor=admin, origin="demo")
    created = AuditEntry.objects.get(object_uid="demo/goal/A")
    assert created.user == admin and created.actor == "curator"
    assert created.after is not None and created.after["title"] == {"en": "Keep meadows in flower"}
    framework_actions.sync_framework(spec("Keep meadows mown late"), actor=admin, origin="demo")
    update = AuditEntry.objects.filter(object_uid="demo/goal/A").first()
    assert update is not None
    assert update.action == "frameworks.element.update"
    assert update.changed_fields == ["title"]
    assert update.before == {"title": {"en": "Keep meadows in flower"}}


def test_failure_rolls_back_the_whole_action() -> None:
    broken = spec()
    broken.elements.append(
        ElementSpec(
            uid="demo/target/1",
            level="target",
            code="1",
            order=2,
            title={"en": "x"},
            parent_uid="demo/goal/Z",
        )
    )
    before = AuditEntry.objects.count()
    with pytest.raises(ValueError, match="demo/goal/Z"):
        framework_actions.sync_framework(broken, actor=SystemActor("tests"), origin="demo")
    assert AuditEntry.objects.count() == before
    assert not AuditEntry.objects.filter(object_uid__startswith="demo/").exists()


def test_after_commit_runs_only_once_committed(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    ran: list[str] = []

    @action("frameworks.edit")
    def touch(*, actor: object) -> None:
        after_commit(lambda: ran.append("done"))
        assert ran == []

    with django_capture_on_commit_callbacks(execute=True):
        touch(actor=SystemActor("tests"))
    assert ran == ["done"]


def test_policies_are_named_and_labels_readable() -> None:
    assert {"reference.load", "frameworks.edit", "places.edit"} <= set(policies.POLICIES)
    assert label(SystemActor("load-reference")) == "system:load-reference"
    assert label(AnonymousUser()) == "anonymous"
