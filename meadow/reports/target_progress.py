"""Progress towards a country's national targets, and through them towards the GBF targets.

Section III of the CBD's 7th national report asks, for each of the country's national
targets, the main actions taken to implement it, the current level of progress, a
summary of progress with the main outcomes, the key challenges and the approaches that
may be taken, and examples of the actions' effectiveness (with links). Where no
national target is linked with a global target, the country reports on progress
towards that global target directly.

A ``national-targets`` answer is a list of rows ``{target, progress, actions, summary,
challenges, examples}`` (``values.clean`` checks them): ``target`` is the code of one
of the country's national targets (``T1``) or the identifier of a GBF target the
country reports on directly (``gbf/target/7``).

- ``rows_for(country, value)``: the rows to present, each merged with what the answer
  says: one per published national target of the country (its title in the reader's
  language, the GBF targets it is aligned with and how fully), then any other national
  target the answer names, then one per GBF target that none of the country's
  published national targets is aligned with ("reported directly"), and any other GBF
  target the answer reports on directly.
- ``by_gbf_target(country, value)``: for each of the 23 GBF targets, the national
  targets aligned with it (their degree and the progress reported on them) and the
  progress reported on it directly: progress per GBF target.

Both read the country's published targets and their alignments as they are now, also
for a submitted report read from its snapshot: a snapshot freezes the answer, not the
country's national targets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from meadow.core import i18n
from meadow.frameworks.models import Element
from meadow.parties.visibility import Publication
from meadow.targets.models import Alignment, Degree, NationalTarget

FRAMEWORK = "gbf"
PREFIX = "gbf/target/"
# The texts of a row, in the order the CBD's form asks them.
TEXTS = ("actions", "summary", "challenges", "examples")
FIELDS = ("target", "progress", *TEXTS)
NATIONAL, GLOBAL = "national", "global"


def is_global(target: str) -> bool:
    """Whether a row's target is a GBF target reported on directly (not a national one)."""
    return target.startswith(PREFIX)


def global_code(uid: str) -> str:
    """The number of a GBF target from its identifier: ``gbf/target/7`` -> ``7``."""
    return uid[len(PREFIX) :] if is_global(uid) else uid


def name(target: str) -> str:
    """A row's target as a reader names it: ``T1``, or "GBF target 7"."""
    if is_global(target):
        return _("GBF target %(code)s") % {"code": global_code(target)}
    return target


def degree_label(degree: str) -> str:
    try:
        return str(Degree(degree).label)
    except ValueError:
        return degree


def normal(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored row with every field (an older row without some texts reads them empty)."""
    out: dict[str, Any] = {
        "target": str(row.get("target") or ""),
        "progress": row.get("progress") or None,
    }
    for key in TEXTS:
        out[key] = str(row.get(key) or "")
    return out


def filled(row: Mapping[str, Any] | None) -> bool:
    """Whether a row says anything: a level of progress or one of the texts."""
    if not row:
        return False
    return bool(row.get("progress")) or any(str(row.get(k) or "").strip() for k in TEXTS)


def given(value: Any) -> dict[str, dict[str, Any]]:
    """The answer's rows by target, in their order (rows that are not objects ignored)."""
    out: dict[str, dict[str, Any]] = {}
    if not isinstance(value, list):
        return out
    for row in value:
        if isinstance(row, dict) and row.get("target"):
            item = normal(row)
            out.setdefault(item["target"], item)
    return out


@dataclass(frozen=True)
class Link:
    """A GBF target a national target is aligned with, and how fully."""

    uid: str
    code: str
    degree: str

    def text(self) -> str:
        return _("%(target)s (%(degree)s)") % {
            "target": self.code,
            "degree": degree_label(self.degree).lower(),
        }


@dataclass(frozen=True)
class National:
    """A national target as offered for reporting: its title in the reader's language."""

    code: str
    title: str
    url: str = ""
    links: tuple[Link, ...] = ()


@dataclass
class Global:
    """A GBF target: its identifier, number and title in the six languages."""

    uid: str
    code: str
    title: dict[str, str] = field(default_factory=dict)

    def label(self, lang: str | None = None) -> str:
        return i18n.text(self.title, lang)


@dataclass(frozen=True)
class Aligned:
    """A national target aligned with a GBF target, and the progress reported on it."""

    code: str
    title: dict[str, str]
    degree: str
    progress: str | None
    reported: bool

    def label(self, lang: str | None = None) -> str:
        return i18n.text(self.title, lang) or self.code


@dataclass
class GlobalProgress(Global):
    """One GBF target: the national targets aligned with it and their progress, and the
    progress reported on it directly (``direct``: the answer has a row for it)."""

    national: list[Aligned] = field(default_factory=list)
    direct: bool = False
    direct_progress: str | None = None

    @property
    def levels(self) -> list[str]:
        """The levels of progress reported: the national targets' first, then the direct one."""
        out = [a.progress for a in self.national if a.progress]
        if self.direct_progress:
            out.append(self.direct_progress)
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "target": self.uid,
            "code": self.code,
            "title": dict(self.title),
            "national_targets": [
                {"code": a.code, "degree": a.degree, "progress": a.progress} for a in self.national
            ],
            "reported_directly": self.direct,
            "progress": self.direct_progress,
        }


