"""The offline form: export a report as a workbook, fill it in, import it back.

Answers changed in the workbook become the country's facts (with their history and
the audit log), all or nothing. A workbook that is not this report's, whose structure
or hidden description was changed, or that holds an invalid answer is refused with
every problem named by file, sheet and cell, and nothing changes; an answer someone
changed on the website since the export is a conflict.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from meadow.audit.models import AuditEntry
from meadow.core.actors import SystemActor
from meadow.parties.models import Role
from meadow.reports import document, editing, loaders, offline, workflow
from meadow.reports.models import Fact, FactVersion, Report, Template
from meadow.targets import actions as targets
from tests.reports.helpers import fill, user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]
NAME = "KEN-cbd-nr7-2026-en.xlsx"
ANSWER = 5  # column E


@pytest.fixture
def team() -> dict[str, Any]:
    return {
        "contributor": user("co", "KEN", Role.CONTRIBUTOR),
        "focal": user("fp", "KEN", Role.FOCAL_POINT),
        "brazil": user("br", "BRA", Role.FOCAL_POINT),
    }


def publish_targets() -> None:
    """Kenya's national targets T1 (GBF target 3, fully) and T2 (GBF target 2, partly)."""
    system = SystemActor("tests")
    for code, title, gbf, degree in (
        ("T1", "Protect 30 % of land and inland waters", "gbf/target/3", "full"),
        ("T2", "Restore degraded rangelands", "gbf/target/2", "partial"),
    ):
        targets.save_target(
            actor=system, country="KEN", code=code, title=title, alignments=[(gbf, degree, "")]
        )
        targets.publish_target(actor=system, country="KEN", code=code)


@pytest.fixture
def report(team: dict[str, Any]) -> Report:
    publish_targets()
    template = Template.objects.get(code="cbd-nr7")
    made = workflow.open_report(actor=team["contributor"], country="KEN", template=template)
    fill(made, team["contributor"], seed=7)  # progress on T1
    return made


def target_row(ws: Worksheet, row: int, code: str) -> int:
    """The row of a target in the national-targets block under the title row ``row``."""
    at = row + 2
    while ws.cell(row=at, column=ANSWER).value not in (None, code):
        at += 1
    assert ws.cell(row=at, column=ANSWER).value == code, code
    return at


def counts() -> tuple[int, int, int]:
    return Fact.objects.count(), FactVersion.objects.count(), AuditEntry.objects.count()


def find(book: Workbook, key: str) -> tuple[Worksheet, int]:
    """The sheet and title row of a question (its key is in hidden column A)."""
    for ws in book.worksheets[1:]:
        for (cell,) in ws.iter_rows(min_col=1, max_col=1):
            if cell.value == key:
                return ws, cell.row
    raise KeyError(key)


def save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(report: Report, lang: str = "en") -> Workbook:
    return load_workbook(io.BytesIO(offline.workbook(report, lang)))


def import_(report: Report, actor: Any, data: bytes, name: str = NAME) -> offline.ImportResult:
    return offline.import_workbook(actor=actor, report=report, data=data, name=name)


def labels(report: Report, key: str, lang: str = "en") -> dict[str, str]:
    question = document.assemble(report).question(key)
    return {str(o["value"]): question.option_label(o["value"], lang) for o in question.options}


