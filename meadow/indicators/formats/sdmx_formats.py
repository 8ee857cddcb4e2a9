"""SDMX data messages: SDMX-ML 2.1 (generic or structure-specific) and SDMX-JSON.

Components are read by their SDG data structure (SDG_DSD) identifiers:

- ``SERIES`` -> the series code (``ER_PTD_TERR``); ``REF_AREA`` -> the place code as
  written (M49, ``826``), or ``ReadOptions.place`` when the message has none;
  ``TIME_PERIOD`` -> the period label (a month ``2020-03`` of data with ``FREQ=M``
  becomes ``2020-M03``, the label Meadow uses);
- ``UNIT_MEASURE`` -> unit, ``UNIT_MULT`` -> unit multiplier, ``OBS_STATUS`` -> status,
  ``COMMENT_OBS`` -> comment, ``COMMENT_TS`` or ``FOOTNOTE`` -> footnote,
  ``SOURCE_DETAIL`` -> source;
- every other dimension (``SEX``, ``AGE``, ``URBANISATION``...) -> a disaggregation,
  without its totals (``_T``) and not-applicable values (``_Z``). ``FREQ`` and
  ``REPORTING_TYPE`` are dropped when they hold one value throughout the message;
- the other attributes of the SDG structure (``NATURE``, ``TIME_DETAIL``...) are not
  kept; one warning lists them.

The indicator code comes, in this order, from the mapping ``series:<SERIES code>`` in
``ReadOptions.columns`` (``{"series:ER_PTD_TERR": "15.1.1"}``; several codes separated
by commas give a record for each), or from an ``INDICATOR`` dimension or attribute
(another component when the mapping names it: ``{"indicator": "IND_CODE"}``). The SDG
form ``C150101`` is read as ``15.1.1``. SDG messages name only the series (the indicator
sits in the data structure definition), so such files need the ``series:`` mapping.
Meadow's writers add the ``INDICATOR`` and a ``FRAMEWORK`` attribute (``gbf``, ``sdg``)
to every series, so that their files read back without a mapping.

SDMX-ML is read with the ``sdmx1`` package; structure-specific messages are read
without their data structure definition, so the components above are told apart by
their identifiers. SDMX-JSON (1.0 and 2.0) is read here: ``sdmx1`` 2.x takes series
attributes from the data set's list and reads no SDMX-JSON 2.0 message.

The writers key a series by ``SERIES`` (when any series has a code), ``REF_AREA`` (the
M49 code) and its breakdowns (``_T`` where a series has none), and add ``INDICATOR``,
``UNIT_MEASURE``, ``UNIT_MULT``, ``FRAMEWORK`` and ``MEADOW_ATTRIBUTES`` to the key, in
that order, only as far as needed to keep every key to one series. A dimension name that
is not an SDMX identifier (``Local authority``) is written as one (``Local_authority``)
and the data set's ``MEADOW_DIMENSIONS`` attribute gives the names back; a series' other
attributes travel in ``MEADOW_ATTRIBUTES``. SDMX-ML is a generic data message with a data
set per indicator, each with a structure of its own; SDMX-JSON 1.0 has one structure,
and a period a series repeats gets a second entry among the time values, so both
observations are kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sdmx
from lxml import etree
from sdmx.message import DataMessage, ErrorMessage, Header, MetadataMessage
from sdmx.model import common, v21

from meadow.indicators import periods
from meadow.indicators.formats import register_reader, register_writer
from meadow.indicators.formats.base import (
    MAX_FILE_BYTES,
    ExportSeries,
    Location,
    Reader,
    ReadOptions,
    ReadResult,
    Record,
    Writer,
    disaggregation,
    fingerprint,
)
from meadow.indicators.formats.csvmap import parse_number

SERIES = "SERIES"
REF_AREA = "REF_AREA"
TIME_PERIOD = "TIME_PERIOD"
INDICATOR = "INDICATOR"
FRAMEWORK = "FRAMEWORK"
# Meadow's own attributes, JSON objects: a series' other attributes (name -> value), and
# on the data set the names of dimensions whose identifiers had to differ (id -> name).
MEADOW_ATTRIBUTES = "MEADOW_ATTRIBUTES"
MEADOW_DIMENSIONS = "MEADOW_DIMENSIONS"
OBS_VALUE = "OBS_VALUE"
FREQ = "FREQ"
ATTRIBUTE_ROLES = {
    "UNIT_MEASURE": "unit",
    "UNIT_MULT": "unit_multiplier",
    "OBS_STATUS": "status",
    "COMMENT_OBS": "comment",
    "COMMENT_TS": "footnote",
    "FOOTNOTE": "footnote",
    "SOURCE_DETAIL": "source",
}
# Attributes of the SDG structure (and common SDMX ones) that Meadow does not keep. A
# structure-specific message read without its structure shows series attributes as
# dimensions: this list keeps these out of the disaggregation.
OTHER_ATTRIBUTES = frozenset({
    "NATURE", "TIME_DETAIL", "TIME_COVERAGE", "BASE_PER", "UPPER_BOUND", "LOWER_BOUND",
    "GEO_INFO_TYPE", "GEO_INFO_URL", "GEO_INFO_NAME", "DATA_LAST_UPDATE", "CUST_BREAKDOWN_LB",
    "TITLE", "DECIMALS", "TIME_FORMAT", "OBS_CONF", "OBS_PRE_BREAK", "COLLECTION",
    "COMMENT_DSET",
})  # fmt: skip
CONTEXT_DIMENSIONS = ("FREQ", "REPORTING_TYPE")
NOT_A_BREAKDOWN = {"_T", "_Z"}
SDG_CODE = re.compile(r"C(\d{2})(\d{2})(\d{2})")
MONTH = re.compile(r"(\d{4})-(\d{2})")
SDMX_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
SDMX_VALUE = re.compile(r"[A-Za-z0-9_@$-]+")
AGENCY = "MEADOW"
DSD_ID = "MEADOW_INDICATOR_DATA"
# A fixed preparation time keeps the output the same for the same data.
PREPARED = datetime(2000, 1, 1)
NS_SDMX = "http://www.sdmx.org/resources/sdmxml/schemas/"
NS_MESSAGE = NS_SDMX + "v2_1/message"


@dataclass(slots=True)
class Facts:
    """Components read in Meadow's terms."""

    fields: dict[str, str]  # components with a role (SERIES, UNIT_MEASURE...) -> value
    dims: dict[str, str]  # the disaggregation, without totals
    not_kept: set[str]  # attributes present but not kept


