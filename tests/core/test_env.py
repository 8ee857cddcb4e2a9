"""Settings from environment variables: strict parsing, clear errors, a key made once."""

from __future__ import annotations

import stat
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meadow.config import env
from meadow.config.env import SettingError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts from the declared defaults, whatever the shell running it set."""
    for name in env.SETTINGS:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "yes", "On", " true "])
def test_bool_true(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("MEADOW_DEBUG", value)
    assert env.get_bool("MEADOW_DEBUG") is True


@pytest.mark.parametrize("value", ["0", "false", "No", "off", ""])
def test_bool_false(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("MEADOW_DEBUG", value)
    assert env.get_bool("MEADOW_DEBUG") is False


def test_bool_defaults_to_off() -> None:
    assert env.get_bool("MEADOW_DEBUG") is False
    assert env.get_bool("MEADOW_SECURE_COOKIES") is False


@pytest.mark.parametrize("value", ["maybe", "2", "truthy", "y e s"])
def test_bad_bool_names_the_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("MEADOW_SECURE_COOKIES", value)
    with pytest.raises(SettingError, match="MEADOW_SECURE_COOKIES"):
        env.get_bool("MEADOW_SECURE_COOKIES")


def test_list_splits_on_commas_and_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEADOW_ALLOWED_HOSTS", " meadow.example.org, ,localhost,")
    assert env.get_list("MEADOW_ALLOWED_HOSTS") == ["meadow.example.org", "localhost"]


def test_list_default_and_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env.get_list("MEADOW_ALLOWED_HOSTS") == ["127.0.0.1", "localhost"]
    monkeypatch.setenv("MEADOW_ALLOWED_HOSTS", "")
    assert env.get_list("MEADOW_ALLOWED_HOSTS") == []


def test_choice_is_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    levels = {"DEBUG", "INFO", "WARNING", "ERROR"}
    assert env.get_choice("MEADOW_LOG_LEVEL", levels) == "INFO"
    monkeypatch.setenv("MEADOW_LOG_LEVEL", "warning")
    assert env.get_choice("MEADOW_LOG_LEVEL", levels) == "WARNING"


def test_bad_choice_names_variable_and_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEADOW_LOG_LEVEL", "loud")
    with pytest.raises(SettingError, match=r"MEADOW_LOG_LEVEL='LOUD'.*DEBUG, ERROR, INFO"):
        env.get_choice("MEADOW_LOG_LEVEL", {"DEBUG", "INFO", "WARNING", "ERROR"})


def test_path_relative_to_base_or_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert env.get_path("MEADOW_DATA_DIR", tmp_path) == tmp_path / "var"
    monkeypatch.setenv("MEADOW_DATA_DIR", "data/meadow")
    assert env.get_path("MEADOW_DATA_DIR", tmp_path) == tmp_path / "data/meadow"
    monkeypatch.setenv("MEADOW_DATA_DIR", "/srv/meadow")
    assert env.get_path("MEADOW_DATA_DIR", tmp_path) == Path("/srv/meadow")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MEADOW_DATA_DIR", "~/meadow")
    assert env.get_path("MEADOW_DATA_DIR", Path("/elsewhere")) == tmp_path / "home/meadow"


def test_undeclared_setting_is_a_programming_error() -> None:
    with pytest.raises(KeyError, match="MEADOW_NOT_A_SETTING"):
        env.get_str("MEADOW_NOT_A_SETTING")


def test_every_setting_is_meadow_prefixed_and_described() -> None:
    for name, setting in env.SETTINGS.items():
        assert name == setting.name
        assert name.startswith("MEADOW_")
        assert setting.description.endswith(".")


def test_database_url_in_full() -> None:
    config = env.parse_database_url(
        "postgres://meadow:s%40cret@db.example.org:6543/meadow_prod?sslmode=require"
    )
    assert config == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "meadow_prod",
        "USER": "meadow",
        "PASSWORD": "s@cret",
        "HOST": "db.example.org",
        "PORT": "6543",
        "OPTIONS": {"sslmode": "require"},
        "CONN_MAX_AGE": 60,
    }


def test_database_url_minimal() -> None:
    config = env.parse_database_url("postgresql:///meadow")
    assert (config["NAME"], config["USER"], config["HOST"], config["PORT"]) == (
        "meadow",
        "",
        "",
        "",
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/meadow", "scheme 'mysql' is not supported"),
        ("sqlite:///meadow.sqlite3", "scheme 'sqlite' is not supported"),
        ("db.example.org/meadow", "scheme '' is not supported"),
        ("postgres://postgres@localhost:5432/", "database name is missing"),
        ("postgres://postgres@localhost", "database name is missing"),
        ("postgres://postgres@localhost:port/meadow", "bad port"),
        ("postgres://postgres@localhost:99999/meadow", "bad port"),
    ],
)
def test_bad_database_url(url: str, message: str) -> None:
    with pytest.raises(SettingError, match="MEADOW_DATABASE_URL") as error:
        env.parse_database_url(url)
    assert message in str(error.value)


hostnames = st.from_regex(
    r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z][a-z0-9]{0,10}){0,3}", fullmatch=True
)
free_text = st.text(st.characters(codec="utf-8"), min_size=1, max_size=30)


@given(
    user=free_text,
    password=free_text,
    host=hostnames,
    port=st.integers(min_value=1, max_value=65535),
    name=free_text,
)
def test_database_url_round_trips(
    user: str, password: str, host: str, port: int, name: str
) -> None:
    url = (
        f"postgres://{quote(user, safe='')}:{quote(password, safe='')}"
        f"@{host}:{port}/{quote(name, safe='')}"
    )
    config = env.parse_database_url(url)
    assert config["USER"] == user
    assert config["PASSWORD"] == password
    assert config["HOST"] == host
    assert config["PORT"] == str(port)
    assert config["NAME"] == name


def test_secret_key_generated_once_and_kept(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = env.secret_key(data_dir)
    key_file = data_dir / "secret_key"
    assert len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert env.secret_key(data_dir) == first
    assert env.secret_key(tmp_path / "other") != first


def test_configured_secret_key_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MEADOW_SECRET_KEY", "k" * 40)
    assert env.secret_key(tmp_path) == "k" * 40
    assert not (tmp_path / "secret_key").exists()


def test_short_secret_key_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MEADOW_SECRET_KEY", "too-short")
    with pytest.raises(SettingError, match="MEADOW_SECRET_KEY"):
        env.secret_key(tmp_path)
