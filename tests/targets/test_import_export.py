"""Import and export of national targets: JSON, CSV, XLSX; all or nothing; round trips; CLI."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from meadow.audit.models import AuditEntry
from meadow.parties.visibility import Publication
from meadow.targets import actions, formats, queries, specs
from meadow.targets.models import NationalTarget
from tests.targets.conftest import PROTECT, RESTORE, SYSTEM, draft, published

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

# Texts that use every character the cell syntax gives a meaning to.
TRICKY = {
    "code": "NBT-3.1",
    "title": {
        "en": "Halve; excess | nutrients",
        "fr": "Réduire de moitié les nutriments",
        "zh": "养分减半",
        "ar": "خفض المغذيات",
    },
    "text": {"en": "Line one; with a semicolon\nLine two | with a bar \\ and a backslash"},
    "alignments": [
        ("gbf/target/7", "full", {"en": "Nutrients; pesticides", "fr": "Nutriments | pesticides"}),
        ("gbf/target/10", "minimal", ""),
    ],
    "indicators": [
        "gbf/indicator/7.1",
        {"name": {"en": "Nitrogen surplus; kg/ha", "fr": "Excédent d'azote | kg/ha"}},
        {"name": {"en": "fr: looks like a tag"}},
    ],
    "quantities": [
        {
            "global_element": "gbf-7-nutrients",
            "quantity": {"en": "Excess nitrogen = lost", "es": "Nitrógeno"},
            "unit": "percent",
            "value": 50,
            "year": 2030,
            "baseline_value": 0.1,
            "baseline_year": 2018,
        },
        {"unit": "USD per year", "value": 2.5e9, "year": 2030},
    ],
}


def contents(country: str = "KEN") -> list[dict[str, Any]]:
    return [specs.content(s) for s in queries.snapshots(SYSTEM, country)]


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def problems_of(excinfo: Any) -> list[tuple[str, int | None, str, str]]:
    return [
        (p.location.sheet, p.location.row, p.location.column, p.code)
        for p in excinfo.value.problems
    ]


@pytest.mark.parametrize("format", formats.FORMATS)
def test_export_then_import_gives_identical_targets(
    format: str, tmp_path: Path, contributor: User
) -> None:
    published(PROTECT)
    draft(TRICKY)
    draft(RESTORE)
    before = contents()
    exported = queries.export(SYSTEM, "KEN", format)
    NationalTarget.objects.filter(country__code="KEN").delete()
    path = write(tmp_path, f"targets.{format}", exported)
    report = actions.import_targets(path, actor=contributor, country="KEN")
    assert sorted(report.created) == ["NBT-3.1", "T1", "T2"]
    assert contents() == before
    # Imported targets are drafts, and exporting them again gives the same file
    # (but for their status).
    assert set(NationalTarget.objects.values_list("status", flat=True)) == {Publication.DRAFT}
    published_again = queries.export(SYSTEM, "KEN", format)
    if format == "json":
        first, second = json.loads(exported), json.loads(published_again)
        for doc in (first, second):
            for target in doc["targets"]:
                target.pop("status")
                target.pop("version")
        assert first == second
    # Importing the same file once more changes nothing.
    again = actions.import_targets(path, actor=contributor, country="KEN")
    assert again.unchanged and not again.changed


def test_the_json_document(contributor: User) -> None:
    draft(RESTORE)
    document = json.loads(queries.export(SYSTEM, "KEN", "json"))
    assert document == {
        "country": "KEN",
        "targets": [
            {
                "code": "T2",
                "title": {"en": "Restore degraded rangelands"},
                "text": {},
                "status": "draft",
                "version": 1,
                "alignments": [
                    {
                        "element": "gbf/target/2",
                        "degree": "partial",
                        "explanation": {"en": "Rangelands only"},
                    }
                ],
                "indicators": [],
                "quantities": [],
            }
        ],
    }


def test_the_csv_file(tmp_path: Path) -> None:
    draft(PROTECT)
    text = queries.export(SYSTEM, "KEN", "csv").decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == (
        "code,status,title_en,title_fr,text_en,alignments,explanation_en,indicators,quantities"
    )
    assert "gbf/goal/A:partial; gbf/target/3:full" in text
    assert "gbf/target/3: Protected areas and conservancies" in text
    assert "gbf/indicator/3.1; Area under community conservancies" in text
    assert (
        "gbf-3-land: 30 percent by 2030 from 12.5 in 2020 = Land and inland waters protected"
        in text
    )


def test_the_xlsx_workbook() -> None:
    draft(PROTECT)
    book = load_workbook(io.BytesIO(queries.export(SYSTEM, "KEN", "xlsx")))
    assert book.sheetnames == ["targets", "alignments", "indicators", "quantities"]
    rows = [list(r) for r in book["alignments"].iter_rows(values_only=True)]
    assert rows == [
        ["target", "element", "degree", "explanation_en"],
        ["T1", "gbf/goal/A", "partial", None],
        ["T1", "gbf/target/3", "full", "Protected areas and conservancies"],
    ]
    quantities = [list(r) for r in book["quantities"].iter_rows(values_only=True)]
    assert quantities[1] == [
        "T1",
        "gbf-3-land",
        30,
        "percent",
        2030,
        12.5,
        2020,
        "Land and inland waters protected",
    ]


BAD_CSV = (
    "code,title_en,alignments,quantities\n"
    "T1,Protect land,gbf/target/3:full,gbf-3-land: 30 percent by 2030\n"
    "T2,Restore,gbf/target/99:full; gbf/target/2:total,\n"
    ",No code,gbf/target/1:partial,\n"
    "T1,Again,,\n"
    "T5,Money,gbf/target/19:full,gbf-19-total: 5e9 USD per year by 2030; thirty percent by 2030\n"
    'T6,Bad cell,gbf/target/4,"12,5 percent by 2030"\n'
    "T7,Too long,gbf/target/4:full,,extra\n"
)


def test_every_problem_of_a_csv_file_is_reported_and_nothing_changes(
    tmp_path: Path, contributor: User
) -> None:
    draft(RESTORE)
    snapshot, audit = contents(), AuditEntry.objects.count()
    path = write(tmp_path, "targets.csv", BAD_CSV)
    with pytest.raises(actions.ImportRejected) as refused:
        actions.import_targets(path, actor=contributor, country="KEN")
    # What the reader finds comes first, then what the checks against the GBF find.
    assert problems_of(refused) == [
        ("", 6, "quantities", "bad-number"),
        ("", 7, "alignments", "bad-cell"),
        ("", 7, "quantities", "bad-number"),
        ("", 8, "", "extra-cells"),
        ("", 3, "alignments", "unknown-element"),
        ("", 3, "alignments", "bad-degree"),
        ("", 4, "code", "missing-code"),
        ("", 5, "code", "duplicate-code"),
    ]
    messages = [str(p) for p in refused.value.problems]
    assert messages[0] == (
        "targets.csv, row 6, column quantities: quantity 2: value: 'thirty' is not a number"
    )
    assert messages[2].endswith("quantity 1: value: '12,5' is not a number")
    assert messages[4] == (
        "targets.csv, row 3, column alignments: 'gbf/target/99' is not a goal or target of "
        "the GBF (gbf/goal/A, gbf/target/3 ...)"
    )
    assert "'total' is not a degree of alignment (full, partial, minimal)" in messages[5]
    assert "row 5, column code: the code 'T1' is used twice (also at row 2)" in messages[7]
    assert "nothing was imported" in str(refused.value)
    assert contents() == snapshot and AuditEntry.objects.count() == audit


def test_a_problem_in_a_workbook_names_sheet_row_and_column(
    tmp_path: Path, contributor: User
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Targets"
    sheet.append(["Code", "Title_EN", "Indicators"])
    sheet.append(["T1", "Protect land", "gbf/indicator/3.1"])
    sheet.append(["T2", "=A2", "gbf/indicator/99"])
    alignments = book.create_sheet("alignments")
    alignments.append(["target", "element", "degree", "explanation_en"])
    alignments.append(["T1", "gbf/target/3", "full", "Protected areas"])
    alignments.append(["T1", "gbf/target/2", "strong", ""])
    alignments.append(["T9", "gbf/target/2", "full", ""])
    quantities = book.create_sheet("quantities")
    quantities.append(["target", "global_element", "value", "unit", "year"])
    quantities.append(["T1", "gbf-3-land", "30,5", "percent", 2030])
    quantities.append(["T1", "gbf-3-land", 30, "percent", "soon"])
    data = io.BytesIO()
    book.save(data)
    path = write(tmp_path, "targets.xlsx", data.getvalue())
    with pytest.raises(actions.ImportRejected) as refused:
        actions.import_targets(path, actor=contributor, country="KEN")
    assert problems_of(refused) == [
        ("Targets", 3, "B3", "formula"),
        ("alignments", 4, "target", "unknown-target"),
        ("quantities", 2, "value", "bad-number"),
        ("quantities", 3, "year", "bad-year"),
        ("alignments", 3, "degree", "bad-degree"),
        ("Targets", 3, "title_en", "missing-title"),
        ("Targets", 3, "indicators", "unknown-indicator"),
    ]
    assert not NationalTarget.objects.exists()


def test_a_workbook_that_gives_a_list_twice_is_refused(tmp_path: Path, contributor: User) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "targets"
    sheet.append(["code", "title_en", "alignments"])
    sheet.append(["T1", "Protect land", "gbf/target/3:full"])
    book.create_sheet("alignments").append(["target", "element", "degree"])
    data = io.BytesIO()
    book.save(data)
    path = write(tmp_path, "targets.xlsx", data.getvalue())
    with pytest.raises(actions.ImportRejected) as refused:
        actions.import_targets(path, actor=contributor, country="KEN")
    assert problems_of(refused) == [("targets", 1, "alignments", "unknown-column")]


def test_json_problems_name_the_target_and_field(tmp_path: Path, contributor: User) -> None:
    document = {
        "country": "KEN",
        "targets": [
            {"code": "T1", "title": {"en": "Ok"}, "alignments": [{"element": "gbf/target/3"}]},
            {
                "code": "T2",
                "title": {"en": "Bad"},
                "quantities": [{"unit": "percent", "value": "30", "year": 2030}],
                "colour": "green",
            },
        ],
    }
    path = write(tmp_path, "targets.json", json.dumps(document))
    with pytest.raises(actions.ImportRejected) as refused:
        actions.import_targets(path, actor=contributor, country="KEN")
    assert problems_of(refused) == [
        ("", 2, "targets[1].colour", "unknown-field"),
        ("", 2, "targets[1].quantities[0].value", "bad-number"),
        ("", 1, "targets[0].alignments[0].degree", "bad-degree"),
    ]


def test_a_file_for_another_country_is_refused(tmp_path: Path, contributor: User) -> None:
    path = write(tmp_path, "t.json", json.dumps({"country": "TZA", "targets": []}))
    with pytest.raises(actions.ImportRejected, match="the file is for TZA, not KEN"):
        actions.import_targets(path, actor=contributor, country="KEN")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("t.csv", b"code,title_en\nT1,\xff\xfe\n", "not UTF-8 text"),
        ("t.xlsx", b"code,title_en\n", "not an Excel .xlsx workbook"),
        ("t.json", b"{not json", "not valid JSON"),
        ("t.txt", b"code\n", "unknown format"),
        ("t.csv", b"", "the file is empty"),
        ("t.csv", b"code,title_en\n", "the file holds no targets"),
        ("t.csv", b"code,name\nT1,x\n", "unknown column 'name'"),
    ],
)
def test_unreadable_files(
    tmp_path: Path, contributor: User, name: str, data: bytes, reason: str
) -> None:
    path = write(tmp_path, name, data)
    with pytest.raises(actions.ImportRejected, match=reason):
        actions.import_targets(path, actor=contributor, country="KEN")


def test_an_import_does_not_overwrite_a_published_target_for_a_contributor(
    tmp_path: Path, contributor: User, focal: User
) -> None:
    published(PROTECT)
    csv = "code,title_en,alignments\nT1,Changed,gbf/target/3:full\nT2,New,gbf/target/2:full\n"
    path = write(tmp_path, "t.csv", csv)
    with pytest.raises(actions.ImportRejected) as refused:
        actions.import_targets(path, actor=contributor, country="KEN")
    assert problems_of(refused) == [("", 2, "code", "published")]
    assert NationalTarget.objects.count() == 1
    # A focal point may: the target changes and stays published; the new one is a draft.
    report = actions.import_targets(path, actor=focal, country="KEN")
    assert (report.created, report.updated) == (["T2"], ["T1"])
    states = dict(NationalTarget.objects.values_list("code", "status"))
    assert states == {"T1": "published", "T2": "draft"}
    entry = AuditEntry.objects.filter(action="target.update").latest("id")
    assert entry.source == "t.csv" and entry.country == "KEN"


def test_only_the_countrys_writers_import(
    tmp_path: Path, reviewer: User, other_focal: User
) -> None:
    path = write(tmp_path, "t.csv", "code,title_en\nT1,One\n")
    for actor in (reviewer, other_focal, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            actions.import_targets(path, actor=actor, country="KEN")
    assert not NationalTarget.objects.exists()


def test_an_export_holds_what_the_reader_may_see(other_focal: User, reviewer: User) -> None:
    draft(PROTECT)
    published(RESTORE)
    public = json.loads(queries.export(AnonymousUser(), "KEN", "json"))
    assert [t["code"] for t in public["targets"]] == ["T2"]
    assert [
        t["code"] for t in json.loads(queries.export(other_focal, "KEN", "json"))["targets"]
    ] == ["T2"]
    team = json.loads(queries.export(reviewer, "KEN", "json"))
    assert [t["code"] for t in team["targets"]] == ["T1", "T2"]


def test_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft(PROTECT)
    out = tmp_path / "ken.xlsx"
    call_command("targets", "export", "--country", "KEN", "--format", "xlsx", "--out", str(out))
    assert "1 national target(s) of KEN written to" in capsys.readouterr().out
    NationalTarget.objects.all().delete()
    call_command("targets", "import", str(out), "--country", "ken", verbosity=0)
    assert "national targets of KEN: 1 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert contents()[0]["code"] == "T1"
    bad = write(tmp_path, "bad.csv", BAD_CSV)
    with pytest.raises(CommandError, match="8 problem"):
        call_command("targets", "import", str(bad), "--country", "KEN", verbosity=0)
    errors = capsys.readouterr().err
    assert "error: bad.csv, row 3, column alignments: 'gbf/target/99'" in errors
    with pytest.raises(CommandError, match="no such file"):
        call_command("targets", "import", str(tmp_path / "none.csv"), "--country", "KEN")


def test_the_command_line_acts_as_a_user(
    tmp_path: Path, reviewer: User, capsys: pytest.CaptureFixture[str]
) -> None:
    draft(PROTECT)
    out = tmp_path / "ken.json"
    with pytest.raises(CommandError, match="no user named"):
        call_command(
            "targets",
            "export",
            "--country",
            "KEN",
            "--format",
            "json",
            "--out",
            str(out),
            "--user",
            "nobody-here",
        )
    path = write(tmp_path, "t.csv", "code,title_en\nT9,Nine\n")
    with pytest.raises(CommandError, match="kr may not draft national targets for KEN"):
        call_command("targets", "import", str(path), "--country", "KEN", "--user", "kr")


DOCS = Path(__file__).resolve().parents[2] / "docs" / "national-targets.md"


@pytest.mark.parametrize("format", ["json", "csv"])
def test_the_documented_examples_import(format: str, tmp_path: Path, contributor: User) -> None:
    blocks = re.findall(rf"```{format}\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    # The JSON file example is the one with a "targets" list (the other is an API body).
    example = next(b for b in blocks if format != "json" or '"targets"' in b)
    path = write(tmp_path, f"example.{format}", example)
    report = actions.import_targets(path, actor=contributor, country="KEN")
    assert report.created[0] == "T1"
    target = contents()[0]
    assert target["alignments"][1]["element"] == "gbf/target/3"
    assert target["quantities"][0]["global_element"] == "gbf-3-land"