@dataclass(slots=True)
class Group:
    """What the observations of one series share: the data set's and the series' parts."""

    key: dict[str, str]  # dimension id -> value
    attributes: dict[str, str]  # attribute id -> value
    label: str = ""  # "data set 2" when a message holds several
    facts: Facts | None = None  # read once for all the series' observations


@dataclass(slots=True)
class Observation:
    """One observation of any SDMX message, before Meadow reads its components."""

    group: Group
    key: dict[str, str]  # the observation's own dimensions (TIME_PERIOD)
    attributes: dict[str, str]  # the observation's own attributes
    value: Any
    path: str = ""  # in SDMX-JSON, where the observation is in the document
    line: int | None = None  # in SDMX-ML, the line of its Obs element

    def describe(self) -> str:
        key = ", ".join(f"{k}={v}" for k, v in {**self.group.key, **self.key}.items())
        where = self.path or self.group.label
        return f"{where} ({key})" if where else key


def _plain(value: Any) -> str:
    """The text of a key or attribute value (a Code gives its id)."""
    if value is None:
        return ""
    code = getattr(value, "id", None)
    return str(code if code is not None else value).strip()


def _indicator_codes(text: str) -> list[str]:
    codes = [c.strip() for c in re.split(r"[,;]", text) if c.strip()]
    out = []
    for code in codes:
        match = SDG_CODE.fullmatch(code)
        out.append(".".join(str(int(p)) for p in match.groups()) if match else code)
    return out


def _period(label: str, freq: str) -> str:
    match = MONTH.fullmatch(label)
    if match and freq == "M":
        return f"{match.group(1)}-M{match.group(2)}"
    return label


