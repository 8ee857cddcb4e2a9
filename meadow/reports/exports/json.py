"""A report as JSON: the ``meadow-report/1`` document, every language kept.

The structure is published as a JSON Schema: ``meadow/reports/schema/report.schema.json``.
For a submitted report, the export holds everything its snapshot froze, so anyone can
rebuild the snapshot's content from it (``snapshot_content``) and check the SHA-256
the PDF and the page show (``verify``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from meadow.reports import document as documents
from meadow.reports.document import ReportDocument

SCHEMA = Path(__file__).resolve().parent.parent / "schema" / "report.schema.json"


def render(document: ReportDocument) -> bytes:
    return json.dumps(documents.as_json(document), ensure_ascii=False, indent=2).encode("utf-8")


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return loaded


def snapshot_content(exported: dict[str, Any]) -> dict[str, Any]:
    """What the report's snapshot froze, rebuilt from a ``meadow-report/1`` export."""
    snapshot = exported.get("snapshot")
    if not snapshot:
        raise ValueError("the export is not of a submitted report: it has no snapshot")
    template = exported["template"]
    return {
        "report": exported["report"],
        "country": exported["country"]["code"],
        "template": f"{template['code']}@{template['version']}",
        "template_digest": template["digest"],
        "cycle": exported["cycle"],
        "number": snapshot["number"],
        "answers": [
            {
                "question": question["key"],
                "concept": question["concept"],
                "value": question["value"],
                "fact_version": question["fact_version"],
            }
            for section in exported["sections"]
            for question in section["questions"]
        ],
    }


def digest(content: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON: keys sorted, no spaces, UTF-8."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def verify(exported: dict[str, Any]) -> bool:
    """Whether the answers of the export hash to the snapshot's SHA-256 it names."""
    return digest(snapshot_content(exported)) == exported["snapshot"]["digest"]