@dataclass
class Row:
    """A row to present: the target with what the answer says about it."""

    target: str
    kind: str  # NATIONAL or GLOBAL
    title: str = ""
    url: str = ""
    links: tuple[Link, ...] = ()
    # A published national target of the country, or an existing GBF target.
    known: bool = True
    # A GBF target reported on directly although a national target is aligned with it.
    aligned: bool = False
    progress: str | None = None
    actions: str = ""
    summary: str = ""
    challenges: str = ""
    examples: str = ""

    @property
    def name(self) -> str:
        return name(self.target)

    @property
    def filled(self) -> bool:
        return filled(self.as_value())

    def as_value(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "progress": self.progress,
            **{key: getattr(self, key) for key in TEXTS},
        }

    def links_text(self) -> str:
        return ", ".join(link.text() for link in self.links)


def _merged(row: Row, answer: Mapping[str, Any] | None) -> Row:
    if answer:
        row.progress = answer.get("progress") or None
        for key in TEXTS:
            setattr(row, key, str(answer.get(key) or ""))
    return row


def rows_from(
    national: Sequence[National],
    targets: Sequence[Global],
    value: Any,
    lang: str | None = None,
) -> list[Row]:
    """The rows to present from the national targets offered and the GBF targets.

    ``national``: the country's published national targets with their alignments, in
    order; ``targets``: the GBF targets, in order.
    """
    answers = given(value)
    rows: list[Row] = []
    seen: set[str] = set()
    for target in national:
        rows.append(
            _merged(
                Row(
                    target=target.code,
                    kind=NATIONAL,
                    title=target.title,
                    url=target.url,
                    links=target.links,
                ),
                answers.get(target.code),
            )
        )
        seen.add(target.code)
    for code, answer in answers.items():
        if not is_global(code) and code not in seen:
            rows.append(_merged(Row(target=code, kind=NATIONAL, known=False), answer))
            seen.add(code)
    aligned = {link.uid for target in national for link in target.links}
    for item in targets:
        if item.uid in aligned and item.uid not in answers:
            continue
        rows.append(
            _merged(
                Row(
                    target=item.uid,
                    kind=GLOBAL,
                    title=item.label(lang),
                    url=f"/{item.uid}",
                    aligned=item.uid in aligned,
                ),
                answers.get(item.uid),
            )
        )
        seen.add(item.uid)
    for code, answer in answers.items():
        if is_global(code) and code not in seen:
            rows.append(_merged(Row(target=code, kind=GLOBAL, known=False), answer))
    return rows


def links_by_target(by_gbf: Iterable[GlobalProgress]) -> dict[str, tuple[Link, ...]]:
    """The GBF targets each national target is aligned with, from the per-GBF view."""
    out: dict[str, list[Link]] = {}
    for item in by_gbf:
        for aligned in item.national:
            out.setdefault(aligned.code, []).append(Link(item.uid, item.code, aligned.degree))
    return {code: tuple(links) for code, links in out.items()}


# Reading the country's targets -----------------------------------------------------------


def _elements() -> list[Element]:
    return list(
        Element.objects.filter(framework__slug=FRAMEWORK, level="target").order_by("order", "id")
    )


def _published(country: str) -> list[tuple[NationalTarget, list[Alignment]]]:
    """The country's published targets in order, each with its alignments to GBF targets."""
    alignments = (
        Alignment.objects.filter(element__framework__slug=FRAMEWORK, element__level="target")
        .select_related("element")
        .order_by("element__order", "element_id")
    )
    targets = (
        NationalTarget.objects.filter(country__code=country, status=Publication.PUBLISHED)
        .select_related("country")
        .prefetch_related(Prefetch("alignments", alignments, to_attr="gbf_alignments"))
        .order_by("order", "code")
    )
    return [(t, list(getattr(t, "gbf_alignments", []))) for t in targets]


def _links(alignments: list[Alignment]) -> tuple[Link, ...]:
    return tuple(Link(a.element.uid, a.element.code, a.degree) for a in alignments)


def _global(element: Element) -> Global:
    return Global(element.uid, element.code, dict(element.short_title or element.title or {}))


def rows_for(country: str, value: Any, lang: str | None = None) -> list[Row]:
    """The rows to present for the country (``lang``: the reader's; default the active)."""
    lang = lang or i18n.current()
    national = [
        National(t.code, t.label(lang), t.get_absolute_url(), _links(alignments))
        for t, alignments in _published(country)
    ]
    return rows_from(national, [_global(e) for e in _elements()], value, lang)


def by_gbf_target(country: str, value: Any) -> list[GlobalProgress]:
    """For each GBF target: the national targets aligned with it and the progress reported."""
    answers = given(value)
    targets = _published(country)
    out = []
    for element in _elements():
        national = []
        for target, alignments in targets:
            for alignment in alignments:
                if alignment.element_id != element.pk:
                    continue
                answer = answers.get(target.code)
                national.append(
                    Aligned(
                        code=target.code,
                        title=dict(target.title or {}),
                        degree=alignment.degree,
                        progress=answer.get("progress") if answer else None,
                        reported=filled(answer),
                    )
                )
        direct = answers.get(element.uid)
        item = _global(element)
        out.append(
            GlobalProgress(
                uid=item.uid,
                code=item.code,
                title=item.title,
                national=national,
                direct=direct is not None,
                direct_progress=direct.get("progress") if direct else None,
            )
        )
    return out