class _Interpreter:
    """Reads SDMX observations into records, collecting every problem."""

    def __init__(self, file: str, options: ReadOptions, result: ReadResult) -> None:
        self.file = file
        self.options = options
        self.result = result
        self.series_map = {
            key.removeprefix("series:"): value
            for key, value in options.columns.items()
            if key.startswith("series:")
        }
        self.indicator_id = options.columns.get("indicator", INDICATOR)
        self.roles = {SERIES, REF_AREA, TIME_PERIOD, self.indicator_id, FRAMEWORK}
        self.roles |= {*ATTRIBUTE_ROLES, MEADOW_ATTRIBUTES, MEADOW_DIMENSIONS}
        self.constant: set[str] = set()
        self.decoded: dict[str, dict[str, str] | None] = {}

    def facts(self, key: dict[str, str], attributes: dict[str, str]) -> Facts:
        facts = Facts({}, {}, set())
        for cid, text in (*attributes.items(), *key.items()):
            if cid in self.roles:
                # Meadow's exports put some attributes in the key, with _Z for "none".
                facts.fields[cid] = "" if text in NOT_A_BREAKDOWN else text
            elif cid in self.constant:
                continue
            elif cid in OTHER_ATTRIBUTES or cid in attributes:
                if text:
                    facts.not_kept.add(cid)
            elif text not in NOT_A_BREAKDOWN:
                facts.dims[cid] = text
        return facts

    def texts(self, cid: str, text: str, line: int | None) -> dict[str, str]:
        """One of Meadow's JSON attributes; reported once when not an object of texts."""
        if text and text not in self.decoded:
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                value = None
            good = isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
            self.decoded[text] = dict(value) if good and isinstance(value, dict) else None
            if not good:
                self.result.error(
                    Location(self.file, line, cid),
                    f"{cid} is not a JSON object of texts: {text[:80]!r}",
                    "bad-attribute",
                )
        return self.decoded.get(text) or {}

    def run(self, observations: list[Observation]) -> None:
        file, result = self.file, self.result
        for dim in CONTEXT_DIMENSIONS:
            seen = {o.key.get(dim, o.group.key.get(dim)) for o in observations}
            if len(seen) <= 1:
                self.constant.add(dim)
        not_kept: set[str] = set()
        no_indicator: dict[str, Observation] = {}
        frameworks: set[str] = set()
        missing = 0
        no_place = False
        for obs in observations:
            group = obs.group
            if group.facts is None:
                group.facts = self.facts(group.key, group.attributes)
                not_kept |= group.facts.not_kept
            own = self.facts(obs.key, obs.attributes)
            not_kept |= own.not_kept
            fields = {**group.facts.fields, **own.fields}
            dims = {**group.facts.dims, **own.dims}
            if names := self.texts(MEADOW_DIMENSIONS, fields.get(MEADOW_DIMENSIONS, ""), obs.line):
                dims = {names.get(cid, cid): text for cid, text in dims.items()}
            kept = self.texts(MEADOW_ATTRIBUTES, fields.get(MEADOW_ATTRIBUTES, ""), obs.line)
            series_code = fields.get(SERIES, "")
            if series_code in self.series_map:
                indicators = _indicator_codes(self.series_map[series_code])
            else:
                indicators = _indicator_codes(fields.get(self.indicator_id, ""))
            if not indicators:
                no_indicator.setdefault(series_code, obs)
            if framework := fields.get(FRAMEWORK, "").lower():
                frameworks.add(framework)
            value_text = _plain(obs.value)
            if value_text in ("", "NaN", "nan"):
                missing += 1
                continue
            value = parse_number(value_text)
            if value is None:
                result.error(
                    Location(file, obs.line, OBS_VALUE),
                    f"{obs.describe()}: {value_text!r} is not a number",
                    "not-a-number",
                )
            period = _period(
                fields.get(TIME_PERIOD, ""), obs.key.get(FREQ, group.key.get(FREQ, ""))
            )
            try:
                periods.parse(period)
            except periods.PeriodError as exc:
                code = "bad-period" if period else "empty-period"
                result.error(
                    Location(file, obs.line, TIME_PERIOD), f"{obs.describe()}: {exc}", code
                )
                period = ""
            place = fields.get(REF_AREA, "") or self.options.place
            no_place = no_place or not place
            multiplier = 0
            if multiplier_text := fields.get("UNIT_MULT", ""):
                try:
                    multiplier = int(multiplier_text)
                except ValueError:
                    result.error(
                        Location(file, obs.line, "UNIT_MULT"),
                        f"{obs.describe()}: {multiplier_text!r} is not a whole power of ten",
                        "bad-multiplier",
                    )
            if value is None or not period or not place:
                continue
            roles: dict[str, str] = {}
            for cid, role in ATTRIBUTE_ROLES.items():
                if fields.get(cid):
                    roles.setdefault(role, fields[cid])
            for indicator in indicators:
                result.records.append(
                    Record(
                        indicator=indicator,
                        place=place,
                        period=period,
                        value=value,
                        location=Location(file, obs.line, obs.path),
                        disaggregation=disaggregation(dims),
                        unit=roles.get("unit", ""),
                        unit_multiplier=multiplier,
                        status=roles.get("status", ""),
                        comment=roles.get("comment", ""),
                        series_code=series_code,
                        source=roles.get("source", ""),
                        footnote=roles.get("footnote", ""),
                        attributes=disaggregation(kept),
                    )
                )
        self.report(no_indicator, frameworks, missing, no_place, not_kept)

    def report(
        self,
        no_indicator: dict[str, Observation],
        frameworks: set[str],
        missing: int,
        no_place: bool,
        not_kept: set[str],
    ) -> None:
        file, result, indicator_id = self.file, self.result, self.indicator_id
        for series_code, obs in no_indicator.items():
            result.error(
                Location(file, obs.line, SERIES if series_code else indicator_id),
                f"{obs.describe()}: no indicator code for series {series_code or '(none)'}: the "
                f"message has no {indicator_id}; map the series to an indicator "
                f"(series:{series_code or '<code>'}=15.1.1)",
                "no-indicator",
            )
        if no_place:
            result.error(
                Location(file, column=REF_AREA),
                "observations without REF_AREA: say which place the data are for",
                "no-place",
            )
        if len(frameworks) > 1:
            result.error(
                Location(file, column=FRAMEWORK),
                f"the series name more than one framework ({', '.join(sorted(frameworks))}); "
                "import one framework per file",
                "mixed-frameworks",
            )
        elif frameworks:
            result.framework = next(iter(frameworks))
        if missing:
            result.warn(
                Location(file, column=OBS_VALUE),
                f"{missing} observations have no value and were skipped",
                "no-value",
            )
        if not_kept:
            result.warn(
                Location(file),
                f"attributes not kept: {', '.join(sorted(not_kept))}",
                "attributes-not-kept",
            )


