"""Taking a document file into the library.

``prepare(path)`` reads and parses a file without touching the database: the
document's metadata and paragraphs, or a ``ReadError`` naming the file and what is
wrong with it. ``ingest(path, actor=...)`` is the action: it prepares the file, then,
all or nothing, stores the document (replacing the paragraphs of an earlier version
with the same symbol and keeping that version in ``DocumentVersion``), the references
found in each paragraph (by ``meadow.library.references``) and an audit entry. The
same bytes taken in again change nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from meadow import audit
from meadow.core.actions import action
from meadow.core.actors import Actor, label
from meadow.library import language, metadata, readers, references, structure
from meadow.library.models import Document, DocumentVersion, Paragraph, Reference
from meadow.library.readers import ReadError

SEEDS = Path(__file__).resolve().parent / "data" / "seeds"
# A symbol given by hand: letters, digits and . ( ) - in parts separated by slashes.
_SYMBOL = re.compile(r"^[A-Za-z][A-Za-z0-9.()\-]*(?:/[A-Za-z0-9.()\-]+)+$")


def seed_paths() -> list[Path]:
    """The two CBD documents Meadow ships as the library's first documents."""
    return sorted(SEEDS.glob("*.txt"))


@dataclass
class Prepared:
    name: str
    source_format: str
    size: int
    sha256: str
    symbol: str
    fields: dict[str, Any]
    paragraphs: list[structure.Para]
    notes: dict[str, str] = field(default_factory=dict)


def prepare(path: Path | str, *, symbol: str | None = None) -> Prepared:
    """Read and parse one file; ReadError names the file and the problem."""
    source = readers.read(path)
    parsed = structure.parse(
        source.blocks, source.notes, separated=source.format in ("docx", "html")
    )
    header = parsed.header
    text = "\n".join(p.text for p in parsed.paragraphs)
    lang = language.detect(text)
    if lang is None:
        raise ReadError(source.name, _("the language of the text cannot be told"))
    if symbol is not None:
        symbol = symbol.strip()
        if not _SYMBOL.match(symbol):
            raise ReadError(
                source.name, _("%(symbol)r is not a document symbol") % {"symbol": symbol}
            )
    symbol = symbol or header.symbol or metadata.self_symbol(text, header.body, header.session)
    if len(symbol) > 120:
        raise ReadError(source.name, _("the document symbol is longer than 120 characters"))
    if not symbol:
        raise ReadError(
            source.name,
            _(
                "no document symbol (such as CBD/COP/DEC/15/4) was found on the first page; "
                "give it with --symbol"
            ),
        )
    info = metadata.parse_symbol(symbol)
    body = info.body or header.body
    session = info.session or header.session
    title = header.title or next(
        (p.text for p in parsed.paragraphs if p.kind in ("heading", "annex") and p.text), ""
    )
    meeting = header.meeting
    fields: dict[str, Any] = {
        "title": structure.plain(title)[:2000],
        "number": info.number or header.number,
        "body": body,
        "meeting": f"{body}-{session}" if body and session else "",
        "meeting_start": meeting.start if meeting else None,
        "meeting_end": meeting.end if meeting else None,
        "meeting_place": meeting.place[:200] if meeting else "",
        "agenda_item": header.agenda_item,
        "date": header.date,
        "language": lang,
        "doc_type": metadata.doc_type(info.doc_type, header),
    }
    return Prepared(
        name=source.name,
        source_format=source.format,
        size=source.size,
        sha256=source.sha256,
        symbol=symbol,
        fields=fields,
        paragraphs=parsed.paragraphs,
        notes=parsed.notes,
    )


@action("reference.load")
def ingest(
    path: Path | str, *, actor: Actor, symbol: str | None = None, force: bool = False
) -> Document:
    """Take one file into the library (see the module's doc).

    ``symbol`` names the document when its text does not; ``force`` parses again a
    file whose bytes are already in the library. The document returned says in
    ``outcome`` whether it was "added", "replaced" or "unchanged".
    """
    prepared = prepare(path, symbol=symbol)
    document = Document.objects.filter(symbol=prepared.symbol).first()
    if document is not None and document.sha256 == prepared.sha256 and not force:
        document.outcome = "unchanged"
        return document
    now = timezone.now()
    before: dict[str, Any] | None = None
    if document is not None:
        before = document.metadata()
        DocumentVersion.objects.create(
            document=document,
            version=document.version,
            sha256=document.sha256,
            metadata=before,
            paragraphs=[p.as_dict() for p in document.paragraphs.order_by("order")],
            ingested_at=document.ingested_at,
            replaced_at=now,
        )
        document.paragraphs.all().delete()
        document.version += 1
        outcome = "replaced"
    else:
        document = Document(symbol=prepared.symbol)
        outcome = "added"
    for name, value in prepared.fields.items():
        setattr(document, name, value)
    document.source = prepared.name[:300]
    document.source_format = prepared.source_format
    document.size = prepared.size
    document.sha256 = prepared.sha256
    document.ingested_at = now
    document.ingested_by = label(actor)[:150]
    document.save()
    stored = Paragraph.objects.bulk_create(
        Paragraph(
            document=document,
            anchor=p.anchor,
            kind=p.kind,
            number=p.number[:20],
            text=p.text,
            cells=p.cells,
            order=p.order,
            parent=p.parent,
            markers=p.markers,
        )
        for p in prepared.paragraphs
    )
    found = store_references(document, stored)
    after = {
        **document.metadata(),
        "paragraphs": len(stored),
        "footnotes": sum(1 for p in stored if p.kind == "footnote"),
        "references": found,
    }
    audit.record(
        actor=actor,
        action="library.ingest" if before is None else "library.replace",
        object_type="library.document",
        object_uid=document.uid,
        before=before,
        after=after,
        source=prepared.name,
    )
    document.outcome = outcome
    return document


# The body of a document -> the convention and body that references.Context knows.
_CONTEXT_BODIES = {"CP-MOP": ("CPB", "COP-MOP"), "NP-MOP": ("NP", "COP-MOP")}


def reference_context(document: Document) -> references.Context:
    """What a bare "第5/1号建议" or "target 11" in the document refers to: its body, and
    the Aichi targets before 2021, the GBF targets after 2022."""
    convention, body = _CONTEXT_BODIES.get(document.body, ("CBD", document.body))
    day = document.date or document.meeting_start
    framework = None
    if day is not None:
        framework = "aichi" if day.year <= 2020 else "gbf" if day.year >= 2023 else None
    return references.Context(convention=convention, body=body or None, framework=framework)


def store_references(document: Document, paragraphs: list[Paragraph]) -> int:
    """The references found in every paragraph (``meadow.library.references``), read in
    order so that a reference can lean on what the paragraphs before it named."""
    texts = [p.text for p in paragraphs]
    context = reference_context(document)
    try:
        found = references.extract_paragraphs(texts, lang=document.language, context=context)
    except references.DataError:
        raise
    except ValueError:
        # A body the references' data do not list: read without it.
        context = references.Context(convention=context.convention, framework=context.framework)
        found = references.extract_paragraphs(texts, lang=document.language, context=context)
    rows = [
        Reference(
            document=document,
            paragraph=paragraph,
            kind=f.kind[:30],
            text=f.text,
            target=f.target[:2000],
            start=f.start,
            end=f.end,
        )
        for paragraph, items in zip(paragraphs, found, strict=True)
        for f in items
    ]
    Reference.objects.bulk_create(rows)
    return len(rows)
