"""The places reader on the real sources and on broken copies of them (no database)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from meadow.frameworks.sources import SourceError
from meadow.places import sources
from meadow.places.loaders import DATA
from meadow.places.models import GroupKind, PlaceKind

from .conftest import Edit


def line_with(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    matches = [number for number, line in enumerate(lines, start=1) if text in line]
    assert len(matches) == 1, f"{text!r} is on lines {matches} of {path.name}"
    return matches[0]


@pytest.fixture(scope="module")
def spec() -> sources.PlacesSpec:
    return sources.read(DATA)


def test_counts_match_the_m49_overview(spec: sources.PlacesSpec) -> None:
    # country-codes.csv and each UNSD file list 249 countries and areas; their region
    # columns name 5 regions, 17 sub-regions and 7 intermediate regions under the world.
    kinds = Counter(p.kind for p in spec.places)
    assert kinds == {
        "country": 249,
        "region": 5,
        "sub-region": 17,
        "intermediate-region": 7,
        "world": 1,
    }
    assert len({p.code for p in spec.places}) == 279


def test_kinds_agree_with_the_models() -> None:
    assert tuple(PlaceKind.values) == sources.PLACE_KINDS
    assert tuple(GroupKind.values) == sources.GROUP_KINDS


def test_a_spelling_used_on_most_rows_wins(spec: sources.PlacesSpec) -> None:
    # Eastern Asia is "Asie de l'Est" on the Taiwan row of UNSD-fr.csv and "Asie orientale"
    # on the six others; "Весь Мир" appears once in UNSD-ru.csv beside 248 "Весь мир".
    by_code = {p.code: p for p in spec.places}
    assert by_code["030"].name["fr"] == "Asie orientale"
    assert by_code["001"].name["ru"] == "Весь мир"


def test_antarctica_hangs_from_the_world(spec: sources.PlacesSpec) -> None:
    antarctica = next(p for p in spec.places if p.code == "ATA")
    assert antarctica.parent_code == "001"


def test_every_weight_names_a_country(spec: sources.PlacesSpec) -> None:
    countries = {p.code for p in spec.places if p.kind == "country"}
    for weight_set in spec.weight_sets:
        assert set(weight_set.values) <= countries
    assert {w.slug for w in spec.weight_sets} == {"population", "area"}


def test_bad_m49_code_names_file_line_and_country(data_copy: Path, edit: Edit) -> None:
    path = data_copy / "m49" / "country-codes.csv"
    line = line_with(path, "the Republic of Kenya")
    edit(path, "Кения,404,202,2,", "Кения,4O4,202,2,")
    with pytest.raises(SourceError) as caught:
        sources.read(data_copy)
    assert caught.value.path.endswith("country-codes.csv")
    assert caught.value.line == line
    assert caught.value.element == "KEN"
    assert str(caught.value).startswith(f"country-codes.csv, line {line} [KEN]: M49 code '4O4'")


def test_bad_iso3_code_is_refused(data_copy: Path, edit: Edit) -> None:
    path = data_copy / "m49" / "country-codes.csv"
    line = line_with(path, "the Republic of Kenya")
    edit(path, "KEN,254,KEN,", "KEN,254,Ken,")
    with pytest.raises(SourceError, match=r"country-codes.csv, line \d+ \[Ken\]") as caught:
        sources.read(data_copy)
    assert caught.value.line == line


def test_unknown_iso3_in_a_group_file(data_copy: Path, edit: Edit) -> None:
    path = data_copy / "countrygroups" / "countrygroups_0.13.0.csv"
    edit(path, "UN_REGIONAL_GROUPS,AFRICAN_GROUP,KEN\n", "UN_REGIONAL_GROUPS,AFRICAN_GROUP,KEX\n")
    line = line_with(path, "AFRICAN_GROUP,KEX")
    with pytest.raises(SourceError) as caught:
        sources.read(data_copy)
    assert str(caught.value) == (
        f"countrygroups_0.13.0.csv, line {line} [KEX]: KEX is not a known country or area"
    )


def test_wrong_column_header(data_copy: Path, edit: Edit) -> None:
    path = data_copy / "m49" / "UNSD-fr.csv"
    edit(path, '"Sub-region Name"', '"Subregion Name"')
    with pytest.raises(SourceError, match=r"^UNSD-fr.csv, line 1: expected columns"):
        sources.read(data_copy)


def test_missing_column(data_copy: Path, edit: Edit) -> None:
    path = data_copy / "m49" / "country-codes.csv"
    edit(path, ",official_name_cn,", ",official_name_zh,")
    with pytest.raises(SourceError, match=r"^country-codes.csv, line 1: column 'official_name_cn'"):
        sources.read(data_copy)


def test_file_that_is_not_utf8(data_copy: Path) -> None:
    path = data_copy / "m49" / "UNSD-ru.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1251"))
    # The header is ASCII; the first Cyrillic name is on line 2.
    with pytest.raises(SourceError, match=r"^UNSD-ru.csv, line 2: not UTF-8 text"):
        sources.read(data_copy)


def test_region_code_that_disagrees_between_files(data_copy: Path, edit: Edit) -> None:
    path = data_copy / "m49" / "UNSD-es.csv"
    line = line_with(path, '"KEN"')
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    text[line - 1] = text[line - 1].replace('"014"', '"017"', 1)
    path.write_text("".join(text), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        sources.read(data_copy)
    assert (caught.value.line, caught.value.element) == (line, "KEN")
    assert "Intermediate Region Code 017 differs" in str(caught.value)


def test_unknown_flag_value(data_copy: Path, edit: Edit) -> None:
    path = data_copy / "m49" / "country-codes.csv"
    edit(path, "Afghanistan,AFGHANISTAN,x,", "Afghanistan,AFGHANISTAN,yes,")
    with pytest.raises(SourceError, match=r"line 2 \[AFG\]: Least Developed Countries"):
        sources.read(data_copy)


def test_negative_weight(data_copy: Path, edit: Edit) -> None:
    path = data_copy / "countryinfo" / "weights.csv"
    edit(path, "KEN,41800000,", "KEN,-41800000,")
    line = line_with(path, "KEN,")
    with pytest.raises(SourceError) as caught:
        sources.read(data_copy)
    assert str(caught.value) == (
        f"weights.csv, line {line} [KEN]: population: '-41800000' is not a number of zero or more"
    )


def test_weight_for_an_unknown_country(data_copy: Path, edit: Edit) -> None:
    path = data_copy / "countryinfo" / "weights.csv"
    edit(path, "KEN,41800000,", "KNY,41800000,")
    with pytest.raises(SourceError, match=r"^weights.csv, line \d+ \[KNY\]"):
        sources.read(data_copy)


def test_group_definition_naming_an_unknown_place(data_copy: Path, edit: Edit) -> None:
    path = data_copy / "groups.json"
    edit(path, '"members": {"m49": "sids"}', '"members": {"places": ["FJI", "XXX"]}')
    line = line_with(path, '"slug": "sids"')
    with pytest.raises(SourceError) as caught:
        sources.read(data_copy)
    assert str(caught.value) == (
        f"groups.json, line {line} [group/sids]: XXX is not a known country or area"
    )


def test_group_definition_that_is_not_json(data_copy: Path, edit: Edit) -> None:
    path = data_copy / "groups.json"
    edit(path, '"slug": "lldc",', '"slug": "lldc"')
    with pytest.raises(SourceError, match=r"^groups.json, line \d+: not valid JSON"):
        sources.read(data_copy)


def test_ragged_row(data_copy: Path, edit: Edit) -> None:
    path = data_copy / "m49" / "UNSD-en.csv"
    edit(path, "Kenya,404,KE,KEN,,,", "Kenya,404,KE,KEN,,")
    line = line_with(path, "Kenya,404")
    with pytest.raises(SourceError, match=rf"^UNSD-en.csv, line {line}: expected 15 fields"):
        sources.read(data_copy)