def _open(path: Path, result: ReadResult) -> bytes | None:
    file = path.name
    if not path.is_file():
        result.error(Location(file), "not a file", "not-found")
        return None
    if path.stat().st_size > MAX_FILE_BYTES:
        result.error(Location(file), f"larger than {MAX_FILE_BYTES // 2**20} MB", "too-large")
        return None
    result.files.append(fingerprint(path))
    raw = path.read_bytes()
    if not raw.strip():
        result.error(Location(file), "the file is empty", "empty")
        return None
    return raw


@contextlib.contextmanager
def _quiet_sdmx() -> Iterator[None]:
    # sdmx1 logs a warning for every structure-specific message read without its
    # structure, which is how Meadow reads them; the reader reports what matters itself.
    logger = logging.getLogger("sdmx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def read_ml(raw: bytes, file: str, result: ReadResult) -> list[Observation] | None:
    """The observations of an SDMX-ML data message, or None after reporting why not."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        result.error(
            Location(file, line, str(column)), f"malformed XML: {exc.msg}", "malformed-xml"
        )
        return None
    namespace = etree.QName(root).namespace or ""
    if not namespace.startswith(NS_SDMX):
        result.error(
            Location(file, root.sourceline),
            f"not an SDMX-ML message: the document is <{etree.QName(root).localname}>",
            "not-sdmx",
        )
        return None
    try:
        with _quiet_sdmx():
            message = sdmx.read_sdmx(io.BytesIO(raw), format="XML")
    except Exception as exc:  # sdmx1 raises many kinds for XML that is not SDMX
        result.error(
            Location(file),
            f"not an SDMX-ML message ({type(exc).__name__}: {exc})",
            "not-sdmx",
        )
        return None
    if isinstance(message, ErrorMessage):
        footer = getattr(message, "footer", None)
        text = "; ".join(str(t) for t in getattr(footer, "text", []))
        result.error(Location(file), f"an SDMX error message, not data: {text}", "not-data")
        return None
    if not isinstance(message, DataMessage) or isinstance(message, MetadataMessage):
        result.error(
            Location(file),
            f"an SDMX {type(message).__name__}, not a data message",
            "not-data",
        )
        return None
    # sdmx1 keeps no source lines; its observations come in document order, so the Obs
    # elements' lines are matched to them by position (when the counts agree).
    lines = [[obs.sourceline for obs in ds.iter("{*}Obs")] for ds in root.iter("{*}DataSet")]
    observations: list[Observation] = []
    for index, dataset in enumerate(message.data):
        label = f"data set {index + 1}" if len(message.data) > 1 else ""
        dataset_attributes = {k: _plain(v.value) for k, v in dataset.attrib.items()}
        flat = Group({}, dataset_attributes, label)
        groups: dict[int, Group] = {}
        obs_lines: list[int | None] = [None] * len(dataset.obs)
        if index < len(lines) and len(lines[index]) == len(dataset.obs):
            obs_lines = list(lines[index])
        for obs, line in zip(dataset.obs, obs_lines, strict=True):
            series_key = obs.series_key
            group = flat if series_key is None else groups.get(id(series_key))
            if group is None:
                group = groups[id(series_key)] = Group(
                    {kv.id: _plain(kv.value) for kv in series_key.values.values()},
                    {
                        **dataset_attributes,
                        **{k: _plain(v.value) for k, v in series_key.attrib.items()},
                    },
                    label,
                )
            own_key = obs.dimension.values.values() if obs.dimension is not None else []
            own_attributes = {k: _plain(v.value) for k, v in obs.attached_attribute.items()}
            for group_key in obs.group_keys:
                own_attributes.update({k: _plain(v.value) for k, v in group_key.attrib.items()})
            observations.append(
                Observation(
                    group,
                    {kv.id: _plain(kv.value) for kv in own_key},
                    own_attributes,
                    obs.value,
                    line=line,
                )
            )
    return observations


class _Malformed(Exception):
    """A JSON document that is not the SDMX-JSON data message it claims to be."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


def _get(container: Any, key: str | int, where: str) -> Any:
    try:
        return container[key]
    except (KeyError, IndexError, TypeError):
        raise _Malformed(where, f"no {key!r}") from None


def _name(item: dict[str, Any]) -> str:
    name = item.get("name")
    if isinstance(name, dict):
        return str(name.get("en") or next(iter(name.values()), ""))
    return str(name or "")


def _value_text(item: Any) -> str:
    """A dimension or attribute value in SDMX-JSON: its id, else its value or name."""
    if not isinstance(item, dict):
        return _plain(item)
    for field_name in ("id", "value"):
        if item.get(field_name) not in (None, ""):
            return _plain(item[field_name])
    return _name(item)


def _components(structure: Any, kind: str, level: str, where: str) -> list[dict[str, Any]]:
    section = structure.get(kind) or {}
    items = section.get(level) or []
    if not isinstance(items, list):
        raise _Malformed(f"{where}.{kind}.{level}", "not a list")
    return items


def _pick(components: list[dict[str, Any]], indices: list[Any], where: str) -> dict[str, str]:
    """Component id -> value for a list of value indices (None: no value)."""
    out: dict[str, str] = {}
    for component, index in zip(components, indices, strict=False):
        if index is None:
            continue
        values = _get(component, "values", where)
        if not isinstance(index, int) or not 0 <= index < len(values):
            raise _Malformed(where, f"{component.get('id')} has no value number {index!r}")
        out[str(_get(component, "id", where))] = _value_text(values[index])
    return out


def _layout(tree: Any) -> list[tuple[Any, Any]]:
    """(data set, structure) pairs of an SDMX-JSON 1.0 or 2.0 message."""
    if not isinstance(tree, dict):
        raise _Malformed("$", "not a JSON object")
    data = tree.get("data")
    if isinstance(data, dict) and isinstance(data.get("structures"), list):
        structures = data["structures"]
        pairs = []
        for i, dataset in enumerate(_get(data, "dataSets", "data") or []):
            number = dataset.get("structure", 0) if isinstance(dataset, dict) else 0
            pairs.append((dataset, _get(structures, number, f"data.dataSets[{i}].structure")))
        return pairs
    if isinstance(data, dict) and "structure" in data:
        structure = data["structure"]
        return [(d, structure) for d in (_get(data, "dataSets", "data") or [])]
    if "structure" in tree:
        return [(d, tree["structure"]) for d in (_get(tree, "dataSets", "$") or [])]
    if tree.get("errors"):
        raise _Malformed("errors", f"an SDMX error message: {json.dumps(tree['errors'])[:200]}")
    raise _Malformed("$", "no data.structure (or data.structures) and dataSets")


def _json_observations(tree: Any) -> list[Observation]:
    pairs = _layout(tree)
    observations: list[Observation] = []
    for number, (dataset, structure) in enumerate(pairs):
        at = f"dataSets[{number}]"
        if not isinstance(dataset, dict) or not isinstance(structure, dict):
            raise _Malformed(at, "not an object")
        dims = {
            level: _components(structure, "dimensions", level, "structure")
            for level in ("dataSet", "series", "observation")
        }
        attrs = {
            level: _components(structure, "attributes", level, "structure")
            for level in ("dataSet", "series", "observation")
        }
        measures = len(_components(structure, "measures", "observation", "structure")) or 1
        base_key = _pick(dims["dataSet"], [0] * len(dims["dataSet"]), f"{at} (data set key)")
        base_attrs = _pick(attrs["dataSet"], dataset.get("attributes") or [], f"{at}.attributes")
        groups: list[tuple[str, Group, Any]] = []
        for series_key, series in (dataset.get("series") or {}).items():
            where = f"{at}.series[{series_key!r}]"
            key = _pick(dims["series"], _indices(series_key, where), where)
            extra = _pick(attrs["series"], series.get("attributes") or [], f"{where}.attributes")
            group = Group({**base_key, **key}, {**base_attrs, **extra})
            groups.append((where, group, series.get("observations") or {}))
        if "observations" in dataset:
            groups.append((at, Group(base_key, base_attrs), dataset["observations"]))
        for where, group, obs_map in groups:
            if not isinstance(obs_map, dict):
                raise _Malformed(f"{where}.observations", "not an object")
            for obs_key, entry in obs_map.items():
                path = f"{where}.observations[{obs_key!r}]"
                if not isinstance(entry, list) or not entry:
                    raise _Malformed(path, "an observation is a non-empty list")
                observations.append(
                    Observation(
                        group,
                        _pick(dims["observation"], _indices(obs_key, path), path),
                        _pick(attrs["observation"], entry[measures:], path),
                        entry[0],
                        path=path,
                    )
                )
    return observations


def _indices(key: str, where: str) -> list[int]:
    if key == "":
        return []
    try:
        return [int(part) for part in key.split(":")]
    except ValueError:
        raise _Malformed(where, f"{key!r} is not a key of value numbers like 0:1:0") from None


def read_json(raw: bytes, file: str, result: ReadResult) -> list[Observation] | None:
    """The observations of an SDMX-JSON data message, or None after reporting why not."""
    try:
        tree = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        result.error(
            Location(file, line),
            f"not UTF-8: byte 0x{raw[exc.start]:02X} at offset {exc.start}",
            "encoding",
        )
        return None
    except json.JSONDecodeError as exc:
        result.error(
            Location(file, exc.lineno, str(exc.colno)),
            f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            "malformed-json",
        )
        return None
    try:
        return _json_observations(tree)
    except _Malformed as exc:
        result.error(
            Location(file, column=exc.where),
            f"not an SDMX-JSON data message: {exc.reason}",
            "not-sdmx",
        )
        return None


@register_reader
class SDMXMLReader(Reader):
    name = "sdmx-ml"
    label = "SDMX-ML 2.1 data message"

    def read(self, path: Path, options: ReadOptions) -> ReadResult:
        result = ReadResult(framework=options.framework or "sdg")
        raw = _open(path, result)
        if raw is None:
            return result
        observations = read_ml(raw, path.name, result)
        if observations is not None:
            _finish(observations, path.name, options, result)
        return result


@register_reader
class SDMXJSONReader(Reader):
    name = "sdmx-json"
    label = "SDMX-JSON data message"

    def read(self, path: Path, options: ReadOptions) -> ReadResult:
        result = ReadResult(framework=options.framework or "sdg")
        raw = _open(path, result)
        if raw is None:
            return result
        observations = read_json(raw, path.name, result)
        if observations is not None:
            _finish(observations, path.name, options, result)
        return result


def _finish(
    observations: list[Observation], file: str, options: ReadOptions, result: ReadResult
) -> None:
    if not observations:
        result.error(Location(file), "the message holds no observations", "empty")
        return
    _Interpreter(file, options, result).run(observations)


# Writing


def _sdmx_id(name: str, taken: set[str]) -> str:
    """A valid SDMX identifier for a dimension name, unique among ``taken``."""
    ident = re.sub(r"[^A-Za-z0-9_-]", "_", name.strip())
    if not SDMX_ID.fullmatch(ident):
        ident = f"D_{ident}"
    candidate, number = ident, 2
    while candidate in taken:
        candidate, number = f"{ident}_{number}", number + 1
    taken.add(candidate)
    return candidate


@dataclass(frozen=True, slots=True)
class Plan:
    """What an export writes: the key's dimensions, the series attributes and each series."""

    dimensions: list[tuple[str, str]]  # (id, name) in key order, TIME_PERIOD excluded
    attributes: list[tuple[str, str]]  # (id, name) of the series attributes
    series: list[tuple[ExportSeries, dict[str, str], dict[str, str]]]  # series, key, attributes
    renamed: str  # MEADOW_DIMENSIONS: JSON of the ids that are not their dimension's name


SERIES_ATTRIBUTES = (
    (INDICATOR, "Indicator"),
    ("UNIT_MEASURE", "Unit of measurement"),
    ("UNIT_MULT", "Unit multiplier"),
    (FRAMEWORK, "Framework"),
    (MEADOW_ATTRIBUTES, "Other attributes of the series"),
    ("SOURCE_DETAIL", "Source"),
    ("COMMENT_TS", "Footnote"),
)
# Series attributes that join the key, in this order, as far as needed to tell every
# series apart: a key names one series in SDMX, and Meadow series may differ in these.
KEY_CANDIDATES = (INDICATOR, "UNIT_MEASURE", "UNIT_MULT", FRAMEWORK, MEADOW_ATTRIBUTES)
OBSERVATION_ATTRIBUTES = (("OBS_STATUS", "Observation status"), ("COMMENT_OBS", "Comment"))


def plan(series: list[ExportSeries]) -> Plan:
    """Lay the series out on SDMX dimensions (missing breakdowns are totals, ``_T``)."""
    taken = {SERIES, REF_AREA, TIME_PERIOD, INDICATOR, FRAMEWORK, OBS_VALUE}
    taken |= {MEADOW_ATTRIBUTES, MEADOW_DIMENSIONS}
    taken |= set(ATTRIBUTE_ROLES) | set(OTHER_ATTRIBUTES) | set(CONTEXT_DIMENSIONS)
    names = sorted({d for item in series for d, _ in item.disaggregation})
    ids = {name: _sdmx_id(name, taken) for name in names}
    with_series = any(item.series_code for item in series)
    keys: list[dict[str, str]] = []
    values: list[dict[str, str]] = []
    for item in series:
        dims = dict(item.disaggregation)
        key = {SERIES: item.series_code or "_Z"} if with_series else {}
        key[REF_AREA] = item.place_m49 or item.place
        key.update({ids[n]: dims.get(n, "_T") for n in names})
        keys.append(key)
        values.append(
            {
                INDICATOR: item.indicator,
                "UNIT_MEASURE": item.unit,
                "UNIT_MULT": str(item.unit_multiplier) if item.unit_multiplier else "",
                FRAMEWORK: item.framework,
                MEADOW_ATTRIBUTES: _json(dict(item.attributes)) if item.attributes else "",
                "SOURCE_DETAIL": item.source,
                "COMMENT_TS": item.footnote,
            }
        )
    promoted: list[str] = []
    for candidate in (None, *KEY_CANDIDATES):
        if candidate:
            promoted.append(candidate)
        distinct = {
            (tuple(key.values()), tuple(v[p] for p in promoted))
            for key, v in zip(keys, values, strict=True)
        }
        if len(distinct) == len(series):
            break
    labels = dict(SERIES_ATTRIBUTES)
    dimensions = [(INDICATOR, labels[INDICATOR])] if INDICATOR in promoted else []
    dimensions += [(SERIES, "Series")] if with_series else []
    dimensions += [(REF_AREA, "Reference area"), *((ids[n], n) for n in names)]
    dimensions += [(p, labels[p]) for p in promoted if p != INDICATOR]
    order = [ident for ident, _ in dimensions]
    laid_out = []
    for item, key, v in zip(series, keys, values, strict=True):
        full = {**key, **{p: v[p] or "_Z" for p in promoted}}
        attributes = {k: text for k, text in v.items() if text and k not in promoted}
        laid_out.append((item, {ident: full[ident] for ident in order}, attributes))
    attribute_list = [(i, name) for i, name in SERIES_ATTRIBUTES if i not in promoted]
    renamed = {ident: name for name, ident in ids.items() if ident != name}
    return Plan(dimensions, attribute_list, laid_out, _json(renamed) if renamed else "")


def _json(mapping: dict[str, str]) -> str:
    return json.dumps(dict(sorted(mapping.items())), ensure_ascii=False, separators=(",", ":"))


def _message_id(series: list[ExportSeries]) -> str:
    digest = hashlib.sha256()
    for item in series:
        digest.update(repr((item.indicator, item.place, item.disaggregation)).encode())
        digest.update(repr(item.observations).encode())
    return f"MEADOW_{digest.hexdigest()[:16].upper()}"


@register_writer
class SDMXMLWriter(Writer):
    name = "sdmx-ml"
    label = "SDMX-ML 2.1 generic data message"
    media_type = "application/vnd.sdmx.genericdata+xml;version=2.1"
    extension = "xml"

    def write(self, series: list[ExportSeries], destination: Path) -> list[Path]:
        agency = common.Agency(id=AGENCY)
        # One data set per indicator, each with a structure of its own breakdowns: one
        # structure for all would repeat every indicator's dimensions in every key.
        groups: dict[tuple[str, str], list[ExportSeries]] = {}
        for item in series:
            groups.setdefault((item.framework, item.indicator), []).append(item)
        taken: set[str] = set()
        datasets = [
            _dataset(members, _sdmx_id(f"{DSD_ID}_{framework}_{code}".upper(), taken), agency)
            for (framework, code), members in groups.items()
        ]
        message = DataMessage(
            header=Header(id=_message_id(series), prepared=PREPARED, sender=agency),
            data=list(datasets),
            observation_dimension=v21.TimeDimension(id=TIME_PERIOD),
        )
        root = etree.fromstring(sdmx.to_xml(message))
        # sdmx1 2.x names every data message StructureSpecificData; this one is generic.
        root.tag = f"{{{NS_MESSAGE}}}GenericData"
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(
            etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)
        )
        return [destination]


