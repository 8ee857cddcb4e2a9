"""A report as a file: PDF, Word (DOCX), Excel (XLSX) or JSON, in one of six languages.

``render(document, fmt, lang)`` takes ``meadow.reports.document.assemble(report)`` and
gives an ``Export``: the bytes, their media type and a file name. The PDF and DOCX are
for reading (shown questions only, answers as a reader reads them); the XLSX is the
offline form (``meadow.reports.offline``), which can be filled in and imported back;
the JSON is the ``meadow-report/1`` document with every language.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from meadow.reports.document import ReportDocument
from meadow.reports.exports import common

FORMATS = ("pdf", "docx", "xlsx", "json")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    filename: str


def render(document: ReportDocument, fmt: str, lang: str) -> Export:
    """The report in the format (pdf, docx, xlsx, json) and language (ar, en, ...)."""
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise ValueError(
            _("%(format)r is not one of the export formats (%(formats)s).")
            % {"format": fmt, "formats": ", ".join(FORMATS)}
        )
    code = common.language(lang)
    with common.speaking(code):
        if fmt == "pdf":
            from meadow.reports.exports import pdf

            content = pdf.render(document, code)
        elif fmt == "docx":
            from meadow.reports.exports import docx

            content = docx.render(document, code)
        elif fmt == "xlsx":
            from meadow.reports import offline

            content = offline.workbook_of(document, code)
        else:
            from meadow.reports.exports import json

            content = json.render(document)
    name = common.filename(document, fmt, "" if fmt == "json" else code)
    return Export(content=content, content_type=MEDIA_TYPES[fmt], filename=name)