def test_a_filled_workbook_changes_the_facts_with_their_history(
    report: Report, team: dict[str, Any]
) -> None:
    before = document.assemble(report)
    book = export(report)
    assert book.sheetnames[0] == "About"
    assert book["meadow"].sheet_state == "veryHidden"
    assert book["lists"].sheet_state == "hidden"
    assert all(ws.protection.sheet for ws in book.worksheets if ws.title != "meadow")
    assert book.security is not None and book.security.lockStructure

    # A choice, by the label of another option.
    status = before.question("nbsap-status")
    other = next(v for v in labels(report, "nbsap-status") if v != status.value)
    ws, row = find(book, "nbsap-status")
    assert ws.title == "II" and ws.cell(row=row, column=ANSWER).value == status.option_label(
        status.value, "en"
    )
    assert not ws.cell(row=row, column=ANSWER).protection.locked
    assert ws.cell(row=row, column=3).protection.locked
    ws.cell(row=row, column=ANSWER).value = labels(report, "nbsap-status")[other]
    # Yes/no flipped.
    engagement = before.question("stakeholder-engagement")
    ws, row = find(book, "stakeholder-engagement")
    ws.cell(row=row, column=ANSWER).value = "No" if engagement.value else "Yes"
    # A table: a row added after the existing ones.
    contact = before.question("authorities")
    ws, row = find(book, "authorities")
    assert [ws.cell(row=row + 1, column=ANSWER + n).value for n in range(3)] == [
        "Name",
        "Institution",
        "Email",
    ]
    added = row + 2 + len(contact.value)
    for n, text in enumerate(["B. Other", "Kenya Wildlife Service", "kws@example.org"]):
        ws.cell(row=added, column=ANSWER + n).value = text
    # A text answer.
    ws, row = find(book, "preparation-process")
    ws.cell(row=row, column=ANSWER).value = "Prepared offline.\nValidated in Nairobi."
    # A multiple choice: every option ticked.
    multiple = next(
        q for q in before.questions() if q.type == "multiple-choice" and q.shown and q.options
    )
    ws, row = find(book, multiple.key)
    for n in range(len(multiple.options)):
        ws.cell(row=row + 1 + n, column=ANSWER).value = "Yes"
    # National targets: a row per published target, its code filled in (then the GBF
    # targets none is aligned with); progress on the second one.
    ws, row = find(book, "national-targets")
    t2 = target_row(ws, row, "T2")
    assert target_row(ws, row, "T1") < t2 < target_row(ws, row, "gbf/target/1")
    ws.cell(row=t2, column=ANSWER + 1).value = "Moving away from the target"
    ws.cell(row=t2, column=ANSWER + 2).value = "Grazing plans."
    ws.cell(row=t2, column=ANSWER + 3).value = "Drought years."
    versions = {q.key: q.fact_version for q in before.questions()}
    facts_before, history_before, _audit = counts()

    result = import_(report, team["contributor"], save(book))

    expected = {
        "nbsap-status",
        "stakeholder-engagement",
        "authorities",
        "preparation-process",
        multiple.key,
        "national-targets",
    }
    assert set(result.changed) == expected
    assert result.unchanged > 50
    after = document.assemble(report)
    assert after.question("nbsap-status").value == other
    assert after.question("stakeholder-engagement").value is (not engagement.value)
    assert after.question("authorities").value[-1] == {
        "name": "B. Other",
        "institution": "Kenya Wildlife Service",
        "email": "kws@example.org",
    }
    assert len(after.question("authorities").value) == len(contact.value) + 1
    assert after.question("preparation-process").value == "Prepared offline.\nValidated in Nairobi."
    assert after.question(multiple.key).value == [str(o["value"]) for o in multiple.options]
    assert after.question("national-targets").value[-1] == {
        "target": "T2",
        "progress": "moving-away",
        "actions": "Grazing plans.",
        "summary": "Drought years.",
        "challenges": "",
        "examples": "",
    }
    assert [r["target"] for r in after.question("national-targets").value] == ["T1", "T2"]
    for key in expected:
        assert after.question(key).fact_version == versions[key] + 1
        assert after.question(key).updated_by == "co"
    unchanged = after.question("b_1")
    assert unchanged.fact_version == versions["b_1"]
    assert Fact.objects.count() == facts_before
    assert FactVersion.objects.count() == history_before + len(expected)
    entry = AuditEntry.objects.filter(action="report.import-offline").get()
    assert entry.object_uid == report.uid and entry.after is not None
    assert sorted(entry.after["changed"]) == sorted(expected)

    # The same workbook again: every answer is now a conflict, nothing is saved.
    before_again = counts()
    with pytest.raises(offline.OfflineRejected) as caught:
        import_(report, team["contributor"], save(book))
    assert len(caught.value.problems) == len(expected)
    assert all("Changed by co" in p.message for p in caught.value.problems)
    assert counts() == before_again