def _dataset(series: list[ExportSeries], ident: str, agency: common.Agency) -> v21.DataSet:
    """A generic data set of the series, structured by a definition made for them."""
    laid_out = plan(series)
    dsd = v21.DataStructureDefinition(id=ident, maintainer=agency, version="1.0")
    for order, (dimension, _name) in enumerate(laid_out.dimensions):
        dsd.dimensions.getdefault(id=dimension, order=order)
    dsd.dimensions.append(v21.TimeDimension(id=TIME_PERIOD, order=len(laid_out.dimensions)))
    measure = dsd.measures.getdefault(id=OBS_VALUE)
    attribute = {
        name: dsd.attributes.getdefault(id=name)
        for name, _ in (*laid_out.attributes, *OBSERVATION_ATTRIBUTES)
    }
    dataset = v21.GenericDataSet(structured_by=dsd)
    if laid_out.renamed:
        dataset.attrib[MEADOW_DIMENSIONS] = common.AttributeValue(
            value=laid_out.renamed, value_for=dsd.attributes.getdefault(id=MEADOW_DIMENSIONS)
        )
    for item, key, attributes in laid_out.series:
        series_key = dsd.make_key(common.SeriesKey, key)
        for name, text in attributes.items():
            series_key.attrib[name] = common.AttributeValue(value=text, value_for=attribute[name])
        observations = []
        for period, value, status, comment in item.observations:
            obs = v21.Observation(
                dimension=dsd.make_key(common.Key, {TIME_PERIOD: period}),
                value=value,
                value_for=measure,
                series_key=series_key,
            )
            for name, text in (("OBS_STATUS", status), ("COMMENT_OBS", comment)):
                if text:
                    obs.attached_attribute[name] = common.AttributeValue(
                        value=text, value_for=attribute[name]
                    )
            observations.append(obs)
        dataset.add_obs(observations, series_key)
    return dataset


