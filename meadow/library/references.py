"""References in the text of a convention document.

``extract(text, lang=..., context=...)`` finds what a text refers to: document
symbols, decisions and recommendations (with their paragraphs), resolutions,
notifications, meetings, dates and periods, conventions and organisations, Aichi and
GBF targets, and URLs. Each reference found is a ``Found``: its kind, the words as
written, where they are, and a normalised identifier (its *target*) that is the same
whichever language and spelling the text uses. docs/library-references.md describes
every kind and its target.

The patterns and the names are data (``data/names/*.yaml``), read and compiled once.
Where two references overlap, the longest is kept. A reference whose body the text
leaves implicit ("第5/1号建议", "在其第九次会议上", "工作组第二次会议") is resolved
from the bodies named in its sentence, then from the document's ``Context``, then from
what the text named before. Pure: no database, no Django.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data" / "names"
LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar")
# In the order that decides between two references of the same length.
KINDS = (
    "document",
    "url",
    "decision",
    "recommendation",
    "resolution",
    "notification",
    "meeting",
    "target",
    "period",
    "date",
    "organisation",
)
# The paragraphs that extract_paragraphs joins are kept apart by this: nothing found
# can span it.
_JOIN = "\n\x00\n"


@dataclass(frozen=True, slots=True)
class Found:
    """One reference: its kind, the text as written, its target and where it is."""

    kind: str
    text: str
    target: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Context:
    """What the text belongs to, for references whose body the text leaves implicit.

    ``convention``: the document's convention ("CBD", "CPB", "NP", "CMS" ... or the
    code of its entry in organisations.yaml, "cartagena"); ``body``: the body the
    document is of ("COP", "WGRI", "WG2020", "SBSTTA" ...); ``framework``: "aichi" or
    "gbf" when a bare "target 3" / "目标3" means a target of that framework.
    """

    convention: str = "CBD"
    body: str | None = None
    framework: str | None = None


class DataError(ValueError):
    """A data file of the references is wrong; the message names the file and entry."""

    def __init__(self, path: Path, where: str, problem: str) -> None:
        super().__init__(f"{path.name}: {where}: {problem}")
        self.path = path
        self.where = where
        self.problem = problem


# --- the data, read once -------------------------------------------------------------


@dataclass(frozen=True)
class _Org:
    code: str
    owner: str | None


@dataclass(frozen=True)
class _Body:
    code: str
    owner: str | None
    owners: tuple[str, ...]
    cls: str
    recommends: bool
    roman_until: tuple[tuple[str, int], ...]

    def roman(self, owner: str) -> int:
        """The last meeting whose decisions carry a Roman meeting number."""
        for who, until in self.roman_until:
            if who in (owner, "*"):
                return until
        return 0


@dataclass(frozen=True)
class _Pattern:
    kind: str
    regex: re.Pattern[str]
    word: str | None
    framework: str | None
    owner: str | None


@dataclass(frozen=True)
class _Language:
    patterns: tuple[_Pattern, ...]
    orgs: tuple[re.Pattern[str], ...]
    mentions: tuple[re.Pattern[str], ...]
    after_gap: re.Pattern[str] | None


@dataclass(frozen=True)
class Rules:
    """The compiled data: patterns, names and the tables the code reads."""

    languages: Mapping[str, _Language]
    orgs: Mapping[str, _Org]
    bodies: Mapping[str, _Body]
    anaphors: Mapping[str, str]
    by_code: Mapping[str, tuple[_Body, ...]]
    owners: Mapping[str, str]
    unprefixed_owner: Mapping[str, str]
    item: re.Pattern[str]
    paragraph: re.Pattern[str]
    meeting_number: re.Pattern[str]
    number: re.Pattern[str]
    sentence_end: re.Pattern[str]
    before_gap: re.Pattern[str]
    trim: re.Pattern[str]
    kind_words: tuple[tuple[str, str], ...]
    prefixes: Mapping[str, tuple[str, str]]
    frameworks: Mapping[str, int]
    months: Mapping[str, int]
    zh_digits: Mapping[str, int]
    zh_units: Mapping[str, int]
    ordinals: Mapping[str, int]


_LATIN = "0-9A-Za-z_À-ɏЀ-ӿ"
_NOT_LATIN_BEFORE = f"(?<![{_LATIN}])"
_NOT_LATIN_AFTER = f"(?![{_LATIN}])"
_HYPHENS = "-‐‑–"
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF


def _is_latin(ch: str) -> bool:
    return re.match(f"[{_LATIN}]", ch) is not None


def _key(name: str) -> str:
    """A name as looked up: no spaces, one kind of hyphen and apostrophe, no case."""
    name = re.sub(r"\s+", "", name)
    for hyphen in _HYPHENS[1:]:
        name = name.replace(hyphen, "-")
    return name.replace("’", "'").casefold()


def _atoms(name: str, fold: bool, guard: bool) -> list[str]:
    """The regular expression of each character of a name, for a trie of names.

    Spaces match any run of white space, hyphens any hyphen, and Chinese characters
    may have white space (a line break) between them. With ``guard``, a name that
    starts (ends) with a Latin or Cyrillic letter or digit must not follow (be followed
    by) another.
    """
    atoms: list[str] = []
    previous = ""
    for ch in name:
        if ch.isspace():
            if atoms and atoms[-1] != r"\s+":
                atoms.append(r"\s+")
            previous = " "
            continue
        atom = f"[{_HYPHENS}]" if ch in _HYPHENS else re.escape(ch.casefold() if fold else ch)
        if previous not in ("", " ") and (_is_cjk(previous) or _is_cjk(ch)):
            atom = r"\s*" + atom
        if guard and not atoms and _is_latin(ch):
            # The guard after the first character, so that the expression still starts
            # with a character (which lets the engine skip quickly to where one is).
            atom += f"(?<![{_LATIN}]{atom})"
        atoms.append(atom)
        previous = ch
    if guard and atoms and _is_latin(name.rstrip()[-1]):
        atoms.append(_NOT_LATIN_AFTER)
    return atoms


def _trie(names: Iterable[str], fold: bool, guard: bool = True) -> str:
    """One regular expression matching any of the names, the longest where several do.

    At each step a longer name is tried before the end of a shorter one (the end guard
    and the end come last), so "Ramsar Convention" wins over "Ramsar".
    """
    root: dict[str, Any] = {}
    for name in names:
        node = root
        for atom in _atoms(name, fold, guard):
            node = node.setdefault(atom, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        children = sorted((a for a in node if a), key=lambda a: (a == _NOT_LATIN_AFTER, a))
        branches = [atom + emit(node[atom]) for atom in children]
        if "" in node:
            branches.append("")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    if not root:
        return "(?!)"
    pattern = emit(root)
    return f"(?i:{pattern})" if fold else pattern


def _cased(name: str) -> bool:
    """Whether a name is an abbreviation that matches only as written (all capitals)."""
    letters = [ch for ch in name if ch.isalpha() and ch.upper() != ch.lower()]
    return bool(letters) and all(ch.isupper() for ch in letters) and len(name) <= 12


def _name_regexes(names: Iterable[str]) -> tuple[str, str]:
    """Two expressions: the abbreviations (matched as written) and the other names."""
    listed = sorted(set(names))
    return _trie([n for n in listed if _cased(n)], False), _trie(
        [n for n in listed if not _cased(n)], True
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(path, "file", f"cannot be read: {exc}") from exc
    if not isinstance(data, dict):
        raise DataError(path, "file", "is not a mapping")
    return data


def _strings(value: Any, path: Path, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataError(path, where, "must be a list of non-empty texts")
    return [v.strip() for v in value]


def _names(value: Any, path: Path, where: str) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DataError(path, where, "names must map languages to lists of names")
    names: dict[str, list[str]] = {}
    for lang, listed in value.items():
        if lang not in LANGUAGES:
            raise DataError(path, f"{where}: names", f"unknown language {lang!r}")
        names[lang] = _strings(listed, path, f"{where}: names: {lang}")
    return names


def _text(entry: Mapping[str, Any], name: str, path: Path, where: str) -> str:
    value = entry.get(name)
    if not isinstance(value, str) or not value.strip():
        raise DataError(path, where, f"{name!r} must be a non-empty text")
    return value.strip()


def _add_key(
    table: dict[str, Any], name: str, value: Any, path: Path, where: str, same: bool = False
) -> None:
    key = _key(name)
    if key in table and table[key] != value and not same:
        raise DataError(path, where, f"the name {name!r} is already another entry's")
    table.setdefault(key, value)


def _load_orgs(
    path: Path,
) -> tuple[dict[str, _Org], dict[str, dict[str, list[str]]], dict[str, list[str]]]:
    data = _read(path)
    entries = data.get("organisations")
    if not isinstance(entries, list) or not entries:
        raise DataError(path, "organisations", "must be a non-empty list")
    by_key: dict[str, _Org] = {}
    names_of: dict[str, dict[str, list[str]]] = {}
    per_lang: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
    for i, entry in enumerate(entries):
        where = f"organisations[{i}]"
        if not isinstance(entry, dict):
            raise DataError(path, where, "must be a mapping")
        code = _text(entry, "code", path, where)
        where = f"organisation {code}"
        if not re.fullmatch(r"[a-z][a-z0-9-]*", code):
            raise DataError(path, where, "the code must be lower-case letters, digits, '-'")
        if code in names_of:
            raise DataError(path, where, "the code is listed twice")
        owner = entry.get("owner")
        if owner is not None and not (isinstance(owner, str) and re.fullmatch(r"[A-Z]+", owner)):
            raise DataError(path, where, "the owner must be capital letters")
        names = _names(entry.get("names"), path, where)
        if "en" not in names:
            raise DataError(path, where, "has no English name")
        org = _Org(code=code, owner=owner)
        for lang, listed in names.items():
            for name in listed:
                _add_key(by_key, name, org, path, f"{where}: names: {lang}")
                per_lang[lang].append(name)
        names_of[code] = names
        unknown = set(entry) - {"code", "owner", "names"}
        if unknown:
            raise DataError(path, where, f"unknown field {sorted(unknown)[0]!r}")
    return by_key, names_of, per_lang


@dataclass
class _BodyData:
    by_key: dict[str, _Body] = field(default_factory=dict)
    anaphors: dict[str, str] = field(default_factory=dict)
    by_code: dict[str, list[_Body]] = field(default_factory=dict)
    names: dict[str, list[str]] = field(default_factory=lambda: {x: [] for x in LANGUAGES})
    anaphor_names: dict[str, list[str]] = field(default_factory=lambda: {x: [] for x in LANGUAGES})
    codes: list[str] = field(default_factory=list)
    owners: set[str] = field(default_factory=set)


def _load_bodies(path: Path, org_names: Mapping[str, Mapping[str, list[str]]]) -> _BodyData:
    data = _read(path)
    entries = data.get("bodies")
    if not isinstance(entries, list) or not entries:
        raise DataError(path, "bodies", "must be a non-empty list")
    out = _BodyData()
    for i, entry in enumerate(entries):
        where = f"bodies[{i}]"
        if not isinstance(entry, dict):
            raise DataError(path, where, "must be a mapping")
        code = _text(entry, "code", path, where)
        owner = entry.get("owner")
        where = f"body {code}" + (f" of {owner}" if owner else "")
        unknown = set(entry) - {
            "code",
            "owner",
            "owners",
            "class",
            "recommends",
            "roman_until",
            "names",
            "codes",
            "organisation",
        }
        if unknown:
            raise DataError(path, where, f"unknown field {sorted(unknown)[0]!r}")
        if owner is not None and not (isinstance(owner, str) and re.fullmatch(r"[A-Z]+", owner)):
            raise DataError(path, where, "the owner must be capital letters")
        owners = tuple(_strings(entry.get("owners", []), path, f"{where}: owners"))
        roman = entry.get("roman_until", 0)
        if isinstance(roman, int) and not isinstance(roman, bool):
            roman_until: tuple[tuple[str, int], ...] = ((owner or "*", roman),)
        elif isinstance(roman, dict) and all(
            isinstance(k, str) and isinstance(v, int) for k, v in roman.items()
        ):
            roman_until = tuple(sorted(roman.items()))
        else:
            raise DataError(path, where, "roman_until must be a number or owner: number")
        cls = _text(entry, "class", path, where)
        recommends = entry.get("recommends", False)
        if not isinstance(recommends, bool):
            raise DataError(path, where, "recommends must be true or false")
        body = _Body(
            code=code,
            owner=owner,
            owners=owners,
            cls=cls,
            recommends=recommends,
            roman_until=roman_until,
        )
        names = _names(entry.get("names"), path, where)
        source = entry.get("organisation")
        if source is not None:
            if source not in org_names:
                raise DataError(path, where, f"unknown organisation {source!r}")
            for lang, listed in org_names[source].items():
                names.setdefault(lang, []).extend(listed)
        codes = _strings(entry.get("codes", []), path, f"{where}: codes")
        if not names and not codes:
            raise DataError(path, where, "has neither names nor codes")
        for lang, listed in names.items():
            for name in listed:
                _add_key(out.by_key, name, body, path, f"{where}: names: {lang}")
                out.names[lang].append(name)
        for written in codes:
            _add_key(out.by_key, written, body, path, f"{where}: codes")
            out.codes.append(written)
        out.by_code.setdefault(code.casefold(), []).append(body)
        if owner:
            out.owners.add(owner)
        out.owners.update(owners)
    anaphors = data.get("anaphors", {})
    if not isinstance(anaphors, dict):
        raise DataError(path, "anaphors", "must map classes to names per language")
    classes = {b.cls for bodies in out.by_code.values() for b in bodies}
    for cls, names in anaphors.items():
        if cls not in classes:
            raise DataError(path, f"anaphors: {cls}", "no body is of this class")
        for lang, listed in _names(names, path, f"anaphors: {cls}").items():
            for name in listed:
                if _key(name) in out.by_key:
                    raise DataError(path, f"anaphors: {cls}", f"{name!r} is a body's name")
                _add_key(out.anaphors, name, cls, path, f"anaphors: {cls}: {lang}")
                out.anaphor_names[lang].append(name)
    return out


def _ordinals(data: Any, path: Path) -> dict[str, int]:
    where = "numbers: en"
    if not isinstance(data, dict):
        raise DataError(path, where, "must be a mapping")
    units = _strings(data.get("ordinals"), path, f"{where}: ordinals")
    tens = _strings(data.get("tens"), path, f"{where}: tens")
    tens_ordinals = _strings(data.get("tens_ordinals"), path, f"{where}: tens_ordinals")
    if len(units) != 19 or len(tens) != len(tens_ordinals):
        raise DataError(path, where, "needs 19 ordinals and as many tens as tens ordinals")
    table = {word.casefold(): n for n, word in enumerate(units, start=1)}
    for i, (ten, ten_ordinal) in enumerate(zip(tens, tens_ordinals, strict=True)):
        value = 20 + 10 * i
        table[ten_ordinal.casefold()] = value
        for unit in range(1, 10):
            table[f"{ten}-{units[unit - 1]}".casefold()] = value + unit
            table[f"{ten} {units[unit - 1]}".casefold()] = value + unit
    return table


def _mapping(data: Mapping[str, Any], name: str, path: Path) -> dict[str, Any]:
    value = data.get(name)
    if not isinstance(value, dict) or not value:
        raise DataError(path, name, "must be a non-empty mapping")
    return value


def _compile(pattern: str, path: Path, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise DataError(path, where, f"is not a valid pattern: {exc}") from exc


def load_rules(directory: Path = DATA_DIR) -> Rules:
    """Read and compile the data files of ``directory`` (raises DataError if wrong)."""
    org_by_key, org_names, org_per_lang = _load_orgs(directory / "organisations.yaml")
    bodies = _load_bodies(directory / "bodies.yaml", org_names)
    path = directory / "patterns.yaml"
    data = _read(path)

    months_data = _mapping(data, "months", path)
    months: dict[str, int] = {}
    month_names: dict[str, list[str]] = {}
    for lang, listed in months_data.items():
        names = _strings(listed, path, f"months: {lang}")
        if lang not in LANGUAGES or len(names) != 12:
            raise DataError(path, f"months: {lang}", "needs a UN language and 12 names")
        month_names[lang] = names
        for n, name in enumerate(names, start=1):
            months[name.casefold()] = n
    numbers = _mapping(data, "numbers", path)
    ordinals = _ordinals(numbers.get("en"), path)
    zh = numbers.get("zh")
    if not isinstance(zh, dict):
        raise DataError(path, "numbers: zh", "must be a mapping")
    zh_digits = {str(k): int(v) for k, v in _mapping(zh, "digits", path).items()}
    zh_units = {str(k): int(v) for k, v in _mapping(zh, "units", path).items()}

    fragments = {str(k): v for k, v in _mapping(data, "fragments", path).items()}
    for name, value in list(fragments.items()):
        if not isinstance(value, str):
            raise DataError(path, f"fragments: {name}", "must be a pattern")
    for lang in LANGUAGES:
        fragments[f"bodies_{lang}"] = _trie(bodies.names[lang] + bodies.anaphor_names[lang], True)
        if lang in month_names:
            fragments[f"months_{lang}"] = _trie(month_names[lang], True)
    fragments["body_codes"] = _trie(bodies.codes, False, guard=False)
    fragments["en_ordinal"] = _trie(ordinals, True)

    def expand(pattern: str, where: str, depth: int = 0) -> str:
        if depth > 12:
            raise DataError(path, where, "fragments refer to each other in a circle")

        def one(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in fragments:
                raise DataError(path, where, f"unknown fragment {{{name}}}")
            return expand(str(fragments[name]), f"fragments: {name}", depth + 1)

        return _PLACEHOLDER.sub(one, pattern)

    splitters = _mapping(data, "splitters", path)
    split: dict[str, re.Pattern[str]] = {}
    for name, groups in (
        ("item", {"prefix", "meeting", "number"}),
        ("paragraph", {"number", "sub"}),
        ("meeting_number", {"number"}),
        ("number", {"number"}),
    ):
        where = f"splitters: {name}"
        if not isinstance(splitters.get(name), str):
            raise DataError(path, where, "must be a pattern")
        regex = _compile(expand(splitters[name], where), path, where)
        if not groups <= set(regex.groupindex):
            raise DataError(path, where, f"needs the groups {sorted(groups)}")
        split[name] = regex
    split["meeting_number"] = re.compile(split["meeting_number"].pattern, re.IGNORECASE)

    kinds = _mapping(data, "patterns", path)
    handled = {"document", "url", "decision", "resolution", "notification"}
    handled |= {"meeting", "date", "target"}
    if set(kinds) - handled:
        raise DataError(path, "patterns", f"unknown kind {sorted(set(kinds) - handled)[0]!r}")
    frameworks = {str(k): int(v) for k, v in _mapping(data, "frameworks", path).items()}
    compiled: dict[str, list[_Pattern]] = {lang: [] for lang in LANGUAGES}
    for kind, per_lang in kinds.items():
        if not isinstance(per_lang, dict):
            raise DataError(path, f"patterns: {kind}", "must map languages to patterns")
        for lang, entries in per_lang.items():
            if lang not in (*LANGUAGES, "any") or not isinstance(entries, list):
                raise DataError(path, f"patterns: {kind}: {lang}", "needs a language and a list")
            for i, entry in enumerate(entries):
                where = f"patterns: {kind}: {lang}[{i}]"
                if isinstance(entry, str):
                    entry = {"pattern": entry}
                if not isinstance(entry, dict) or not isinstance(entry.get("pattern"), str):
                    raise DataError(path, where, "must be a pattern or have one")
                framework = entry.get("framework")
                if kind == "target" and framework not in (*frameworks, "context"):
                    raise DataError(path, where, f"unknown framework {framework!r}")
                regex = _compile(expand(entry["pattern"], where), path, where)
                owner = entry.get("owner")
                if owner is not None and not isinstance(owner, str):
                    raise DataError(path, where, "the owner must be a text")
                pattern = _Pattern(kind, regex, entry.get("word"), framework, owner)
                for target in LANGUAGES if lang == "any" else (lang,):
                    compiled[target].append(pattern)

    gaps = _mapping(data, "owner_gap", path)
    after = gaps.get("after", {})
    if not isinstance(after, dict) or not isinstance(gaps.get("before"), str):
        raise DataError(path, "owner_gap", "needs a pattern before and patterns after")
    languages: dict[str, _Language] = {}
    for lang in LANGUAGES:
        org_names_here = org_per_lang[lang] + (org_per_lang["en"] if lang != "en" else [])
        body_names = bodies.names[lang] + (bodies.names["en"] if lang != "en" else [])
        gap = after.get(lang)
        languages[lang] = _Language(
            patterns=tuple(compiled[lang]),
            orgs=tuple(re.compile(p) for p in _name_regexes(org_names_here)),
            mentions=(
                re.compile(_trie(bodies.codes, False)),
                re.compile(_trie(body_names + bodies.anaphor_names[lang], True)),
            ),
            after_gap=_compile(gap, path, f"owner_gap: after: {lang}") if gap else None,
        )

    owners: dict[str, str] = {}
    for org in org_by_key.values():
        if org.owner:
            owners[org.code.casefold()] = org.owner
            owners[org.owner.casefold()] = org.owner
    for owner in bodies.owners:
        owners.setdefault(owner.casefold(), owner)

    prefixes: dict[str, tuple[str, str]] = {}
    for prefix, pair in _mapping(data, "decision_prefixes", path).items():
        listed = _strings(pair, path, f"decision_prefixes: {prefix}")
        if len(listed) != 2 or listed[1].casefold() not in bodies.by_code:
            raise DataError(path, f"decision_prefixes: {prefix}", "needs [owner, body code]")
        prefixes[str(prefix)] = (listed[0], listed[1])
    unprefixed = data.get("unprefixed_owner", {})
    if not isinstance(unprefixed, dict):
        raise DataError(path, "unprefixed_owner", "must map conventions to conventions")

    kind_words: list[tuple[str, str]] = []
    for kind, words in _mapping(data, "kind_words", path).items():
        if kind not in ("decision", "recommendation"):
            raise DataError(path, f"kind_words: {kind}", "must be decision or recommendation")
        for word in _strings(words, path, f"kind_words: {kind}"):
            kind_words.append((word.casefold(), kind))
    for name in ("sentence_end", "trim"):
        if not isinstance(data.get(name), str):
            raise DataError(path, name, "must be a pattern")

    return Rules(
        languages=languages,
        orgs=org_by_key,
        bodies=bodies.by_key,
        anaphors=bodies.anaphors,
        by_code={code: tuple(listed) for code, listed in bodies.by_code.items()},
        owners=owners,
        unprefixed_owner={str(k): str(v) for k, v in unprefixed.items()},
        item=split["item"],
        paragraph=split["paragraph"],
        meeting_number=split["meeting_number"],
        number=split["number"],
        sentence_end=_compile(data["sentence_end"], path, "sentence_end"),
        before_gap=_compile(str(gaps["before"]), path, "owner_gap: before"),
        trim=_compile(data["trim"], path, "trim"),
        kind_words=tuple(kind_words),
        prefixes=prefixes,
        frameworks=frameworks,
        months=months,
        zh_digits=zh_digits,
        zh_units=zh_units,
        ordinals=ordinals,
    )


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The shipped data, compiled once."""
    return load_rules()


