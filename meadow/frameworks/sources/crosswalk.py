"""The GBF crosswalk published by the CBD Secretariat: each GBF target's Aichi targets and SDGs.

Rows of ``gbf_target_related_terms.csv``: ``gbf_target,kind,related_id``. Links to
Aichi targets become ``partially-overlaps`` (the GBF target carries on the Aichi
target's subject, usually with a changed ambition, e.g. target 3's 30 % after Aichi
target 11's 17 %); links to SDGs become ``contributes-to``. CBD subject terms and
thesaurus ids are not frameworks in Meadow and are counted as skipped.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from meadow.frameworks.sources import RelationSpec, SourceError, read_text

SOURCE = "CBD Secretariat, GBF target related terms (GBF_SAMEAS)"
COLUMNS = ["gbf_target", "kind", "related_id"]
SKIPPED_KINDS = {"cbd_subject", "thesaurus_guid"}
PATTERNS = {
    "gbf_target": (re.compile(r"^GBF-TARGET-(\d{1,2})$"), "gbf/target/{}"),
    "aichi_target": (re.compile(r"^AICHI-TARGET-(\d{1,2})$"), "aichi/target/{}"),
    "sdg_goal": (re.compile(r"^SUSTAINABLE-DEVELOPMENT-GOAL-(\d{1,2})$"), "sdg/goal/{}"),
}
TYPES = {"aichi_target": "partially-overlaps", "sdg_goal": "contributes-to"}


@dataclass
class Crosswalk:
    relations: list[RelationSpec]
    skipped: int
    path: Path


def _uid(kind: str, value: str, path: Path, line: int) -> str:
    pattern, template = PATTERNS[kind]
    match = pattern.match(value.strip())
    if not match:
        raise SourceError(
            path, f"{value!r} is not a {kind.replace('_', ' ')} id", line=line, element=value
        )
    return template.format(int(match.group(1)))


def read(path: Path) -> Crosswalk:
    text = read_text(path)
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise SourceError(path, "file is empty")
    if [h.strip() for h in header] != COLUMNS:
        raise SourceError(
            path, f"expected columns {','.join(COLUMNS)}, found {','.join(header)}", line=1
        )
    relations: list[RelationSpec] = []
    skipped = 0
    seen: set[tuple[str, str, str]] = set()
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            raise SourceError(path, f"expected 3 fields, found {len(row)}", line=line)
        target, kind, related = (cell.strip() for cell in row)
        subject = _uid("gbf_target", target, path, line)
        if kind in SKIPPED_KINDS:
            skipped += 1
            continue
        if kind not in TYPES:
            raise SourceError(path, f"unknown kind {kind!r}", line=line, element=target)
        obj = _uid(kind, related, path, line)
        key = (subject, obj, TYPES[kind])
        if key in seen:
            raise SourceError(path, f"duplicate link {subject} -> {obj}", line=line, element=target)
        seen.add(key)
        relations.append(
            RelationSpec(
                subject_uid=subject, object_uid=obj, type=TYPES[kind], source=SOURCE, line=line
            )
        )
    return Crosswalk(relations=relations, skipped=skipped, path=path)