class _Values:
    """The value list of one SDMX-JSON component, and each value's position in it."""

    def __init__(self, attribute: bool = False) -> None:
        self.attribute = attribute
        self.items: list[dict[str, str]] = []
        self.index: dict[str, list[int]] = {}

    def position(self, text: str, name: str = "", occurrence: int = 0) -> int:
        """Where ``text`` is in the list; ``occurrence`` 1, 2... asks for another entry."""
        positions = self.index.setdefault(text, [])
        while len(positions) <= occurrence:
            positions.append(len(self.items))
            # An attribute's free text (a comment, 15.1.1) is not an SDMX identifier.
            field_name = "value" if self.attribute and not SDMX_VALUE.fullmatch(text) else "id"
            self.items.append({field_name: text, "name": name or text})
        return positions[occurrence]


@register_writer
class SDMXJSONWriter(Writer):
    name = "sdmx-json"
    label = "SDMX-JSON 1.0 data message"
    media_type = "application/vnd.sdmx.data+json;version=1.0.0"
    extension = "json"

    def write(self, series: list[ExportSeries], destination: Path) -> list[Path]:
        laid_out = plan(series)
        dims = {ident: _Values() for ident, _ in laid_out.dimensions}
        times = _Values()
        series_attrs = {ident: _Values(attribute=True) for ident, _ in laid_out.attributes}
        obs_attrs = {ident: _Values(attribute=True) for ident, _ in OBSERVATION_ATTRIBUTES}
        body: dict[str, Any] = {}
        for item, key, attributes in laid_out.series:
            names = {INDICATOR: item.indicator_title, REF_AREA: item.place_name}
            series_key = ":".join(
                str(dims[d].position(key[d], names.get(d, ""))) for d, _ in laid_out.dimensions
            )
            attribute_indices = [
                series_attrs[ident].position(attributes[ident], names.get(ident, ""))
                if ident in attributes
                else None
                for ident, _ in laid_out.attributes
            ]
            observations = {}
            seen: dict[str, int] = {}
            for period, value, status, comment in item.observations:
                # A source may give a period twice; a second entry of the same period in
                # the time values keeps both observations apart.
                occurrence = seen.get(period, 0)
                seen[period] = occurrence + 1
                entry: list[Any] = [value]
                entry += [
                    obs_attrs[ident].position(text) if text else None
                    for (ident, _), text in zip(
                        OBSERVATION_ATTRIBUTES, (status, comment), strict=True
                    )
                ]
                observations[str(times.position(period, occurrence=occurrence))] = entry
            body[series_key] = {"attributes": attribute_indices, "observations": observations}
        structure = {
            "name": "Meadow indicator data",
            "dimensions": {
                "dataSet": [],
                "series": [
                    {
                        "id": ident,
                        "name": name,
                        "keyPosition": position,
                        "values": dims[ident].items,
                    }
                    for position, (ident, name) in enumerate(laid_out.dimensions)
                ],
                "observation": [
                    {
                        "id": TIME_PERIOD,
                        "name": "Time period",
                        "keyPosition": len(laid_out.dimensions),
                        "role": "time",
                        "values": times.items,
                    }
                ],
            },
            "attributes": {
                "dataSet": [
                    {
                        "id": MEADOW_DIMENSIONS,
                        "name": "Names of the dimensions whose identifiers differ",
                        "values": [{"value": laid_out.renamed, "name": laid_out.renamed}],
                    }
                ]
                if laid_out.renamed
                else [],
                "series": [
                    {"id": ident, "name": name, "values": series_attrs[ident].items}
                    for ident, name in laid_out.attributes
                ],
                "observation": [
                    {"id": ident, "name": name, "values": obs_attrs[ident].items}
                    for ident, name in OBSERVATION_ATTRIBUTES
                ],
            },
        }
        document = {
            "meta": {
                "id": _message_id(series),
                "test": False,
                "prepared": PREPARED.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "sender": {"id": AGENCY, "name": "Meadow"},
            },
            "data": {
                "structure": structure,
                "dataSets": [
                    {
                        "action": "Information",
                        **({"attributes": [0]} if laid_out.renamed else {}),
                        "series": body,
                    }
                ],
            },
        }
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(
            json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        return [destination]
