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
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
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
OTHER_ATTRIBUTES = frozenset(
    {
        "NATURE",
        "TIME_DETAIL",
        "TIME_COVERAGE",
        "BASE_PER",
        "UPPER_BOUND",
        "LOWER_BOUND",
        "GEO_INFO_TYPE",
        "GEO_INFO_URL",
        "GEO_INFO_NAME",
        "DATA_LAST_UPDATE",
        "CUST_BREAKDOWN_LB",
        "TITLE",
        "DECIMALS",
        "TIME_FORMAT",
        "OBS_CONF",
        "OBS_PRE_BREAK",
        "COLLECTION",
        "COMMENT_DSET",
    }
)
CONTEXT_DIMENSIONS = ("FREQ", "REPORTING_TYPE")
NOT_A_BREAKDOWN = {"_T", "_Z"}
SDG_CODE = re.compile(r"C(\d{2})(\d{2})(\d{2})")
MONTH = re.compile(r"(\d{4})-(\d{2})")
SDMX_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
AGENCY = "MEADOW"
DSD_ID = "MEADOW_INDICATOR_DATA"
# A fixed preparation time keeps the output the same for the same data.
PREPARED = datetime(2000, 1, 1)
NS_MESSAGE = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"


@dataclass(slots=True)
class Observation:
    """One observation of any SDMX message, before Meadow's reading of its components."""

    key: dict[str, str]  # dimension id -> value
    attributes: dict[str, str]  # attribute id -> value
    value: Any
    where: str  # the observation's key or place in the message, for problems
    line: int | None = None  # in SDMX-ML, the line of its Obs element


@dataclass(slots=True)
class _Tally:
    not_kept: set[str] = field(default_factory=set)
    missing_values: int = 0
    no_indicator: dict[str, str] = field(default_factory=dict)


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


