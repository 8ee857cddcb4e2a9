"""The committed OpenAPI schema is the served one, and every endpoint answers as it says."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "openapi.yaml"
COMMITTED: dict[str, Any] = yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))
GET_PATHS = sorted(p for p, ops in COMMITTED["paths"].items() if "get" in ops)


def test_served_schema_equals_committed(client: Client) -> None:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    served = yaml.safe_load(response.content)
    assert served == COMMITTED, "openapi.yaml is stale: run `meadow openapi` and commit it"


def test_schema_covers_frameworks_elements_relations_places_groups() -> None:
    prefixes = {p.split("/")[3] for p in GET_PATHS}
    assert {"frameworks", "elements", "relations", "places", "groups"} <= prefixes


def _inline(node: Any, components: dict[str, Any]) -> Any:
    """Resolve $ref and turn OpenAPI's ``nullable`` into JSON Schema's null type."""
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return _inline(components[name], components)
        out = {k: _inline(v, components) for k, v in node.items() if k != "nullable"}
        if node.get("nullable"):
            if "type" in out:
                out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
            if "allOf" in out or "oneOf" in out:
                out = {"anyOf": [out, {"type": "null"}]}
        return out
    if isinstance(node, list):
        return [_inline(item, components) for item in node]
    return node


@pytest.fixture
def published_records(django_user_model: Any) -> None:
    """One published national target and one published commitment with a progress
    report and an audit entry, so that every list has a row to try."""
    from meadow.commitments.models import Commitment, ProgressReport
    from meadow.frameworks.models import Element
    from meadow.places.models import Place
    from meadow.targets.models import Alignment, GlobalElement, NationalTarget, QuantitativeElement

    kenya = Place.objects.get(code="KEN")
    target3 = Element.objects.get(uid="gbf/target/3")
    target = NationalTarget.objects.create(
        country=kenya, code="T1", title={"en": "Protect 30 % of land"}, status="published"
    )
    Alignment.objects.create(target=target, element=target3, degree="full")
    QuantitativeElement.objects.create(
        target=target,
        global_element=GlobalElement.objects.get(code="gbf-3-land"),
        quantity={"en": "Protected land"},
        unit="percent",
        value=30,
        year=2030,
    )
    owner = django_user_model.objects.create_user("owner", password="a long passphrase 1")
    commitment = Commitment.objects.create(
        code="restore-wetlands",
        actor_name="Wetland Trust",
        actor_type="ngo",
        title={"en": "Restore wetlands"},
        coverage="national",
        owner=owner,
        status="published",
        start_year=2024,
        end_year=2030,
    )
    commitment.countries.add(kenya)
    commitment.gbf_targets.add(target3)
    ProgressReport.objects.create(commitment=commitment, year=2025, text={"en": "Begun"}, by=owner)
    _published_report(owner)


def _published_report(contributor: Any) -> None:
    """Kenya's CBD report, answered (one answer twice), commented, assigned, published."""
    from meadow.core.actors import SystemActor
    from meadow.parties.models import CountryRole, Role
    from meadow.places.models import Place
    from meadow.reports import editing, workflow
    from meadow.reports.models import Template
    from tests.reports.helpers import fill

    system = SystemActor("tests")
    CountryRole.objects.create(
        user=contributor, country=Place.objects.get(code="KEN"), role=Role.CONTRIBUTOR
    )
    report = workflow.open_report(
        actor=system, country="KEN", template=Template.objects.get(code="cbd-nr7")
    )
    fill(report, system)
    editing.save_answer(
        actor=system, country="KEN", report=report, question="nbsap-status", value="adopted"
    )
    editing.comment(actor=system, country="KEN", report=report, question="b_1", text="Check")
    editing.assign(actor=system, country="KEN", report=report, section="IV.B", username="owner")
    for step in ("submit-for-review", "approve", "submit", "publish"):
        workflow.move(report, step, actor=system, country="KEN")


def _sample_url(client: Client, path: str) -> str:
    """Fill path parameters, one after the other, with real values taken from the list
    endpoint that precedes each (``/reports/{id}/answers/{key}/``: a report's id from
    ``/reports/``, then a question's key from that report's ``answers/``)."""
    while match := re.search(r"\{(\w+)\}", path):
        listing = client.get(path[: match.start()])
        assert listing.status_code == 200, path
        body = listing.json()
        results = body["results"] if isinstance(body, dict) else body
        assert results, f"no data to try {path}"
        path = path.replace(match.group(0), str(results[0][match.group(1)]), 1)
    return path


@pytest.mark.parametrize("path", GET_PATHS)
@pytest.mark.usefixtures("published_records")
def test_endpoint_answers_as_documented(admin_client: Client, path: str) -> None:
    """Read as an administrator: some lists (the audit log) are empty for the public,
    which the authorization tests check."""
    if path == "/api/schema/":
        return
    client = admin_client
    url = _sample_url(client, path)
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    operation = COMMITTED["paths"][path]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    jsonschema.validate(response.json(), _inline(schema, COMMITTED["components"]["schemas"]))
    if "text/csv" not in operation["responses"]["200"]["content"]:
        return
    as_csv = client.get(url, {"format": "csv"})
    assert as_csv.status_code == 200
    assert as_csv["Content-Type"].startswith("text/csv")
    csv.field_size_limit(1 << 24)  # a template's CSV holds its whole document in a cell
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8"))))
    assert len(rows) >= 2
