"""Taking documents into the library: the action, its history, its refusals, the CLI."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfWriter

from meadow.audit.models import AuditEntry
from meadow.core.actors import SystemActor
from meadow.library import ingest as ingest_module
from meadow.library import readers
from meadow.library.ingest import SEEDS, ingest
from meadow.library.models import Document, DocumentVersion, Paragraph
from meadow.library.readers import ReadError

pytestmark = pytest.mark.django_db

SYSTEM = SystemActor("tests")
NOTE = SEEDS / "cbd-cop12-note-cooperation-zh.txt"
REC = SEEDS / "cbd-wg2020-rec-1-1-zh.txt"


def counts() -> dict[str, int]:
    return {
        "documents": Document.objects.count(),
        "paragraphs": Paragraph.objects.count(),
        "versions": DocumentVersion.objects.count(),
        "audit": AuditEntry.objects.filter(object_type="library.document").count(),
    }


def snapshot(document: Document) -> list[tuple[str, str, str, str]]:
    return [(p.anchor, p.kind, p.number, p.text) for p in document.paragraphs.order_by("order")]


def test_both_seeds_ingest() -> None:
    note = ingest(NOTE, actor=SYSTEM)
    rec = ingest(REC, actor=SYSTEM)
    assert (note.outcome, rec.outcome) == ("added", "added")
    note.refresh_from_db()
    assert (note.symbol, note.language, note.doc_type, note.meeting) == (
        "UNEP/CBD/COP/12/24",
        "zh",
        "note",
        "COP-12",
    )
    assert (rec.symbol, rec.language, rec.doc_type, str(rec.date)) == (
        "CBD/WG2020/REC/1/1",
        "zh",
        "recommendation",
        "2019-08-30",
    )
    assert (note.source, note.source_format, note.version) == (NOTE.name, "text", 1)
    assert note.ingested_by == "system:tests"
    assert rec.paragraphs.filter(kind="paragraph", anchor__startswith="para-").count() == 12
    assert note.paragraphs.filter(kind="paragraph").count() == 55
    assert note.paragraphs.filter(kind="footnote").count() == 44
    annex = rec.paragraphs.get(anchor="annex-2")
    assert annex.uid == "doc/CBD/WG2020/REC/1/1#annex-2"
    assert rec.uid == "doc/CBD/WG2020/REC/1/1"
    row = rec.paragraphs.get(anchor="annex-2-table-3-row-4")
    assert (row.kind, row.cells, row.parent) == (
        "table-row",
        [
            "待定",
            "国际自然保护联盟磋商",
            "各项要素",
            "",
            "自然保护联盟各组成部分（包括区域层面）的协商",
            "伙伴，5",
        ],
        "annex-2-table-3",
    )
    fn = note.paragraphs.get(anchor="fn-4")
    assert (fn.kind, fn.parent) == ("footnote", "para-4")
    entry = AuditEntry.objects.get(object_uid="doc/UNEP/CBD/COP/12/24")
    assert (entry.action, entry.actor, entry.before) == ("library.ingest", "system:tests", None)
    assert entry.after is not None
    assert (entry.after["symbol"], entry.after["footnotes"]) == ("UNEP/CBD/COP/12/24", 44)
    assert entry.source == NOTE.name


def test_references_are_stored_with_their_paragraphs() -> None:
    note = ingest(NOTE, actor=SYSTEM)
    rec = ingest(REC, actor=SYSTEM)
    para_2 = note.paragraphs.get(anchor="para-2")
    first = para_2.references.order_by("start").first()
    assert first is not None
    assert (first.kind, first.text, first.target, first.start, first.end) == (
        "decision",
        "第XI/6号决定第17段",
        "decision/CBD/COP/XI/6#para-17",
        0,
        12,
    )
    assert para_2.text[first.start : first.end] == first.text
    # "第5/1号建议" in paragraph 4 names no body: the working group of the sentence.
    para_4 = note.paragraphs.get(anchor="para-4")
    assert "recommendation/CBD/WGRI/5/1" in set(para_4.references.values_list("target", flat=True))
    # References in footnotes and table rows too, each at its place in the text.
    fn_4 = note.paragraphs.get(anchor="fn-4")
    assert list(fn_4.references.values_list("target", flat=True)) == ["doc/UNEP/CBD/COP/12/1/Add.2"]
    row = rec.paragraphs.get(anchor="annex-2-table-1-row-1")
    assert "decision/CPB/COP-MOP/9/7" in set(row.references.values_list("target", flat=True))
    for ref in rec.references.select_related("paragraph"):
        assert ref.paragraph.text[ref.start : ref.end] == ref.text
    entry = AuditEntry.objects.get(object_uid=rec.uid)
    assert entry.after is not None and entry.after["references"] == rec.references.count() > 0
    # Taken in again, the document's references are those of its new version only.
    count = note.references.count()
    ingest(NOTE, actor=SYSTEM, force=True)
    assert note.references.count() == count


def test_the_same_bytes_again_change_nothing() -> None:
    first = ingest(REC, actor=SYSTEM)
    before = counts()
    again = ingest(REC, actor=SYSTEM)
    assert again.outcome == "unchanged" and again.pk == first.pk
    assert counts() == before
    assert Document.objects.get().version == 1


def changed_copy(tmp_path: Path, old: str, new: str, source: Path = REC) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / source.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_reingesting_replaces_and_keeps_the_history(tmp_path: Path) -> None:
    first = ingest(REC, actor=SYSTEM)
    old = snapshot(first)
    path = changed_copy(tmp_path, "并更新2020年后进程网页。", "并更新2020年后进程网页和工作计划。")
    second = ingest(path, actor=SYSTEM)
    assert (second.pk, second.outcome, second.version) == (first.pk, "replaced", 2)
    new = snapshot(second)
    # Anchors and numbering stay; only the text of paragraph 12 changed.
    assert [p[:3] for p in new] == [p[:3] for p in old]
    changed = [(a[0], b[3]) for a, b in zip(old, new, strict=True) if a != b]
    assert len(changed) == 1 and changed[0][0] == "para-12"
    assert changed[0][1].endswith("并更新2020年后进程网页和工作计划。")
    version = DocumentVersion.objects.get(document=second)
    assert (version.version, version.sha256) == (1, first.sha256)
    assert version.metadata["symbol"] == "CBD/WG2020/REC/1/1"
    assert version.metadata["version"] == 1
    kept = {p["anchor"]: p for p in version.paragraphs}
    assert kept["para-12"]["text"].endswith("并更新2020年后进程网页。")
    assert kept["annex-2-table-1-row-1"]["cells"][-1] == "委员会\n2"
    assert len(version.paragraphs) == len(old)
    entries = AuditEntry.objects.filter(object_type="library.document").order_by("id")
    assert [e.action for e in entries] == ["library.ingest", "library.replace"]
    replaced = entries[1]
    assert replaced.before is not None and replaced.after is not None
    assert (replaced.before["sha256"], replaced.after["version"]) == (first.sha256, 2)


def test_force_parses_the_same_bytes_again() -> None:
    ingest(NOTE, actor=SYSTEM)
    again = ingest(NOTE, actor=SYSTEM, force=True)
    assert (again.outcome, again.version) == ("replaced", 2)
    assert DocumentVersion.objects.count() == 1


def blank_pdf(password: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


BAD_FILES: dict[str, tuple[bytes, str]] = {
    "corrupt.pdf": (b"%PDF-1.4\n%\xe2\xe3\n1 0 obj <<", "not a readable PDF file"),
    "locked.pdf": (blank_pdf("secret"), "the PDF is password-protected"),
    "scan.pdf": (blank_pdf(), "the PDF has no text that can be extracted"),
    "latin1.txt": ("Décision 15/4".encode("latin-1"), "not UTF-8 or UTF-16 text"),
    "nosymbol.txt": (b"Title\n1. A paragraph.\n", "no document symbol"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_change_nothing(tmp_path: Path, name: str) -> None:
    document = ingest(REC, actor=SYSTEM)
    before, paragraphs = counts(), snapshot(document)
    data, reason = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReadError) as err:
        ingest(path, actor=SYSTEM)
    assert str(err.value).startswith(f"{name}: {reason}")
    assert counts() == before
    assert snapshot(Document.objects.get()) == paragraphs


def test_an_oversized_file_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ingest(NOTE, actor=SYSTEM)
    before = counts()
    monkeypatch.setattr(readers, "MAX_BYTES", REC.stat().st_size - 1)
    with pytest.raises(ReadError, match=r"^cbd-wg2020-rec-1-1-zh\.txt: the file has .* bytes"):
        ingest(REC, actor=SYSTEM)
    assert counts() == before


def test_a_failure_while_storing_leaves_the_earlier_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = ingest(REC, actor=SYSTEM)
    before, paragraphs = counts(), snapshot(document)

    def fail(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest_module, "store_references", fail)
    path = changed_copy(tmp_path, "并更新2020年后进程网页。", "并更新网页。")
    with pytest.raises(RuntimeError):
        ingest(path, actor=SYSTEM)
    assert counts() == before
    document.refresh_from_db()
    assert document.version == 1 and snapshot(document) == paragraphs


def test_a_symbol_given_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "sbi.txt"
    path.write_text(
        "Resource mobilization\n1. Welcomes the report of the expert panel;\n", encoding="utf-8"
    )
    document = ingest(path, actor=SYSTEM, symbol="CBD/SBI/REC/3/5")
    assert (document.body, document.meeting, document.doc_type, document.number) == (
        "SBI",
        "SBI-3",
        "recommendation",
        "3/5",
    )
    assert (document.title, document.language) == ("Resource mobilization", "en")
    with pytest.raises(ReadError, match="is not a document symbol"):
        ingest(path, actor=SYSTEM, symbol="not a symbol")


def test_only_the_system_and_administrators_ingest() -> None:
    staff = User.objects.create_user("staff", password="x", is_staff=True)
    admin = User.objects.create_superuser("admin", password="x")
    for actor in (AnonymousUser(), staff):
        with pytest.raises(PermissionDenied):
            ingest(REC, actor=actor)
    assert Document.objects.count() == 0
    document = ingest(REC, actor=admin)
    assert document.ingested_by == "admin"


def test_a_docx_decision(tmp_path: Path) -> None:
    document = docx.Document()
    for text in ["CBD/COP/DEC/15/4", "19 December 2022"]:
        document.add_paragraph(text)
    document.add_heading("15/4. Kunming-Montreal Global Biodiversity Framework", level=1)
    document.add_paragraph("The Conference of the Parties,")
    document.add_paragraph("1. Adopts the Kunming-Montreal Global Biodiversity Framework;")
    document.add_paragraph("2. Urges Parties and other Governments:")
    document.add_paragraph("(a) to implement the Framework;")
    document.add_paragraph("(b) to report on progress.")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate([("Target", "Headline indicator"), ("3", "A.1")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    path = tmp_path / "dec-15-4.docx"
    document.save(str(path))
    stored = ingest(path, actor=SYSTEM)
    assert (stored.symbol, stored.doc_type, stored.number, stored.meeting) == (
        "CBD/COP/DEC/15/4",
        "decision",
        "15/4",
        "COP-15",
    )
    assert (str(stored.date), stored.language, stored.source_format) == (
        "2022-12-19",
        "en",
        "docx",
    )
    assert stored.title == "Kunming-Montreal Global Biodiversity Framework"
    rows = {p.anchor: p for p in stored.paragraphs.all()}
    assert rows["para-2-b"].text == "to report on progress." and rows["para-2-b"].parent == "para-2"
    assert rows["table-1-row-1"].cells == ["3", "A.1"]
    assert rows["text-1"].text == "The Conference of the Parties,"


def test_an_html_recommendation_in_french(tmp_path: Path) -> None:
    path = tmp_path / "sbstta-24-1.html"
    path.write_text(
        "<html><body><p>CBD/SBSTTA/REC/24/1</p><p>30 mai 2022</p>"
        "<p>ORGANE SUBSIDIAIRE CHARGÉ DE FOURNIR DES AVIS SCIENTIFIQUES, TECHNIQUES ET "
        "TECHNOLOGIQUES</p><p>Vingt-quatrième réunion</p><p>Genève, 14-29 mars 2022</p>"
        "<h2>24/1. Projet de cadre de suivi</h2>"
        "<p>1. <em>Prend note</em> des progrès accomplis dans la préparation du cadre;</p>"
        "<p>2. <em>Recommande</em> que la Conférence des Parties adopte une décision :</p>"
        "<ol><li>(a) sur les indicateurs;</li><li>(b) sur le suivi des progrès.</li></ol>"
        "</body></html>",
        encoding="utf-8",
    )
    stored = ingest(path, actor=SYSTEM)
    assert (stored.symbol, stored.language, stored.doc_type, stored.meeting) == (
        "CBD/SBSTTA/REC/24/1",
        "fr",
        "recommendation",
        "SBSTTA-24",
    )
    assert (str(stored.meeting_start), str(stored.meeting_end), stored.meeting_place) == (
        "2022-03-14",
        "2022-03-29",
        "Genève",
    )
    assert stored.title == "Projet de cadre de suivi"
    p = {x.anchor: x for x in stored.paragraphs.all()}
    assert p["para-1"].text == "Prend note des progrès accomplis dans la préparation du cadre;"
    assert p["para-2-a"].text == "sur les indicateurs;"


def test_cli_ingests_the_good_files_and_names_the_bad(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes("Décision".encode("latin-1"))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="2 added, 0 replaced, 0 unchanged, 1 failed"):
        call_command("library", "ingest", str(NOTE), str(bad), str(REC), stdout=out, stderr=err)
    assert "bad.txt: not UTF-8 or UTF-16 text: byte 0xE9 at offset 1" in err.getvalue()
    assert sorted(Document.objects.values_list("symbol", flat=True)) == [
        "CBD/WG2020/REC/1/1",
        "UNEP/CBD/COP/12/24",
    ]
    assert f"{REC.name}: CBD/WG2020/REC/1/1 (added" in out.getvalue()
    out = io.StringIO()
    call_command("library", "ingest", str(SEEDS), stdout=out, stderr=io.StringIO())
    assert "0 added, 0 replaced, 2 unchanged, 0 failed" in out.getvalue()


def test_cli_symbol_needs_one_file() -> None:
    with pytest.raises(CommandError, match="exactly one file"):
        call_command(
            "library", "ingest", str(NOTE), str(REC), "--symbol", "CBD/X/1", stderr=io.StringIO()
        )
