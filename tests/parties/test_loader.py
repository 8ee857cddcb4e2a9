"""The shipped conventions and CBD Parties, and Party lists from files (all or nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from meadow.audit.models import AuditEntry
from meadow.frameworks.sources import SourceError
from meadow.parties import actions
from meadow.parties.models import Convention, Party
from tests.parties.conftest import SYSTEM

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]


def test_nine_conventions_with_protocols_under_the_cbd() -> None:
    codes = list(Convention.objects.order_by("order").values_list("code", flat=True))
    assert codes == [
        "cbd",
        "cartagena",
        "nagoya",
        "cites",
        "cms",
        "ramsar",
        "whc",
        "itpgrfa",
        "ippc",
    ]
    cbd = Convention.objects.get(code="cbd")
    assert sorted(p.code for p in cbd.protocols.all()) == ["cartagena", "nagoya"]
    assert cbd.label("en")
    assert cbd.get_absolute_url() == "/convention/cbd"


def test_the_cbd_has_195_country_parties() -> None:
    parties = set(
        Party.objects.filter(convention__code="cbd").values_list("place__code", flat=True)
    )
    assert len(parties) == 195
    # The Cook Islands, Niue and the State of Palestine are Parties; the United States is not.
    assert {"COK", "NIU", "PSE", "GBR", "FRA", "CHN"} <= parties
    assert "USA" not in parties


def test_loading_again_changes_nothing() -> None:
    before = AuditEntry.objects.count()
    report = actions.sync_conventions(actions.read_shipped(), actor=SYSTEM)
    assert not report.changed, report.summary()
    assert AuditEntry.objects.count() == before


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_party_list_adds_parties_with_their_dates(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ramsar.csv",
        "convention,country,since\nramsar,GBR,1976-05-05\nramsar,FRA,1986-12-01\n",
    )
    report = actions.import_parties(path, actor=SYSTEM)
    assert report.parties_added == ["ramsar:GBR", "ramsar:FRA"]
    party = Party.objects.get(convention__code="ramsar", place__code="GBR")
    assert party.since.isoformat() == "1976-05-05"
    entry = AuditEntry.objects.get(object_uid="convention/ramsar/party/GBR")
    assert (entry.country, entry.action, entry.after) == (
        "GBR",
        "party.add",
        {"since": "1976-05-05"},
    )
    # The same file again changes nothing; a new date is an update.
    assert not actions.import_parties(path, actor=SYSTEM).changed
    write(path, "convention,country,since\nramsar,GBR,1976-12-21\n")
    assert actions.import_parties(path, actor=SYSTEM).parties_changed == ["ramsar:GBR"]


@pytest.mark.parametrize(
    ("rows", "line", "element", "reason"),
    [
        ("ramsar,GBR,1976-05-05\nramsar,XXX,1990-01-01\n", 3, "country", "unknown country"),
        ("ramsar,GBR,1976-05-05\nramsar,FRA,01/12/1986\n", 3, "since", "not a date"),
        ("ramsar,GBR,\nnope,FRA,\n", 3, "convention", "unknown convention"),
        ("ramsar,GBR,\nramsar,GBR,\n", 3, "country", "listed twice"),
    ],
)
def test_a_bad_party_list_names_file_line_and_field_and_changes_nothing(
    tmp_path: Path, rows: str, line: int, element: str, reason: str
) -> None:
    path = write(tmp_path / "bad-parties.csv", "convention,country,since\n" + rows)
    parties, entries = Party.objects.count(), AuditEntry.objects.count()
    with pytest.raises(SourceError) as caught:
        actions.import_parties(path, actor=SYSTEM)
    error = caught.value
    assert (Path(error.path).name, error.line, error.element) == ("bad-parties.csv", line, element)
    assert reason in error.reason
    assert str(error).startswith(f"bad-parties.csv, line {line} [{element}]")
    assert (Party.objects.count(), AuditEntry.objects.count()) == (parties, entries)


def test_wrong_columns_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "parties.csv", "convention,country\ncbd,GBR\n")
    with pytest.raises(SourceError, match="expected the columns convention, country, since"):
        actions.import_parties(path, actor=SYSTEM)


def test_the_command_imports_and_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "cms.csv", "convention,country,since\ncms,GBR,1985-10-01\n")
    call_command("import_parties", str(path))
    assert "parties: 1 added" in capsys.readouterr().out
    assert Party.objects.filter(convention__code="cms", place__code="GBR").exists()


def test_the_command_turns_a_bad_row_into_an_error_naming_file_line_and_field(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "cms.csv", "convention,country,since\ncms,GBR,1985-10-01\ncms,ZZZ,\n")
    with pytest.raises(CommandError) as caught:
        call_command("import_parties", str(path))
    assert "cms.csv, line 3 [country]: unknown country code 'ZZZ'" in str(caught.value)
    assert "nothing was changed" in str(caught.value)
    assert not Party.objects.filter(convention__code="cms").exists()


def test_the_command_can_keep_to_one_convention(tmp_path: Path) -> None:
    path = write(tmp_path / "mixed.csv", "convention,country,since\ncbd,GBR,\ncms,GBR,\n")
    with pytest.raises(CommandError, match=r"line 3 \[convention\]: unknown convention 'cms'"):
        call_command("import_parties", str(path), convention="cbd")


def test_the_command_says_when_the_file_is_missing(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_parties", str(tmp_path / "missing.csv"))