def test_an_untouched_workbook_changes_nothing(report: Report, team: dict[str, Any]) -> None:
    for lang in ("en", "zh", "ar"):
        data = save(export(report, lang))
        before = counts()
        result = import_(report, team["contributor"], data)
        assert result.changed == []
        assert counts()[:2] == before[:2]


def test_a_chinese_workbook_reads_its_labels_back(report: Report, team: dict[str, Any]) -> None:
    book = export(report, "zh")
    ws, row = find(book, "b_1")
    current = document.assemble(report).question("b_1").value
    zh = labels(report, "b_1", "zh")
    other = next(v for v in zh if v != current)
    assert ws.cell(row=row, column=ANSWER).value == zh[current]
    ws.cell(row=row, column=ANSWER).value = zh[other]
    engagement = document.assemble(report).question("stakeholder-engagement").value
    ws, row = find(book, "stakeholder-engagement")
    assert ws.cell(row=row, column=ANSWER).value == ("是" if engagement else "否")
    ws.cell(row=row, column=ANSWER).value = "否" if engagement else "是"
    result = import_(report, team["contributor"], save(book), name="KEN-cbd-nr7-2026-zh.xlsx")
    assert sorted(result.changed) == ["b_1", "stakeholder-engagement"]
    after = document.assemble(report)
    assert after.question("b_1").value == other
    assert after.question("stakeholder-engagement").value is (not engagement)


def _set(key: str, value: Any, column: int = ANSWER, offset: int = 0) -> Callable[..., None]:
    def change(book: Workbook, report: Report) -> None:
        ws, row = find(book, key)
        ws.cell(row=row + offset, column=column).value = value

    return change


def _date_key(report: Report) -> str:
    return next(q.key for q in document.assemble(report).questions() if q.type == "date")


def _number_key(report: Report) -> str:
    return next(
        q.key for q in document.assemble(report).questions() if q.type == "number" and q.shown
    )


def _move_key(book: Workbook, report: Report) -> None:
    ws, row = find(book, "nbsap-status")
    ws.cell(row=row, column=1).value = "nbsap-adoption-date"


def _locked(book: Workbook, report: Report) -> None:
    ws, row = find(book, "nbsap-status")
    ws.cell(row=row, column=3).value = "A question of my own"


def _hidden(book: Workbook, report: Report) -> None:
    ws, row = find(book, "nbsap-status")
    ws.cell(row=row + 1, column=1).value = "nbsap-status"


def _far(book: Workbook, report: Report) -> None:
    book["II"]["K40"].value = "notes"


def _meta(book: Workbook, report: Report) -> None:
    ws = book["meadow"]
    for row in ws.iter_rows():
        if row[0].value == "nbsap-status":
            row[9].value = 99  # its fact version
            return
    raise AssertionError("nbsap-status is not described")


def _no_meta(book: Workbook, report: Report) -> None:
    del book["meadow"]


def _renamed(book: Workbook, report: Report) -> None:
    book["II"].title = "Two"


def _bad_choice(book: Workbook, report: Report) -> None:
    _set("nbsap-status", "Maybe")(book, report)


def _bad_number(book: Workbook, report: Report) -> None:
    _set(_number_key(report), "many")(book, report)


def _bad_date(book: Workbook, report: Report) -> None:
    _set(_date_key(report), "31/02/2024")(book, report)


def _bad_yes_no(book: Workbook, report: Report) -> None:
    _set("stakeholder-engagement", "Perhaps")(book, report)


def _formula(book: Workbook, report: Report) -> None:
    _set(_number_key(report), "=1+1")(book, report)


def _bad_table(book: Workbook, report: Report) -> None:
    ws, row = find(book, "national-targets")
    t2 = target_row(ws, row, "T2")
    ws.cell(row=t2, column=ANSWER).value = None
    ws.cell(row=t2, column=ANSWER + 1).value = "On track to achieve the target"


