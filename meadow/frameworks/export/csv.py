"""Frameworks as one CSV row per element, and the crosswalk as one CSV row per relation."""

from __future__ import annotations

import csv
from typing import TextIO

from meadow.core.i18n import CONTENT_LANGUAGES
from meadow.frameworks.export.base import Writer
from meadow.frameworks.export.data import ExportData

TEXT_FIELDS = ("title", "short_title", "text")
ELEMENT_COLUMNS = [
    "uid",
    "framework",
    "level",
    "kind",
    "code",
    "parent",
    "order",
    "source_uri",
    *[f"{name}.{lang}" for name in TEXT_FIELDS for lang in CONTENT_LANGUAGES],
]
RELATION_COLUMNS = ["subject_uid", "type", "object_uid", "source", "origin", "confidence", "note"]


class CsvWriter(Writer):
    name = "csv"
    family = "csv"
    media_type = "text/csv"
    extension = "csv"

    def write(self, data: ExportData, out: TextIO) -> None:
        # "\n" rather than the csv module's "\r\n": the output is read and diffed on the
        # command line, and CSV readers take either.
        writer = csv.writer(out, lineterminator="\n")
        if data.is_crosswalk:
            writer.writerow(RELATION_COLUMNS)
            for relation in data.relations:
                writer.writerow(
                    [
                        relation.subject,
                        relation.type,
                        relation.object,
                        relation.source,
                        relation.origin,
                        # repr is the shortest text that reads back as the same float.
                        "" if relation.confidence is None else repr(relation.confidence),
                        relation.note,
                    ]
                )
            return
        writer.writerow(ELEMENT_COLUMNS)
        for concept in data.concepts:
            texts = {
                "title": concept.title,
                "short_title": concept.short_title,
                "text": concept.text,
            }
            writer.writerow(
                [
                    concept.uid,
                    concept.framework,
                    concept.level,
                    concept.kind,
                    concept.code,
                    concept.parent or "",
                    concept.order,
                    concept.source_uri,
                    *[
                        texts[name].get(lang, "")
                        for name in TEXT_FIELDS
                        for lang in CONTENT_LANGUAGES
                    ],
                ]
            )
