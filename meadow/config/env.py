"""Strict readers for settings taken from environment variables.

Every setting Meadow reads is declared in ``SETTINGS`` with its type, default and a
one-line description; the README's settings table is checked against it by a test.
A malformed value stops start-up with a message naming the variable.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse


class SettingError(ValueError):
    """An environment variable holds a value Meadow cannot use."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    description: str


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting("MEADOW_DEBUG", "false", "Django debug mode; never on in production."),
        Setting(
            "MEADOW_SECRET_KEY",
            "",
            "Signing key; when empty a random key is created once in MEADOW_DATA_DIR.",
        ),
        Setting(
            "MEADOW_DATA_DIR",
            "var",
            "Folder for the SQLite database, uploaded files and the generated key.",
        ),
        Setting(
            "MEADOW_DATABASE_URL",
            "",
            "postgres://user:password@host:port/name for server mode; SQLite when empty.",
        ),
        Setting(
            "MEADOW_REDIS_URL",
            "",
            "redis://host:port/db for the shared cache in server mode; local memory when empty.",
        ),
        Setting(
            "MEADOW_ALLOWED_HOSTS",
            "127.0.0.1,localhost",
            "Comma-separated host names the web server answers to.",
        ),
        Setting(
            "MEADOW_CSRF_TRUSTED_ORIGINS",
            "",
            "Comma-separated origins (https://example.org) trusted for form posts.",
        ),
        Setting("MEADOW_TIME_ZONE", "UTC", "Time zone used to show dates."),
        Setting(
            "MEADOW_SECURE_COOKIES",
            "false",
            "Send session and CSRF cookies over HTTPS only (turn on behind TLS).",
        ),
        Setting(
            "MEADOW_JOBS_SYNC",
            "false",
            "Run background jobs (imports) at once in the request that starts them, "
            "instead of in a background thread; for tests and scripts.",
        ),
        Setting("MEADOW_LOG_LEVEL", "INFO", "Logging level: DEBUG, INFO, WARNING or ERROR."),
        Setting(
            "MEADOW_EMAIL_URL",
            "",
            "smtp://user:password@host:587 (STARTTLS) or smtps://...:465 (TLS) to send mail; "
            "when empty, mail is written as files to MEADOW_DATA_DIR/mail.",
        ),
        Setting(
            "MEADOW_EMAIL_FROM",
            "meadow@localhost",
            "Sender address of invitations and password-reset mail.",
        ),
        Setting(
            "MEADOW_TRUST_X_FORWARDED_FOR",
            "false",
            "Behind one proxy that sets X-Forwarded-For: take the client address from the "
            "last entry it adds (for sign-in throttling by address).",
        ),
    ]
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str:
    if name not in SETTINGS:
        raise KeyError(f"{name} is not a declared Meadow setting")
    return os.environ.get(name, SETTINGS[name].default).strip()


def get_bool(name: str) -> bool:
    value = _raw(name).lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingError(f"{name}={value!r}: expected true or false")


def get_str(name: str) -> str:
    return _raw(name)


def get_list(name: str) -> list[str]:
    return [item.strip() for item in _raw(name).split(",") if item.strip()]


def get_choice(name: str, choices: set[str]) -> str:
    value = _raw(name).upper()
    if value not in choices:
        raise SettingError(f"{name}={value!r}: expected one of {', '.join(sorted(choices))}")
    return value


def get_path(name: str, base: Path) -> Path:
    value = Path(_raw(name)).expanduser()
    return value if value.is_absolute() else (base / value)


def parse_database_url(url: str) -> dict[str, object]:
    """Turn ``postgres://user:pw@host:port/name?sslmode=..`` into Django's DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SettingError(
            f"MEADOW_DATABASE_URL: scheme {parsed.scheme!r} is not supported (use postgres://)"
        )
    name = unquote(parsed.path.lstrip("/"))
    if not name:
        raise SettingError("MEADOW_DATABASE_URL: the database name is missing")
    try:
        port = parsed.port
    except ValueError as exc:
        raise SettingError(f"MEADOW_DATABASE_URL: bad port ({exc})") from None
    options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(port or ""),
        "OPTIONS": options,
        "CONN_MAX_AGE": 60,
    }


@dataclass(frozen=True)
class EmailServer:
    host: str
    port: int
    user: str
    password: str
    use_ssl: bool
    use_tls: bool


def parse_email_url(url: str) -> EmailServer:
    """Read ``smtp://user:pw@host:port`` (STARTTLS; ``?starttls=false`` for a local relay
    without it) or ``smtps://user:pw@host:port`` (TLS from the start)."""
    parsed = urlparse(url)
    if parsed.scheme not in {"smtp", "smtps"}:
        raise SettingError(
            f"MEADOW_EMAIL_URL: scheme {parsed.scheme!r} is not supported (use smtp:// or smtps://)"
        )
    if not parsed.hostname:
        raise SettingError("MEADOW_EMAIL_URL: the host name is missing")
    try:
        port = parsed.port
    except ValueError as exc:
        raise SettingError(f"MEADOW_EMAIL_URL: bad port ({exc})") from None
    secure = parsed.scheme == "smtps"
    starttls = parse_qs(parsed.query).get("starttls", ["true"])[-1].lower()
    if starttls not in _TRUE | _FALSE:
        raise SettingError(f"MEADOW_EMAIL_URL: starttls={starttls!r}: expected true or false")
    return EmailServer(
        host=parsed.hostname,
        port=port or (465 if secure else 587),
        user=unquote(parsed.username or ""),
        password=unquote(parsed.password or ""),
        use_ssl=secure,
        use_tls=not secure and starttls in _TRUE,
    )


def secret_key(data_dir: Path) -> str:
    """The configured key, or one generated once and kept in the data folder."""
    configured = _raw("MEADOW_SECRET_KEY")
    if configured:
        if len(configured) < 32:
            raise SettingError("MEADOW_SECRET_KEY: use at least 32 characters")
        return configured
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()
