"""The Sustainable Development Goals: 17 goals, 169 targets and the global indicator list.

Read from the Open SDG translation files (``global_goals.yml``, ``global_targets.yml``,
``global_indicators.yml``), one folder per language. Keys look like ``15-title``
(goal), ``15-1-title`` (target) and ``15-1-1-title`` (indicator); goals also have a
``-short`` title.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from meadow.frameworks.sources import ElementSpec, FrameworkSpec, SourceError, read_text

# Folder name -> content language.
FOLDERS = {"en": "en", "fr": "fr", "es": "es", "ru": "ru", "ar": "ar", "zh-Hans": "zh"}
KEY = re.compile(r"^(?P<code>\d{1,2}(?:-[0-9a-z]{1,2}){0,2})-(?P<field>title|short)$")


def _load(path: Path) -> list[tuple[str, str, int]]:
    text = read_text(path)
    try:
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise SourceError(
            path,
            f"not valid YAML: {getattr(exc, 'problem', exc)}",
            line=(mark.line + 1) if mark else None,
        ) from None
    if node is None:
        raise SourceError(path, "file is empty")
    if not isinstance(node, yaml.MappingNode):
        raise SourceError(path, "expected a mapping of keys to titles", line=1)
    out = []
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(value_node, yaml.ScalarNode):
            raise SourceError(path, "title is not text", line=line, element=str(key_node.value))
        out.append((str(key_node.value), " ".join(str(value_node.value).split()), line))
    return out


def _sort_key(code: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))


def read(directory: Path) -> FrameworkSpec:
    titles: dict[tuple[str, str], dict[str, str]] = {}
    files: list[Path] = []
    for folder, lang in FOLDERS.items():
        for kind, expected_parts in (("goals", 1), ("targets", 2), ("indicators", 3)):
            path = directory / folder / f"global_{kind}.yml"
            files.append(path)
            for key, value, line in _load(path):
                match = KEY.match(key)
                parts = match.group("code").split("-") if match else []
                if not match or len(parts) != expected_parts:
                    raise SourceError(
                        path, f"key {key!r} is not a {kind[:-1]} title key", line=line, element=key
                    )
                if not value:
                    raise SourceError(path, "empty title", line=line, element=key)
                code = ".".join(parts)
                titles.setdefault((code, match.group("field")), {})[lang] = value
            if lang == "en" and not any(k for k in titles):
                raise SourceError(path, "no titles found")

    elements: list[ElementSpec] = []
    codes = sorted({code for code, _ in titles}, key=_sort_key)
    known = set(codes)
    for order, code in enumerate(codes, start=1):
        depth = code.count(".")
        level = ("goal", "target", "indicator")[depth]
        parent = code.rsplit(".", 1)[0] if depth else None
        parent_level = ("goal", "target")[depth - 1] if depth else None
        if parent is not None and parent not in known:
            path = directory / "en" / f"global_{level}s.yml"
            raise SourceError(
                path,
                f"{level} {code} has no parent {parent_level} {parent}",
                element=f"sdg/{level}/{code}",
            )
        title = titles.get((code, "title"), {})
        if "en" not in title:
            path = directory / "en" / f"global_{level}s.yml"
            raise SourceError(
                path, f"{level} {code} has no English title", element=f"sdg/{level}/{code}"
            )
        elements.append(
            ElementSpec(
                uid=f"sdg/{level}/{code}",
                level=level,
                code=code,
                order=order,
                title=dict(sorted(title.items())),
                short_title=dict(sorted(titles.get((code, "short"), {}).items())),
                parent_uid=f"sdg/{parent_level}/{parent}" if parent else None,
            )
        )
    return FrameworkSpec(
        slug="sdg",
        name={
            "en": "Sustainable Development Goals",
            "fr": "Objectifs de développement durable",
            "es": "Objetivos de Desarrollo Sostenible",
            "zh": "可持续发展目标",
            "ru": "Цели в области устойчивого развития",
            "ar": "أهداف التنمية المستدامة",
        },
        version="Open SDG translations 2.4.0+",
        source="UN General Assembly resolutions 70/1 and 71/313 (global indicator framework)",
        source_url="https://unstats.un.org/sdgs/indicators/indicators-list/",
        licence="MIT (translations compilation)",
        order=3,
        elements=elements,
        files=files,
    )