def _unknown_target(book: Workbook, report: Report) -> None:
    ws, row = find(book, "national-targets")
    t2 = target_row(ws, row, "T2")
    ws.cell(row=t2, column=ANSWER).value = "BR-9"
    ws.cell(row=t2, column=ANSWER + 1).value = "On track to achieve the target"


def _bad_progress(book: Workbook, report: Report) -> None:
    ws, row = find(book, "national-targets")
    ws.cell(row=row + 2, column=ANSWER + 1).value = "Getting there"


TAMPERED: dict[str, tuple[Callable[[Workbook, Report], None], str, str]] = {
    # name: (change, sheet and cell named (empty: any), words of the message)
    "a question key moved": (_move_key, "sheet II, cell A", "was moved or renamed"),
    "a locked cell changed": (_locked, "sheet II, cell C", "locked cell was changed"),
    "a value in a hidden cell": (_hidden, "sheet II, cell A", "locked or hidden cell"),
    "a value outside the form": (_far, "sheet II, cell K40", "locked or hidden cell"),
    "the hidden description changed": (_meta, "sheet meadow", "hidden description was changed"),
    "the hidden description removed": (_no_meta, "", "not a Meadow offline workbook"),
    "a sheet renamed": (_renamed, "sheet II", "sheet is missing"),
    "not one of the choices": (
        _bad_choice,
        "sheet II, cell E",
        "'Maybe' is not one of the choices",
    ),
    "not a number": (_bad_number, ", cell E", "'many' is not a number"),
    "not a date": (_bad_date, ", cell E", "'31/02/2024' is not a date"),
    "not yes or no": (_bad_yes_no, "sheet II, cell E", "'Perhaps' is not Yes or No"),
    "a formula": (_formula, ", cell E", "A formula"),
    "a target row without its code": (_bad_table, "sheet III, cell E", "code is missing"),
    "a target not offered": (
        _unknown_target,
        "sheet III, cell E",
        "BR-9 is not one of the country's published national targets",
    ),
    "not a progress level": (_bad_progress, "sheet III, cell F", "'Getting there' is not one of"),
}


@pytest.mark.parametrize("name", list(TAMPERED))
def test_a_tampered_or_invalid_workbook_is_refused_and_nothing_changes(
    report: Report, team: dict[str, Any], name: str
) -> None:
    change, where, words = TAMPERED[name]
    book = export(report)
    # A valid change too: it must not be saved either.
    ws, row = find(book, "preparation-process")
    ws.cell(row=row, column=ANSWER).value = "Changed offline."
    change(book, report)
    before = counts()
    with pytest.raises(offline.OfflineRejected) as caught:
        import_(report, team["contributor"], save(book))
    problems = caught.value.problems
    assert problems
    text = [str(p) for p in problems]
    assert all(t.startswith(NAME) for t in text)
    assert any(where in t and words in t for t in text), text
    assert counts() == before
    assert document.assemble(report).question("preparation-process").value != "Changed offline."


def test_a_value_problem_names_the_question_and_cell(report: Report, team: dict[str, Any]) -> None:
    book = export(report)
    ws, row = find(book, "nbsap-status")
    ws.cell(row=row, column=ANSWER).value = "Maybe"
    with pytest.raises(offline.OfflineRejected) as caught:
        import_(report, team["contributor"], save(book))
    (problem,) = caught.value.problems
    assert problem.file == NAME and problem.sheet == "II" and problem.cell == f"E{row}"
    assert problem.field == "Question II.1 (nbsap-status)"
    assert str(problem).startswith(
        f"{NAME}, sheet II, cell E{row}: Question II.1 (nbsap-status): 'Maybe' is not one of"
    )
    assert problem.as_dict()["message"].startswith("Question II.1 (nbsap-status): 'Maybe'")


