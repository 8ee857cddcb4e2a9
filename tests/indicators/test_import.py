"""Importing indicator data: the real UK data, all-or-nothing validation, changes and undo."""

from __future__ import annotations

import csv
import shutil
import tarfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from meadow.audit.models import AuditEntry
from meadow.core.actors import SystemActor
from meadow.indicators import actions
from meadow.indicators.formats import writer
from meadow.indicators.formats.base import ReadOptions
from meadow.indicators.models import Import, ImportChange, Observation, Series
from meadow.indicators.queries import export_series, series

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

FILES = Path(__file__).resolve().parent / "files"
SAMPLE = FILES / "opensdg-uk-sample"
SYSTEM = SystemActor("tests")


def state() -> tuple[int, int, int, int, int]:
    return (
        Series.objects.count(),
        Observation.objects.count(),
        Import.objects.count(),
        ImportChange.objects.count(),
        AuditEntry.objects.count(),
    )


def value_rows(folder: Path) -> dict[str, int]:
    """Rows with a value in each data file, counted with the csv module alone."""
    counts = {}
    for path in sorted((folder / "data").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = [r for r in csv.reader(handle) if any(c.strip() for c in r)]
        header, body = rows[0], rows[1:]
        counts[path.name] = sum(1 for r in body if r[header.index("Value")].strip())
    return counts


# 154 + 249 + 0 + 24 + 246 value rows in the five sample files (archived-15-a-1,
# 15-1-1, 15-3-1, 15-5-1, 3-3-5), counted with the csv module by value_rows.
SAMPLE_ROWS = 673


def run(folder: Path, place: str = "FRA") -> actions.ImportResult:
    return actions.import_data(
        folder, actor=SYSTEM, format="opensdg", options=ReadOptions(place=place)
    )


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    copy = tmp_path / "sample"
    shutil.copytree(SAMPLE, copy)
    return copy


def test_the_whole_uk_data_set_imports_exports_and_reimports_identically(tmp_path: Path) -> None:
    with tarfile.open(FILES / "opensdg-uk.tar.xz") as archive:
        archive.extractall(tmp_path / "uk", filter="data")
    source = tmp_path / "uk"
    expected = value_rows(source)
    assert len(expected) == 264
    assert sum(expected.values()) == 167_651

    result = run(source, place="KEN")  # a place the other tests do not use
    record = result.import_record
    assert record is not None
    assert result.added == 167_651 and result.changed == result.removed == 0
    # Every CSV present is read, with its checksum.
    assert len(record.files) == 264
    assert all(len(f["sha256"]) == 64 for f in record.files)
    stored = Observation.objects.filter(series__place__code="KEN")
    assert stored.count() == 167_651
    by_file = {f: 0 for f in expected}
    for row in stored.values("series__indicator__code", "series__attributes"):
        archived = row["series__attributes"].get("archived") == "yes"
        code = row["series__indicator__code"].replace(".", "-")
        by_file[f"archived-{code}.csv" if archived else f"indicator_{code}.csv"] += 1
    assert by_file == expected
    codes = {w.code for w in result.warnings}
    assert {"placeholder", "duplicate-key", "no-value"} <= codes
    assert sum(w.code == "placeholder" for w in result.warnings) == 69

    # Export to the same layout; importing the export changes nothing.
    out = tmp_path / "export"
    opensdg = writer("opensdg")
    paths = opensdg.write(export_series(series(place="KEN"), format="opensdg"), out)
    assert len([p for p in paths if p.suffix == ".csv"]) == 264 - 69
    exported = value_rows(out)
    assert exported == {name: n for name, n in expected.items() if n}
    again = run(out, place="KEN")
    assert again.import_record is None
    assert again.unchanged == 167_651

    # SDMX-JSON carries the same observations back.
    message = tmp_path / "uk.json"
    writer("sdmx-json").write(export_series(series(place="KEN")), message)
    through_sdmx = actions.import_data(
        message, actor=SYSTEM, format="sdmx-json", options=ReadOptions(place="KEN")
    )
    assert through_sdmx.import_record is None
    assert through_sdmx.unchanged == 167_651


def test_reimporting_the_same_folder_changes_nothing(sample: Path) -> None:
    assert sum(value_rows(sample).values()) == SAMPLE_ROWS
    first = run(sample)
    assert first.import_record is not None and first.added == SAMPLE_ROWS
    before = state()
    second = run(sample)
    assert second.import_record is None
    assert (second.added, second.changed, second.removed, second.unchanged) == (
        0,
        0,
        0,
        SAMPLE_ROWS,
    )
    assert state() == before


def test_provenance_of_each_observation(sample: Path) -> None:
    result = run(sample)
    record = result.import_record
    assert record is not None
    assert record.actor == "system:tests" and record.format == "opensdg"
    assert sorted(f["name"] for f in record.files) == [
        "archived-15-a-1.csv",
        "indicator_15-1-1.csv",
        "indicator_15-3-1.csv",
        "indicator_15-5-1.csv",
        "indicator_3-3-5.csv",
    ]
    red_list = Observation.objects.get(
        series__place__code="FRA", series__indicator__uid="sdg/indicator/15.5.1", period="2000"
    )
    assert red_list.value == 0.96508
    assert red_list.status == "Estimated value"
    assert red_list.source_import == record
    assert red_list.row == 2
    assert red_list.series.series_code == "Red List Index"
    assert red_list.series.unit == "Index"


def test_changed_and_removed_rows_are_recorded_and_undone(sample: Path) -> None:
    first = run(sample)
    assert first.import_record is not None
    path = sample / "data" / "indicator_15-5-1.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[1] == "2000,Red List Index,Index,Units,Estimated value,0.96508"
    lines[1] = "2000,Red List Index,Index,Units,Estimated value,0.9"
    del lines[2]  # 2001
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    second = run(sample)
    record = second.import_record
    assert record is not None
    assert (second.added, second.changed, second.removed) == (0, 1, 1)
    changes = {(c.action, c.period): c for c in record.changes.all()}
    assert changes[("changed", "2000")].before["value"] == 0.96508
    assert changes[("changed", "2000")].after["value"] == 0.9
    assert changes[("removed", "2001")].before["value"] == 0.96464

    actions.undo_import(record, actor=SYSTEM)
    rows = Observation.objects.filter(
        series__place__code="FRA", series__indicator__uid="sdg/indicator/15.5.1"
    )
    assert rows.get(period="2000").value == 0.96508
    assert rows.get(period="2000").source_import == first.import_record
    assert rows.get(period="2001").value == 0.96464
    record.refresh_from_db()
    assert record.status == "undone"
    with pytest.raises(actions.UndoRefused, match="undone"):
        actions.undo_import(record, actor=SYSTEM)


def test_undo_is_refused_when_a_later_import_changed_the_same_rows(sample: Path) -> None:
    first = run(sample)
    path = sample / "data" / "indicator_15-5-1.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("0.96508", "0.5"), encoding="utf-8")
    run(sample)
    assert first.import_record is not None
    with pytest.raises(actions.UndoRefused, match="changed the same observations later"):
        actions.undo_import(first.import_record, actor=SYSTEM)


def test_undo_of_a_first_import_removes_its_rows(sample: Path) -> None:
    before = Observation.objects.count()
    result = run(sample)
    assert result.import_record is not None
    actions.undo_import(result.import_record, actor=SYSTEM)
    assert Observation.objects.count() == before


def corrupt(sample: Path, name: str, old: str, new: str) -> None:
    path = sample / "data" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BAD = [
    (
        "non-numeric value",
        lambda s: corrupt(s, "indicator_15-5-1.csv", "0.96508", "n/a"),
        "indicator_15-5-1.csv, row 2, column Value: 'n/a' is not a number",
    ),
    (
        "year out of range",
        lambda s: corrupt(s, "indicator_15-5-1.csv", "2000,Red", "1850,Red"),
        "indicator_15-5-1.csv, row 2, column Year: '1850': year 1850 is outside",
    ),
    (
        "unreadable period",
        lambda s: corrupt(s, "indicator_15-5-1.csv", "2000,Red", "last year,Red"),
        "indicator_15-5-1.csv, row 2, column Year: 'last year' is not a period",
    ),
    (
        "missing Value column",
        lambda s: corrupt(
            s, "indicator_15-5-1.csv", "Observation status,Value", "Observation status,Amount"
        ),
        "indicator_15-5-1.csv, row 1, column Value: no Value column",
    ),
    (
        "row with too many fields",
        lambda s: corrupt(s, "indicator_15-5-1.csv", "0.96464", "0.96464,extra"),
        "indicator_15-5-1.csv, row 3: 7 fields where the header has 6",
    ),
    (
        "unknown indicator",
        lambda s: (s / "data" / "indicator_15-5-1.csv").rename(s / "data" / "indicator_15-9-9.csv"),
        "indicator_15-9-9.csv, row 2, column indicator: '15.9.9' is not an indicator of sdg",
    ),
    (
        "not UTF-8",
        lambda s: (s / "data" / "indicator_15-5-1.csv").write_bytes(
            "Year,Value\n2000,1\n2001,\xe9\n".encode("latin-1")
        ),
        "indicator_15-5-1.csv, row 3: not UTF-8 text",
    ),
    (
        "empty file",
        lambda s: (s / "data" / "indicator_15-5-1.csv").write_bytes(b""),
        "indicator_15-5-1.csv: the file is empty",
    ),
    (
        "unterminated quote",
        lambda s: corrupt(s, "indicator_15-5-1.csv", "2001,Red", '2001,"Red'),
        "indicator_15-5-1.csv, row 3: broken CSV",
    ),
]


@pytest.mark.parametrize(("kind", "damage", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_whole_with_file_row_and_column(
    sample: Path,
    kind: str,
    damage,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    damage(sample)
    before = state()
    with pytest.raises(actions.ImportRejected) as rejected:
        run(sample)
    errors = [str(p) for p in rejected.value.problems if p.level == "error"]
    assert any(e.startswith(message) for e in errors), errors
    assert state() == before


def test_unknown_place_and_missing_place(sample: Path) -> None:
    with pytest.raises(actions.ImportRejected, match="'ATL' is not a known country"):
        run(sample, place="ATL")
    with pytest.raises(actions.ImportRejected, match="say which country"):
        run(sample, place="")


def test_every_problem_is_reported_at_once(sample: Path) -> None:
    corrupt(sample, "indicator_15-5-1.csv", "0.96508", "n/a")
    corrupt(sample, "indicator_15-5-1.csv", "2001,Red", "1850,Red")
    corrupt(sample, "indicator_15-1-1.csv", "9.74595518668", "lots")
    with pytest.raises(actions.ImportRejected) as rejected:
        run(sample)
    errors = [p for p in rejected.value.problems if p.level == "error"]
    assert [(p.location.file, p.location.row) for p in errors] == [
        ("indicator_15-1-1.csv", 2),
        ("indicator_15-5-1.csv", 2),
        ("indicator_15-5-1.csv", 3),
    ]


def test_only_staff_import(sample: Path, django_user_model) -> None:  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user("contributor", password="x" * 12)
    before = state()
    with pytest.raises(PermissionDenied):
        actions.import_data(sample, actor=user, format="opensdg", options=ReadOptions(place="FRA"))
    assert state() == before


def test_import_command(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("import", str(sample), "--format", "opensdg", "--place", "FRA", verbosity=0)
    out = capsys.readouterr().out
    assert f"{SAMPLE_ROWS} added, 0 changed, 0 removed" in out
    corrupt(sample, "indicator_15-5-1.csv", "0.96508", "n/a")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import", str(sample), "--format", "opensdg", "--place", "FRA", verbosity=0)
    assert "'n/a' is not a number" in capsys.readouterr().err


def test_shipped_goals_are_loaded_and_a_goals_file_is_checked_whole(tmp_path: Path) -> None:
    from meadow.indicators.models import Goal

    protected = Goal.objects.get(indicator__uid="gbf/indicator/3.1", place=None, series=None)
    assert (protected.direction, protected.target_year, protected.target_value) == (1, 2030, 30)
    assert "target 3" in protected.source
    bad = tmp_path / "goals.csv"
    bad.write_text(
        "indicator,place,direction,baseline_year,baseline_value,target_year,target_value,"
        "natural_limit,source\n"
        "gbf/indicator/A.1,GBR,up,,,,,,x\n"
        "gbf/indicator/A.1,GBR,increase,,,2030,,,x\n"
        "gbf/indicator/Z.9,,increase,,,,,,x\n",
        encoding="utf-8",
    )
    before = (Goal.objects.count(), AuditEntry.objects.count())
    with pytest.raises(actions.ImportRejected) as rejected:
        actions.import_goals(bad, actor=SYSTEM)
    assert [str(p) for p in rejected.value.problems] == [
        "goals.csv, row 2, column direction: 'up': write increase or decrease",
        "goals.csv, row 3, column target_value: a target needs both a year and a value",
        "goals.csv, row 4, column indicator: 'gbf/indicator/Z.9' is not an indicator",
    ]
    assert (Goal.objects.count(), AuditEntry.objects.count()) == before


def test_import_goals_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from meadow.indicators.models import Goal

    path = tmp_path / "national-goals.csv"
    path.write_text(
        "indicator,place,direction,baseline_year,baseline_value,target_year,target_value,"
        "natural_limit,source\n"
        "sdg/indicator/15.1.1,GBR,increase,2015,13.0,2030,16.5,100,UK woodland strategy\n",
        encoding="utf-8",
    )
    call_command("import_goals", str(path))
    assert "1 created" in capsys.readouterr().out
    goal = Goal.objects.get(indicator__uid="sdg/indicator/15.1.1", place__code="GBR")
    assert (goal.baseline_value, goal.target_value, goal.source) == (
        13.0,
        16.5,
        "UK woodland strategy",
    )
    call_command("import_goals", str(path))
    assert "0 created, 0 updated, 1 unchanged" in capsys.readouterr().out
    path.write_text(path.read_text(encoding="utf-8").replace("increase", "sideways"))
    with pytest.raises(CommandError, match="no goal was changed"):
        call_command("import_goals", str(path))
    assert "row 2, column direction" in capsys.readouterr().err