def to_records(
    observations: list[Observation], file: str, options: ReadOptions, result: ReadResult
) -> None:
    """Read Meadow's records from SDMX observations, with every problem found."""
    series_map = {
        key.removeprefix("series:"): value
        for key, value in options.columns.items()
        if key.startswith("series:")
    }
    indicator_id = options.columns.get("indicator", INDICATOR)
    roles = {SERIES, REF_AREA, TIME_PERIOD, indicator_id, FRAMEWORK, *ATTRIBUTE_ROLES}
    constant = {
        dim
        for dim in CONTEXT_DIMENSIONS
        if len({o.key.get(dim, o.attributes.get(dim)) for o in observations}) <= 1
    }
    tally = _Tally()
    lines: dict[str, int | None] = {}
    frameworks: dict[str, str] = {}
    no_place = False
    for obs in observations:
        components = {**obs.attributes, **obs.key}
        where = obs.where
        dims: dict[str, str] = {}
        for cid, text in components.items():
            if cid in roles or cid in constant:
                continue
            if cid in OTHER_ATTRIBUTES or cid in obs.attributes:
                if text:
                    tally.not_kept.add(cid)
                continue
            if text not in NOT_A_BREAKDOWN:
                dims[cid] = text
        series_code = components.get(SERIES, "")
        series_code = "" if series_code in NOT_A_BREAKDOWN else series_code
        if series_code in series_map:
            indicators = _indicator_codes(series_map[series_code])
        else:
            indicators = _indicator_codes(components.get(indicator_id, ""))
        if not indicators:
            tally.no_indicator.setdefault(series_code, where)
            lines.setdefault(series_code, obs.line)
        if framework := components.get(FRAMEWORK, "").lower():
            frameworks.setdefault(framework, where)
        value_text = _plain(obs.value)
        if value_text in ("", "NaN", "nan"):
            tally.missing_values += 1
            continue
        value = parse_number(value_text)
        if value is None:
            result.error(
                Location(file, obs.line, OBS_VALUE),
                f"{where}: {value_text!r} is not a number",
                "not-a-number",
            )
        period = _period(components.get(TIME_PERIOD, ""), components.get(FREQ, ""))
        if not period:
            result.error(
                Location(file, obs.line, TIME_PERIOD), f"{where}: no period", "empty-period"
            )
        else:
            try:
                periods.parse(period)
            except periods.PeriodError as exc:
                result.error(Location(file, obs.line, TIME_PERIOD), f"{where}: {exc}", "bad-period")
                period = ""
        place = components.get(REF_AREA, "") or options.place
        if not place:
            no_place = True
        multiplier = 0
        if multiplier_text := components.get("UNIT_MULT", ""):
            try:
                multiplier = int(multiplier_text)
            except ValueError:
                result.error(
                    Location(file, obs.line, "UNIT_MULT"),
                    f"{where}: {multiplier_text!r} is not a whole power of ten",
                    "bad-multiplier",
                )
        if value is None or not period or not place:
            continue
        attributes = {
            role: components.get(cid, "")
            for cid, role in ATTRIBUTE_ROLES.items()
            if role != "unit_multiplier" and components.get(cid)
        }
        for indicator in indicators:
            result.records.append(
                Record(
                    indicator=indicator,
                    place=place,
                    period=period,
                    value=value,
                    location=Location(file, obs.line, "" if obs.line else where),
                    disaggregation=disaggregation(dims),
                    unit=attributes.get("unit", ""),
                    unit_multiplier=multiplier,
                    status=attributes.get("status", ""),
                    comment=attributes.get("comment", ""),
                    series_code=series_code,
                    source=attributes.get("source", ""),
                    footnote=attributes.get("footnote", ""),
                )
            )
    for series_code, where in tally.no_indicator.items():
        result.error(
            Location(file, lines.get(series_code), SERIES if series_code else indicator_id),
            f"{where}: no indicator code for series {series_code or '(none)'}: the message has "
            f"no {indicator_id}; map the series to an indicator "
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
    if tally.missing_values:
        result.warn(
            Location(file, column=OBS_VALUE),
            f"{tally.missing_values} observations have no value and were skipped",
            "no-value",
        )
    if tally.not_kept:
        result.warn(
            Location(file),
            f"attributes not kept: {', '.join(sorted(tally.not_kept))}",
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


def _key_text(key: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in key.items())


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
        dataset_attributes = {k: _plain(v.value) for k, v in dataset.attrib.items()}
        obs_lines: list[int | None] = [None] * len(dataset.obs)
        if index < len(lines) and len(lines[index]) == len(dataset.obs):
            obs_lines = list(lines[index])
        for obs, line in zip(dataset.obs, obs_lines, strict=True):
            key = {kv.id: _plain(kv.value) for kv in obs.key.values.values()}
            attributes = {
                **dataset_attributes,
                **{k: _plain(v.value) for k, v in obs.attrib.items()},
            }
            prefix = f"data set {index + 1}: " if len(message.data) > 1 else ""
            observations.append(Observation(key, attributes, obs.value, prefix + _key_text(key)))
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
    raise _Malformed("$", "no data.structure(s) and dataSets: not an SDMX-JSON data message")


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
        groups: list[tuple[str, dict[str, str], dict[str, str], Any]] = []
        for series_key, series in (dataset.get("series") or {}).items():
            where = f"{at}.series[{series_key!r}]"
            key = _pick(dims["series"], _indices(series_key, where), where)
            extra = _pick(attrs["series"], series.get("attributes") or [], f"{where}.attributes")
            groups.append((where, key, extra, series.get("observations") or {}))
        if "observations" in dataset:
            groups.append((at, {}, {}, dataset["observations"]))
        for where, key, extra, obs_map in groups:
            if not isinstance(obs_map, dict):
                raise _Malformed(f"{where}.observations", "not an object")
            for obs_key, entry in obs_map.items():
                place = f"{where}.observations[{obs_key!r}]"
                if not isinstance(entry, list) or not entry:
                    raise _Malformed(place, "an observation is a non-empty list")
                full_key = {
                    **base_key,
                    **key,
                    **_pick(dims["observation"], _indices(obs_key, place), place),
                }
                attributes = {
                    **base_attrs,
                    **extra,
                    **_pick(attrs["observation"], entry[measures:], place),
                }
                observations.append(
                    Observation(full_key, attributes, entry[0], f"{place} ({_key_text(full_key)})")
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
    to_records(observations, file, options, result)


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
    """What an export writes: dimension ids in key order and each series' values."""

    dimensions: list[tuple[str, str]]  # (id, name) in key order, TIME_PERIOD excluded
    series: list[tuple[ExportSeries, dict[str, str], dict[str, str]]]  # series, key, attributes


SERIES_ATTRIBUTES = (
    (INDICATOR, "Indicator"),
    (FRAMEWORK, "Framework"),
    ("UNIT_MEASURE", "Unit of measurement"),
    ("UNIT_MULT", "Unit multiplier"),
    ("SOURCE_DETAIL", "Source"),
    ("COMMENT_TS", "Footnote"),
)
OBSERVATION_ATTRIBUTES = (("OBS_STATUS", "Observation status"), ("COMMENT_OBS", "Comment"))


def plan(series: list[ExportSeries]) -> Plan:
    """Lay the series out on SDMX dimensions (missing breakdowns are totals, ``_T``)."""
    taken = {SERIES, REF_AREA, TIME_PERIOD, INDICATOR, FRAMEWORK, OBS_VALUE}
    taken |= set(ATTRIBUTE_ROLES) | set(OTHER_ATTRIBUTES) | set(CONTEXT_DIMENSIONS)
    names = sorted({d for item in series for d, _ in item.disaggregation})
    ids = {name: _sdmx_id(name, taken) for name in names}
    with_series = any(item.series_code for item in series)
    dimensions = [(SERIES, "Series")] if with_series else []
    dimensions += [(REF_AREA, "Reference area")] + [(ids[n], n) for n in names]
    laid_out = []
    for item in series:
        dims = dict(item.disaggregation)
        key = {REF_AREA: item.place_m49 or item.place}
        if with_series:
            key = {SERIES: item.series_code or "_Z", **key}
        key.update({ids[n]: dims.get(n, "_T") for n in names})
        attributes = {
            INDICATOR: item.indicator,
            FRAMEWORK: item.framework,
            "UNIT_MEASURE": item.unit,
            "UNIT_MULT": str(item.unit_multiplier) if item.unit_multiplier else "",
            "SOURCE_DETAIL": item.source,
            "COMMENT_TS": item.footnote,
        }
        laid_out.append((item, key, {k: v for k, v in attributes.items() if v}))
    return Plan(dimensions, laid_out)


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
        laid_out = plan(series)
        agency = common.Agency(id=AGENCY)
        dsd = v21.DataStructureDefinition(id=DSD_ID, maintainer=agency, version="1.0")
        for order, (ident, _name) in enumerate(laid_out.dimensions):
            dsd.dimensions.getdefault(id=ident, order=order)
        time = v21.TimeDimension(id=TIME_PERIOD, order=len(laid_out.dimensions))
        dsd.dimensions.append(time)
        measure = dsd.measures.getdefault(id=OBS_VALUE)
        attribute = {
            ident: dsd.attributes.getdefault(id=ident)
            for ident, _ in (*SERIES_ATTRIBUTES, *OBSERVATION_ATTRIBUTES)
        }
        dataset = v21.GenericDataSet(structured_by=dsd)
        for item, key, attributes in laid_out.series:
            series_key = dsd.make_key(common.SeriesKey, key)
            for ident, text in attributes.items():
                series_key.attrib[ident] = common.AttributeValue(
                    value=text, value_for=attribute[ident]
                )
            observations = []
            for period, value, status, comment in item.observations:
                obs = v21.Observation(
                    dimension=dsd.make_key(common.Key, {TIME_PERIOD: period}),
                    value=value,
                    value_for=measure,
                    series_key=series_key,
                )
                for ident, text in (("OBS_STATUS", status), ("COMMENT_OBS", comment)):
                    if text:
                        obs.attached_attribute[ident] = common.AttributeValue(
                            value=text, value_for=attribute[ident]
                        )
                observations.append(obs)
            dataset.add_obs(observations, series_key)
        message = DataMessage(
            header=Header(id=_message_id(series), prepared=PREPARED, sender=agency),
            data=[dataset],
            observation_dimension=time,
        )
        root = etree.fromstring(sdmx.to_xml(message))
        # sdmx1 2.x names every data message StructureSpecificData; this one is generic.
        root.tag = f"{{{NS_MESSAGE}}}GenericData"
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(
            etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)
        )
        return [destination]


class _Values:
    """The value list of one SDMX-JSON component, and each value's position in it."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []
        self.index: dict[str, int] = {}

    def position(self, text: str, name: str = "") -> int:
        if text not in self.index:
            self.index[text] = len(self.items)
            self.items.append({"id": text, "name": name or text})
        return self.index[text]


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
        series_attrs = {ident: _Values() for ident, _ in SERIES_ATTRIBUTES}
        obs_attrs = {ident: _Values() for ident, _ in OBSERVATION_ATTRIBUTES}
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
                for ident, _ in SERIES_ATTRIBUTES
            ]
            observations = {}
            for period, value, status, comment in item.observations:
                entry: list[Any] = [value]
                entry += [
                    obs_attrs[ident].position(text) if text else None
                    for (ident, _), text in zip(
                        OBSERVATION_ATTRIBUTES, (status, comment), strict=True
                    )
                ]
                observations[str(times.position(period))] = entry
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
                "dataSet": [],
                "series": [
                    {"id": ident, "name": name, "values": series_attrs[ident].items}
                    for ident, name in SERIES_ATTRIBUTES
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
                "dataSets": [{"action": "Information", "series": body}],
            },
        }
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(
            json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        return [destination]