def test_not_a_workbook_at_all_is_refused(report: Report, team: dict[str, Any]) -> None:
    for data in (b"country,answer\nKEN,yes\n", b""):
        with pytest.raises(offline.OfflineRejected) as caught:
            import_(report, team["contributor"], data, name="answers.csv")
        assert [str(p) for p in caught.value.problems] == [
            "answers.csv: This is not an Excel workbook (.xlsx)."
        ]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("hello.txt", "not a workbook")
    with pytest.raises(offline.OfflineRejected) as caught:
        import_(report, team["contributor"], archive.getvalue(), name="fake.xlsx")
    assert "fake.xlsx: This is not an Excel workbook (.xlsx) that can be read" in str(
        caught.value.problems[0]
    )


def test_another_reports_workbook_is_refused(
    report: Report, team: dict[str, Any], system: SystemActor
) -> None:
    template = report.template
    brazil = workflow.open_report(actor=system, country="BRA", template=template)
    fill(brazil, system, seed=2)
    data = offline.workbook(brazil, "en")
    before = counts()
    with pytest.raises(offline.OfflineRejected) as caught:
        import_(report, team["contributor"], data)
    assert [str(p) for p in caught.value.problems] == [
        f"{NAME}, sheet meadow, cell B2: This workbook is for report/cbd-nr7/2026/BRA, "
        "not for report/cbd-nr7/2026/KEN."
    ]
    assert counts() == before


def test_a_workbook_of_another_template_version_is_refused(
    report: Report, team: dict[str, Any], system: SystemActor, tmp_path: Path
) -> None:
    source = Path(loaders.__file__).parent / "data" / "templates" / "cbd-nr7.yaml"
    text = source.read_text(encoding="utf-8").replace("version: '2026.1'", "version: '2026.9'")
    assert "2026.9" in text
    changed = tmp_path / "cbd-nr7.yaml"
    changed.write_text(text, encoding="utf-8")
    loaders.load_template(changed, actor=system)
    newer = Template.objects.get(code="cbd-nr7", version="2026.9")
    other = Report.objects.create(country=report.country, template=newer, cycle="2027")
    other_data = offline.workbook(other, "en")
    with pytest.raises(offline.OfflineRejected) as caught:
        import_(report, team["contributor"], other_data)
    assert any("made from the template cbd-nr7@2026.9" in str(p) for p in caught.value.problems)


def test_an_answer_changed_since_the_export_is_a_conflict(
    report: Report, team: dict[str, Any]
) -> None:
    book = export(report)
    status = document.assemble(report).question("nbsap-status")
    options = list(labels(report, "nbsap-status"))
    mine, theirs = [v for v in options if v != status.value][:2]
    # The focal point changes the answer on the website after the export ...
    editing.save_answer(
        actor=team["focal"],
        country="KEN",
        report=report,
        question="nbsap-status",
        value=theirs,
        expected_version=status.fact_version,
    )
    # ... and someone else changed another fact the workbook leaves untouched.
    engagement = document.assemble(report).question("stakeholder-engagement")
    editing.save_answer(
        actor=team["focal"],
        country="KEN",
        report=report,
        question="stakeholder-engagement",
        value=not engagement.value,
        expected_version=engagement.fact_version,
    )
    ws, row = find(book, "nbsap-status")
    ws.cell(row=row, column=ANSWER).value = labels(report, "nbsap-status")[mine]
    text_ws, text_row = find(book, "preparation-process")
    text_ws.cell(row=text_row, column=ANSWER).value = "Changed offline."
    before = counts()
    with pytest.raises(offline.OfflineRejected) as caught:
        import_(report, team["contributor"], save(book))
    (problem,) = caught.value.problems
    assert problem.sheet == "II" and problem.cell == f"E{row}"
    assert "Changed by fp (version" in problem.message
    assert counts() == before
    after = document.assemble(report)
    assert after.question("nbsap-status").value == theirs
    assert after.question("preparation-process").value != "Changed offline."
    # Without the conflicting answer the rest goes in; the untouched fact stays theirs.
    ws.cell(row=row, column=ANSWER).value = labels(report, "nbsap-status")[status.value]
    result = import_(report, team["contributor"], save(book))
    assert result.changed == ["preparation-process"]
    assert document.assemble(report).question("stakeholder-engagement").value is (
        not engagement.value
    )


