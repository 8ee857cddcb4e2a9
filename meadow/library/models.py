"""Documents of the conventions, their paragraphs and the references they make.

A *document* is one official document in one language, known by its symbol
(``UNEP/CBD/COP/12/24``, ``CBD/WG2020/REC/1/1``). Its text is kept as *paragraphs*:
headings, numbered paragraphs, lettered sub-paragraphs, annex headings, table rows,
footnotes and unnumbered text, each with an *anchor* that is stable as long as the
document's numbering is (``para-5``, ``para-5-a``, ``annex-2``, ``fn-4``). The
identifier of a paragraph is ``doc/<symbol>#<anchor>``. Taking a document in again
replaces its paragraphs and keeps the earlier version in ``DocumentVersion``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    AR = "ar", _("Arabic")
    EN = "en", _("English")
    ES = "es", _("Spanish")
    FR = "fr", _("French")
    RU = "ru", _("Russian")
    ZH = "zh", _("Chinese")


class DocType(models.TextChoices):
    DECISION = "decision", _("Decision")
    RECOMMENDATION = "recommendation", _("Recommendation")
    NOTE = "note", _("Note by the Executive Secretary")
    INFORMATION = "information", _("Information document")
    REPORT = "report", _("Report")
    OTHER = "other", _("Other document")


class Kind(models.TextChoices):
    HEADING = "heading", _("Heading")
    PARAGRAPH = "paragraph", _("Numbered paragraph")
    ITEM = "item", _("Sub-paragraph")
    ANNEX = "annex", _("Annex heading")
    TABLE_ROW = "table-row", _("Table row")
    FOOTNOTE = "footnote", _("Footnote")
    TEXT = "text", _("Text")


class Document(models.Model):
    """One document in one language, as last taken in."""

    symbol = models.CharField(
        max_length=120, unique=True, help_text="Official symbol: UNEP/CBD/COP/12/24"
    )
    title = models.TextField(blank=True)
    number = models.CharField(
        max_length=40, blank=True, help_text="Number of a decision or recommendation: 1/1, XI/6"
    )
    body = models.CharField(max_length=40, blank=True, help_text="COP, SBSTTA, WG2020, WGRI ...")
    meeting = models.CharField(max_length=60, blank=True, help_text="COP-12, WG2020-1 ...")
    meeting_start = models.DateField(null=True, blank=True)
    meeting_end = models.DateField(null=True, blank=True)
    meeting_place = models.CharField(max_length=200, blank=True)
    agenda_item = models.CharField(max_length=40, blank=True)
    date = models.DateField(null=True, blank=True, help_text="Date of issue, where the text has it")
    language = models.CharField(max_length=2, choices=Language.choices)
    doc_type = models.CharField(max_length=20, choices=DocType.choices)
    source = models.CharField(max_length=300, help_text="Name of the file taken in")
    source_format = models.CharField(max_length=10, help_text="text, docx, html or pdf")
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the source file's bytes")
    version = models.PositiveIntegerField(default=1)
    ingested_at = models.DateTimeField()
    ingested_by = models.CharField(max_length=150, blank=True)

    # Set by ingest(): "added", "replaced" or "unchanged" (not stored).
    outcome: str = ""

    class Meta:
        ordering = ["symbol"]

    def __str__(self) -> str:
        return self.symbol

    @property
    def uid(self) -> str:
        return f"doc/{self.symbol}"

    def metadata(self) -> dict[str, object]:
        """The document's fields as plain JSON values (for versions and the audit log)."""
        return {
            "symbol": self.symbol,
            "title": self.title,
            "number": self.number,
            "body": self.body,
            "meeting": self.meeting,
            "meeting_start": _iso(self.meeting_start),
            "meeting_end": _iso(self.meeting_end),
            "meeting_place": self.meeting_place,
            "agenda_item": self.agenda_item,
            "date": _iso(self.date),
            "language": self.language,
            "doc_type": self.doc_type,
            "source": self.source,
            "source_format": self.source_format,
            "size": self.size,
            "sha256": self.sha256,
            "version": self.version,
            "ingested_at": _iso(self.ingested_at),
            "ingested_by": self.ingested_by,
        }


def _iso(value: object) -> str | None:
    return None if value is None else value.isoformat()  # type: ignore[attr-defined]


class DocumentVersion(models.Model):
    """An earlier version of a document: its metadata and paragraphs as they were."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    metadata = models.JSONField(default=dict)
    paragraphs = models.JSONField(
        default=list, help_text="[{anchor, kind, number, text, cells, parent, markers}]"
    )
    ingested_at = models.DateTimeField()
    replaced_at = models.DateTimeField()

    class Meta:
        ordering = ["document", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["document", "version"], name="library_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document.symbol} v{self.version}"


class Paragraph(models.Model):
    """One addressable piece of a document's text."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="paragraphs")
    anchor = models.CharField(max_length=120, help_text="para-5, para-5-a, annex-2, fn-4 ...")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    number = models.CharField(max_length=20, blank=True, help_text='As written: "5", "(a)", "一"')
    text = models.TextField(blank=True)
    cells = models.JSONField(null=True, blank=True, help_text="A table row's cells")
    order = models.PositiveIntegerField()
    parent = models.CharField(
        max_length=120,
        blank=True,
        help_text="Anchor of the enclosing paragraph; for a footnote, of the paragraph "
        "where its marker stands (empty when the marker could not be placed)",
    )
    markers = models.JSONField(
        default=list,
        blank=True,
        help_text='Footnote markers in the text: [{"note": "4", "at": offset}] '
        '(table rows: {"note", "cell", "at"})',
    )

    class Meta:
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "anchor"], name="library_anchor_unique")
        ]
        indexes = [models.Index(fields=["document", "order"], name="library_para_order")]

    def __str__(self) -> str:
        return self.uid

    @property
    def uid(self) -> str:
        return f"doc/{self.document.symbol}#{self.anchor}"

    def as_dict(self) -> dict[str, object]:
        return {
            "anchor": self.anchor,
            "kind": self.kind,
            "number": self.number,
            "text": self.text,
            "cells": self.cells,
            "parent": self.parent,
            "markers": self.markers,
        }


class Reference(models.Model):
    """A reference found in a paragraph: a document symbol, a decision, a meeting ..."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="references")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="references")
    kind = models.CharField(max_length=30, help_text="symbol, decision, meeting, org, url ...")
    text = models.TextField(help_text="As written")
    target = models.CharField(max_length=2000, help_text="Normalised identifier")
    start = models.PositiveIntegerField(help_text="Offset in the paragraph's text")
    end = models.PositiveIntegerField()

    class Meta:
        ordering = ["document", "paragraph__order", "start"]
        indexes = [
            models.Index(fields=["target"], name="library_ref_target"),
            models.Index(fields=["kind", "target"], name="library_ref_kind_target"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.target} in {self.paragraph_id}"