# --- numbers -------------------------------------------------------------------------

_ROMAN = (
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def to_roman(number: int) -> str:
    """1 -> "I", 14 -> "XIV" (up to 399)."""
    out = []
    for value, letters in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def _numeral(written: str) -> int | None:
    """A meeting number as a decision writes it: "XI" or "14"."""
    if written.isdigit():
        return int(written)
    value, last = 0, 0
    letters = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    for ch in reversed(written):
        if ch not in letters:
            return None
        n = letters[ch]
        value = value - n if n < last else value + n
        last = max(last, n)
    return value if value and to_roman(value) == written else None


def _zh_number(written: str, digits: Mapping[str, int], units: Mapping[str, int]) -> int | None:
    """十二 -> 12, 二十三 -> 23; None for what is not a number written so."""
    total, current, last_unit = 0, -1, 10**9
    for ch in written:
        if ch in digits:
            if current >= 0:
                return None
            current = digits[ch]
        elif ch in units:
            unit = units[ch]
            if unit >= last_unit:
                return None
            total += (1 if current < 0 else current) * unit
            current, last_unit = -1, unit
        else:
            return None
    if current >= 0:
        total += current
    return total or None


# --- extraction ----------------------------------------------------------------------

Resolver = Callable[[], str | None]


@dataclass
class _Part:
    kind: str
    start: int
    end: int
    target: str | Resolver


@dataclass
class _Candidate:
    start: int
    end: int
    rank: int
    parts: list[_Part]


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    body: _Body
    owner: str
    explicit: bool = True
    meeting: int | None = None


@dataclass(frozen=True)
class _Ctx:
    convention: str
    decision_owner: str
    body: _Body | None
    body_owner: str
    framework: str | None


def _context(context: Context | None, data: Rules) -> _Ctx:
    context = context or Context()
    convention = data.owners.get(str(context.convention).casefold())
    if convention is None:
        known = ", ".join(sorted(set(data.owners.values())))
        raise ValueError(f"unknown convention {context.convention!r} (known: {known})")
    body: _Body | None = None
    owner = convention
    if context.body is not None:
        listed = data.by_code.get(str(context.body).casefold())
        if not listed:
            known = ", ".join(sorted({b.code for bs in data.by_code.values() for b in bs}))
            raise ValueError(f"unknown body {context.body!r} (known: {known})")
        body = next((b for b in listed if b.owner == convention), None)
        body = body or next((b for b in listed if b.owner is None), listed[0])
        if body.owner:
            owner = body.owner
        elif body.owners and convention not in body.owners:
            raise ValueError(f"the body {body.code} is not one of {convention}")
    if context.framework is not None and context.framework not in data.frameworks:
        known = ", ".join(sorted(data.frameworks))
        raise ValueError(f"unknown framework {context.framework!r} (known: {known})")
    return _Ctx(
        convention=convention,
        decision_owner=data.unprefixed_owner.get(convention, convention),
        body=body,
        body_owner=owner,
        framework=context.framework,
    )


def _group(m: re.Match[str], name: str) -> str | None:
    return m.group(name) if name in m.re.groupindex else None


def _span(m: re.Match[str], name: str) -> tuple[int, int] | None:
    if name in m.re.groupindex and m.group(name) is not None:
        return m.span(name)
    return None


class _Scan:
    """One extraction: the text, its language and context, what has been found."""

    def __init__(self, text: str, lang: str, ctx: _Ctx, data: Rules) -> None:
        self.text = text
        self.ctx = ctx
        self.data = data
        self.language = data.languages[lang]
        self.bounds = [m.end() for m in data.sentence_end.finditer(text)]
        self.orgs = self._orgs()
        self.org_starts = [start for start, _, _ in self.orgs]
        self.by_end = sorted(self.orgs, key=lambda o: o[1])
        self.org_ends = [end for _, end, _ in self.by_end]
        self.mentions: list[_Mention] = []
        self._find_mentions()
        self.mention_starts = [m.start for m in self.mentions]
        self.numbered: list[_Mention] = []

    # -- matching --

    def _longest(self, regexes: Iterable[re.Pattern[str]]) -> list[re.Match[str]]:
        """The matches of several expressions, the longest where they overlap."""
        matches = [m for regex in regexes for m in regex.finditer(self.text) if m.end() > m.start()]
        matches.sort(key=lambda m: (m.start() - m.end(), m.start()))
        kept: list[re.Match[str]] = []
        starts: list[int] = []
        for m in matches:
            i = bisect.bisect_right(starts, m.start())
            if i and kept[i - 1].end() > m.start():
                continue
            if i < len(starts) and starts[i] < m.end():
                continue
            starts.insert(i, m.start())
            kept.insert(i, m)
        return kept

    def _orgs(self) -> list[tuple[int, int, _Org]]:
        found = []
        for m in self._longest(self.language.orgs):
            org = self.data.orgs.get(_key(m.group(0)))
            if org is not None:
                found.append((m.start(), m.end(), org))
        return found

    def _find_mentions(self) -> None:
        for m in self._longest(self.language.mentions):
            key = _key(m.group(0))
            if key in self.data.anaphors:
                resolved = self._anaphor(self.data.anaphors[key], m.start())
                if resolved:
                    self.mentions.append(_Mention(m.start(), m.end(), *resolved, False))
                continue
            body = self.data.bodies.get(key)
            owner = self._owner(body, m.start(), m.end()) if body else None
            if body and owner:
                self.mentions.append(_Mention(m.start(), m.end(), body, owner))

    # -- resolving bodies and owners --

    def _sentence(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.bounds, pos)
        low = self.bounds[i - 1] if i else 0
        high = self.bounds[i] if i < len(self.bounds) else len(self.text)
        return low, high

    def _adjacent_owner(self, start: int, end: int) -> str | None:
        """The convention named right before (or after) a body: "CMS COP 12"."""
        i = bisect.bisect_right(self.org_ends, start)
        while i > 0:
            _, org_end, org = self.by_end[i - 1]
            if start - org_end > 4:
                break
            if org.owner and self.data.before_gap.fullmatch(self.text, org_end, start):
                return org.owner
            i -= 1
        gap = self.language.after_gap
        if gap is not None:
            j = bisect.bisect_left(self.org_starts, end)
            while j < len(self.orgs) and self.orgs[j][0] - end <= 16:
                org_start, _, org = self.orgs[j]
                if org.owner and gap.fullmatch(self.text, end, org_start):
                    return org.owner
                j += 1
        return None

    def _owner(self, body: _Body, start: int, end: int) -> str | None:
        if body.owner:
            return body.owner
        owner = self._adjacent_owner(start, end) or self.ctx.convention
        if body.owners and owner not in body.owners:
            return self.ctx.convention if self.ctx.convention in body.owners else None
        return owner

    def _anaphor(self, cls: str, pos: int) -> tuple[_Body, str] | None:
        """What "工作组" / "the Working Group" stands for at ``pos``."""
        if self.ctx.body is not None and self.ctx.body.cls == cls:
            return self.ctx.body, self.ctx.body_owner
        for mention in reversed(self.mentions):
            if mention.start < pos and mention.explicit and mention.body.cls == cls:
                return mention.body, mention.owner
        return None

    def _named(self, written: str, start: int, end: int) -> tuple[_Body, str] | None:
        key = _key(written)
        if key in self.data.anaphors:
            return self._anaphor(self.data.anaphors[key], start)
        body = self.data.bodies.get(key)
        if body is None:
            return None
        owner = self._owner(body, start, end)
        return (body, owner) if owner else None

    def _before(self, pos: int, low: int = 0) -> list[_Mention]:
        """The mentions that end before ``pos`` (and start at ``low`` or later), nearest first."""
        listed = sorted(
            [m for m in self.mentions if low <= m.start and m.end <= pos]
            + [m for m in self.numbered if low <= m.start and m.end <= pos],
            key=lambda m: m.start,
            reverse=True,
        )
        return listed

    def _meeting_body(
        self, m: re.Match[str], written: str | None, its: bool
    ) -> tuple[_Body, str] | None:
        if written is not None:
            return self._named(written, m.start(), m.end())
        low, high = self._sentence(m.start())
        before = self._before(m.start(), low)
        if before:
            return before[0].body, before[0].owner
        if its:  # "在其第九次会议上，联络组...": the body may follow in the sentence
            i = bisect.bisect_left(self.mention_starts, m.end())
            if i < len(self.mentions) and self.mentions[i].end <= high:
                return self.mentions[i].body, self.mentions[i].owner
        if self.ctx.body is not None:
            return self.ctx.body, self.ctx.body_owner
        return None

    def _recommending_body(
        self, m: re.Match[str], written: str | None, meeting: int
    ) -> tuple[_Body, str] | None:
        if written is not None:
            return self._named(written, m.start(), m.end())
        low, _ = self._sentence(m.start())
        earlier = [x for x in self._before(m.start()) if x.body.recommends]
        # the body named in the sentence; one whose meeting has the recommendation's
        # number; the document's; the last one named
        if earlier and earlier[0].start >= low:
            return earlier[0].body, earlier[0].owner
        for mention in earlier:
            if mention.meeting == meeting:
                return mention.body, mention.owner
        if self.ctx.body is not None and self.ctx.body.recommends:
            return self.ctx.body, self.ctx.body_owner
        if earlier:
            return earlier[0].body, earlier[0].owner
        return None

    # -- cutting a match into its items --

    def _units(self, start: int, end: int, firsts: Sequence[int]) -> list[tuple[int, int] | None]:
        """The span of each item of a list, given where each begins (the first: ``start``)."""
        spans: list[tuple[int, int] | None] = []
        for i, first in enumerate(firsts):
            s = start if i == 0 else first
            e = firsts[i + 1] if i + 1 < len(firsts) else end
            piece = self.text[s:e]
            cut = self.data.trim.search(piece)
            if cut:
                e = s + cut.start()
            while s < e and self.text[s].isspace():
                s += 1
            spans.append((s, e) if e > s else None)
        return spans

    # -- the kinds --

    def candidates(self) -> list[_Candidate]:
        rank = {kind: i for i, kind in enumerate(KINDS)}
        found: list[_Candidate] = []
        for start, end, org in self.orgs:
            part = _Part("organisation", start, end, f"org/{org.code}")
            found.append(_Candidate(start, end, rank["organisation"], [part]))
        handlers: dict[str, Callable[[_Pattern, re.Match[str]], list[_Part]]] = {
            "document": self._document,
            "url": self._url,
            "decision": self._decision,
            "resolution": self._resolution,
            "notification": self._notification,
            "meeting": self._meeting,
            "date": self._date,
            "target": self._target,
        }
        for pattern in self.language.patterns:
            for m in pattern.regex.finditer(self.text):
                if m.end() <= m.start():
                    continue
                parts = handlers[pattern.kind](pattern, m)
                if parts:
                    best = min(rank[p.kind] for p in parts)
                    found.append(_Candidate(m.start(), m.end(), best, parts))
        return found

    def _document(self, pattern: _Pattern, m: re.Match[str]) -> list[_Part]:
        symbol = m.group("symbol")
        if not any(ch.isdigit() for ch in symbol) or symbol.count("/") < 2:
            return []
        segments = []
        for segment in symbol.split("/"):
            suffix = re.fullmatch(r"(?i)(add|rev|corr|amend|res)\.(\d+)", segment)
            if suffix:
                segments.append(f"{suffix.group(1).capitalize()}.{int(suffix.group(2))}")
            else:
                segments.append(segment.upper())
        start, end = m.span("symbol")
        return [_Part("document", start, end, "doc/" + "/".join(segments))]

    def _url(self, pattern: _Pattern, m: re.Match[str]) -> list[_Part]:
        url = m.group(0)
        while url:
            last = url[-1]
            if last in ".,;:!?'\"*" or (
                last in ")]" and url.count("(" if last == ")" else "[") < url.count(last)
            ):
                url = url[:-1]
            else:
                break
        host = re.sub(r"(?i)^https?://", "", url).split("/", 1)[0]
        if not re.fullmatch(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?", host):
            return []
        target = url if re.match(r"(?i)https?://", url) else "http://" + url
        return [_Part("url", m.start(), m.start() + len(url), target)]

    def _kind_of(self, word: str | None) -> str | None:
        if word is None:
            return None
        folded = word.casefold()
        for prefix, kind in self.data.kind_words:
            if folded.startswith(prefix):
                return kind
        return None

    def _decision(self, pattern: _Pattern, m: re.Match[str]) -> list[_Part]:
        kind = self._kind_of(_group(m, "word") or pattern.word)
        if kind is None:
            return []
        start, end = m.span()
        paras_span = _span(m, "paras")
        items = [
            im
            for im in self.data.item.finditer(self.text, start, end)
            if paras_span is None or not (paras_span[0] <= im.start() < paras_span[1])
        ]
        if not items:
            return []
        paras = list(self.data.paragraph.finditer(self.text, *paras_span)) if paras_span else []
        pieces = []
        if _group(m, "part"):
            pieces.append(f"sec-{str(_group(m, 'part')).lower()}")
        if _group(m, "annex"):
            number = self._annex_number(_group(m, "annexno"))
            if number is None:
                return []
            pieces.append(f"annex-{number}")
            if _group(m, "annexsec"):
                pieces.append(f"sec-{str(_group(m, 'annexsec')).lower()}")
        base = "-".join(pieces)
        # (where the item begins, item, paragraph, fragment)
        units: list[tuple[int, re.Match[str], re.Match[str] | None, str]] = []
        last = items[-1]
        for im in items[:-1] if paras else items:
            units.append((im.start(), im, None, base if im is last else ""))
        if paras:
            attach = 0 if last.start() < paras[0].start() else len(paras) - 1
            for j, pm in enumerate(paras):
                first = min(pm.start(), last.start()) if j == attach else pm.start()
                para = f"para-{int(pm.group('number'))}"
                if pm.group("sub"):
                    para += f"-{pm.group('sub')}"
                units.append((first, last, pm, f"{base}-{para}" if base else para))
        units.sort(key=lambda u: u[0])
        spans = self._units(start, end, [u[0] for u in units])
        body_written = _group(m, "body") or _group(m, "body2")
        parts = []
        for (_, im, _, fragment), span in zip(units, spans, strict=True):
            if span is None:
                continue
            target = self._decision_target(kind, m, im, fragment, body_written)
            if target is not None:
                parts.append(_Part(kind, span[0], span[1], target))
        return parts

    def _annex_number(self, written: str | None) -> int | None:
        if not written:
            return 1
        if written.isdigit():
            return int(written)
        return _numeral(written) or _zh_number(written, self.data.zh_digits, self.data.zh_units)

    def _body_by_code(self, code: str, owner: str) -> _Body | None:
        listed = self.data.by_code.get(code.casefold(), ())
        for body in listed:
            if body.owner == owner:
                return body
        for body in listed:
            if body.owner is None:
                return body
        return listed[0] if listed else None

    def _decision_target(
        self,
        kind: str,
        m: re.Match[str],
        im: re.Match[str],
        fragment: str,
        body_written: str | None,
    ) -> str | Resolver | None:
        meeting = _numeral(im.group("meeting"))
        number = int(im.group("number"))
        if meeting is None or not 1 <= meeting <= 99 or number < 1:
            return None
        tail = f"/{number}" + (f"#{fragment}" if fragment else "")
        prefix = im.group("prefix")
        if kind == "decision":
            if prefix:
                owner, code = self.data.prefixes[prefix.upper()]
            else:
                owner, code = self.ctx.decision_owner, "COP"
            body = self._body_by_code(code, owner)
            written = to_roman(meeting) if body and meeting <= body.roman(owner) else str(meeting)
            return f"decision/{owner}/{code}/{written}{tail}"
        if prefix:
            return None

        def resolve() -> str | None:
            found = self._recommending_body(m, body_written, meeting)
            if found is None:  # the meeting as written: the body's numerals are unknown
                written = im.group("meeting").upper()
                return f"recommendation/{self.ctx.decision_owner}/unknown/{written}{tail}"
            body, owner = found
            written = to_roman(meeting) if meeting <= body.roman(owner) else str(meeting)
            return f"recommendation/{owner}/{body.code}/{written}{tail}"

        return resolve

    def _resolution(self, pattern: _Pattern, m: re.Match[str]) -> list[_Part]:
        number = re.sub(r"\s+", "", m.group("number"))
        if _group(m, "unga"):
            return [_Part("resolution", m.start(), m.end(), f"resolution/UNGA/{number}")]
        owner = pattern.owner or self._adjacent_owner(m.start(), m.start())
        owner = owner or self.ctx.convention
        return [_Part("resolution", m.start(), m.end(), f"resolution/{owner}/{number}")]

    def _notification(self, pattern: _Pattern, m: re.Match[str]) -> list[_Part]:
        number = re.sub(r"\s+", "", m.group("number"))
        target = f"notification/{self.ctx.decision_owner}/{number}"
        return [_Part("notification", m.start(), m.end(), target)]

    def _meeting_number(self, written: str) -> int | None:
        folded = written.casefold()
        digits = re.fullmatch(r"(\d{1,3})(?:st|nd|rd|th)?", folded)
        if digits:
            value: int | None = int(digits.group(1))
        elif folded in self.data.ordinals:
            value = self.data.ordinals[folded]
        else:
            value = _zh_number(written, self.data.zh_digits, self.data.zh_units)
        return value if value is not None and 1 <= value <= 99 else None

    def _meeting(self, pattern: _Pattern, m: re.Match[str]) -> list[_Part]:
        nums_span = _span(m, "nums")
        if nums_span is None:
            return []
        numbers = list(self.data.meeting_number.finditer(self.text, *nums_span))
        if not numbers:
            return []
        written = _group(m, "body")
        its = _group(m, "its") is not None
        resolved: list[tuple[_Body, str] | None] = []

        def body() -> tuple[_Body, str] | None:
            if not resolved:
                resolved.append(self._meeting_body(m, written, its))
            return resolved[0]

        parts = []
        spans = self._units(m.start(), m.end(), [n.start() for n in numbers])
        for nm, span in zip(numbers, spans, strict=True):
            number = self._meeting_number(nm.group("number"))
            if number is None or span is None:
                continue

            def resolve(number: int = number, span: tuple[int, int] = span) -> str | None:
                found = body()
                if found is None:
                    return None
                which, owner = found
                self.numbered.append(_Mention(span[0], span[1], which, owner, True, number))
                return f"meeting/{owner}/{which.code}-{number}"

            parts.append(_Part("meeting", span[0], span[1], resolve))
        return parts

    def _date(self, pattern: _Pattern, m: re.Match[str]) -> list[_Part]:
        try:
            return self._dates(m)
        except ValueError:  # no such day
            return []

    def _month(self, m: re.Match[str], number: str, name: str) -> int | None:
        if _group(m, number):
            return int(str(_group(m, number)))
        if _group(m, name):
            return self.data.months.get(str(_group(m, name)).casefold())
        return None

    def _dates(self, m: re.Match[str]) -> list[_Part]:
        year = int(m.group("y"))
        if not 1000 <= year <= 2999:
            return []
        month = self._month(m, "m", "mon")
        day = _group(m, "d")
        year2 = _group(m, "y2")
        if month is None:
            if year2 is None or not year < int(year2) <= 2999 or day is not None:
                return []
            return [_Part("period", m.start(), m.end(), f"period/{year}/{int(year2)}")]
        if not 1 <= month <= 12:
            return []
        if day is None:
            return [_Part("date", m.start(), m.end(), f"date/{year:04d}-{month:02d}")]
        first = datetime.date(year, month, int(day))
        day2 = _group(m, "d2")
        if day2 is None:
            day3 = _span(m, "d3")
            if day3 is None:
                return [_Part("date", m.start(), m.end(), f"date/{first.isoformat()}")]
            third = datetime.date(year, month, int(str(_group(m, "d3"))))
            spans = self._units(m.start(), m.end(), [m.start(), day3[0]])
            parts = []
            for span, when in zip(spans, (first, third), strict=True):
                if span is not None:
                    parts.append(_Part("date", span[0], span[1], f"date/{when.isoformat()}"))
            return parts
        month2 = self._month(m, "m2", "mon2") or month
        second = datetime.date(int(year2 or year), month2, int(day2))
        if second <= first:
            return []
        target = f"period/{first.isoformat()}/{second.isoformat()}"
        return [_Part("period", m.start(), m.end(), target)]

    def _target(self, pattern: _Pattern, m: re.Match[str]) -> list[_Part]:
        framework = pattern.framework
        if framework == "context":
            framework = self.ctx.framework
        nums_span = _span(m, "nums")
        if framework is None or nums_span is None:
            return []
        numbers = list(self.data.number.finditer(self.text, *nums_span))
        highest = self.data.frameworks[framework]
        parts = []
        spans = self._units(m.start(), m.end(), [n.start() for n in numbers])
        for nm, span in zip(numbers, spans, strict=True):
            number = int(nm.group("number"))
            if span is not None and 1 <= number <= highest:
                parts.append(_Part("target", span[0], span[1], f"{framework}/target/{number}"))
        return parts

    # -- all together --

    def run(self) -> list[Found]:
        kept = _without_overlaps(self.candidates())
        parts = [part for candidate in kept for part in candidate.parts]
        targets: dict[int, str | None] = {}
        # Meetings first: the meetings found tell recommendations their body.
        for order in (("meeting",), tuple(k for k in KINDS if k != "meeting")):
            for i, part in enumerate(parts):
                if part.kind in order:
                    pending = part.target
                    targets[i] = pending if isinstance(pending, str) else pending()
        found = []
        for i, part in enumerate(parts):
            target = targets.get(i)
            if target:
                text = self.text[part.start : part.end]
                found.append(Found(part.kind, text, target, part.start, part.end))
        return sorted(found, key=lambda f: (f.start, f.end))


def _without_overlaps(candidates: list[_Candidate]) -> list[_Candidate]:
    """The longest candidates that do not overlap, in the order of the text."""
    ordered = sorted(candidates, key=lambda c: (c.start - c.end, c.rank, c.start))
    starts: list[int] = []
    kept: list[_Candidate] = []
    for candidate in ordered:
        i = bisect.bisect_right(starts, candidate.start)
        if i and kept[i - 1].end > candidate.start:
            continue
        if i < len(starts) and starts[i] < candidate.end:
            continue
        starts.insert(i, candidate.start)
        kept.insert(i, candidate)
    return kept


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})")


def extract(text: str, *, lang: str, context: Context | None = None) -> list[Found]:
    """The references in ``text`` (written in ``lang``), in the order of the text."""
    _check_lang(lang)
    data = rules()
    return _Scan(text, lang, _context(context, data), data).run()


def extract_paragraphs(
    paragraphs: Sequence[str], *, lang: str, context: Context | None = None
) -> list[list[Found]]:
    """The references of each paragraph, read together as one text.

    A reference is resolved with what the paragraphs before it named (the working
    group of "该工作组在其第5/7号建议中" is named in an earlier paragraph); the offsets
    are those within each paragraph.
    """
    _check_lang(lang)
    data = rules()
    text = _JOIN.join(paragraphs)
    offsets = []
    position = 0
    for paragraph in paragraphs:
        offsets.append(position)
        position += len(paragraph) + len(_JOIN)
    out: list[list[Found]] = [[] for _ in paragraphs]
    for found in _Scan(text, lang, _context(context, data), data).run():
        i = bisect.bisect_right(offsets, found.start) - 1
        if i < 0 or found.end > offsets[i] + len(paragraphs[i]):
            continue
        base = offsets[i]
        out[i].append(
            Found(found.kind, found.text, found.target, found.start - base, found.end - base)
        )
    return out