def test_two_questions_on_one_fact_take_one_answer(report: Report, team: dict[str, Any]) -> None:
    doc = document.assemble(report)
    first, second = (q for q in doc.questions() if q.concept == "gbf.binary.13_1")
    options = labels(report, first.key)
    other = next(v for v in options if v != first.value)
    book = export(report)
    ws, row = find(book, first.key)
    ws2, row2 = find(book, second.key)
    ws.cell(row=row, column=ANSWER).value = options[other]
    third = next(v for v in options if v not in (other, first.value))
    ws2.cell(row=row2, column=ANSWER).value = options[third]
    with pytest.raises(offline.OfflineRejected) as caught:
        import_(report, team["contributor"], save(book))
    assert "asks for the same fact" in str(caught.value.problems[0])
    ws2.cell(row=row2, column=ANSWER).value = options[first.value]
    result = import_(report, team["contributor"], save(book))
    assert result.changed == [first.key]
    after = document.assemble(report)
    assert after.question(first.key).value == other == after.question(second.key).value


def test_a_submitted_report_or_another_country_cannot_import(
    report: Report, team: dict[str, Any]
) -> None:
    book = export(report)
    ws, row = find(book, "preparation-process")
    ws.cell(row=row, column=ANSWER).value = "Changed offline."
    data = save(book)
    with pytest.raises(PermissionDenied):
        import_(report, team["brazil"], data)
    # In review, only the focal point and the publishing authority change answers.
    workflow.move(report, "submit-for-review", actor=team["contributor"], country="KEN")
    with pytest.raises(offline.OfflineRejected) as caught:
        import_(report, team["contributor"], data)
    (problem,) = caught.value.problems
    assert problem.sheet == "I" and problem.cell == f"E{row}"
    workflow.move(report, "approve", actor=team["focal"], country="KEN", reason="Complete")
    workflow.move(report, "submit", actor=team["focal"], country="KEN")
    before = counts()
    with pytest.raises(offline.OfflineRejected) as caught:
        import_(report, team["focal"], data)
    assert [str(p) for p in caught.value.problems] == [
        f"{NAME}: The report is Submitted: its answers cannot be changed. It must be sent "
        "back to draft first."
    ]
    assert counts() == before


def test_the_command_line_exports_and_imports(
    report: Report, team: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ken.xlsx"
    call_command("reports", "export", "KEN", "cbd-nr7", "--format", "xlsx", "-o", str(out))
    book = load_workbook(out)
    ws, row = find(book, "preparation-process")
    ws.cell(row=row, column=ANSWER).value = "From the command line."
    book.save(out)
    call_command("reports", "import-offline", "KEN", "cbd-nr7", str(out), "--user", "co")
    assert "1 answer" in capsys.readouterr().out
    assert document.assemble(report).question("preparation-process").value == (
        "From the command line."
    )
    ws.cell(row=row, column=ANSWER).value = "Again"
    ws, row = find(book, "nbsap-status")
    ws.cell(row=row, column=ANSWER).value = "Maybe"
    book.save(out)
    with pytest.raises(CommandError, match="problem"):
        call_command("reports", "import-offline", "KEN", "cbd-nr7", str(out), "--user", "co")
    err = capsys.readouterr().err
    assert f"ken.xlsx, sheet II, cell E{row}: Question II.1 (nbsap-status)" in err
    for fmt in ("pdf", "docx", "json"):
        target = tmp_path / f"ken.{fmt}"
        call_command(
            "reports",
            "export",
            "KEN",
            "cbd-nr7",
            "--format",
            fmt,
            "--lang",
            "fr",
            "-o",
            str(target),
        )
        assert target.stat().st_size > 1000
    with pytest.raises(CommandError, match="no cbd-nr7 report"):
        call_command("reports", "export", "FRA", "cbd-nr7", "--format", "pdf", "-o", str(out))
