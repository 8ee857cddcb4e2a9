"""The mail settings read from MEADOW_EMAIL_URL."""

from __future__ import annotations

import os

import pytest
from django.conf import settings

from meadow.config import env


def test_smtp_with_starttls() -> None:
    server = env.parse_email_url("smtp://mailer:p%40ss@mail.example.org:2525")
    assert server == env.EmailServer(
        host="mail.example.org",
        port=2525,
        user="mailer",
        password="p@ss",
        use_ssl=False,
        use_tls=True,
    )


def test_smtps_and_default_ports() -> None:
    assert env.parse_email_url("smtps://mail.example.org").port == 465
    assert env.parse_email_url("smtps://mail.example.org").use_ssl is True
    assert env.parse_email_url("smtp://mail.example.org").port == 587
    relay = env.parse_email_url("smtp://localhost:25?starttls=false")
    assert (relay.use_tls, relay.use_ssl, relay.user) == (False, False, "")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://mail.example.org", "scheme 'http' is not supported"),
        ("smtp://", "the host name is missing"),
        ("smtp://mail.example.org:port", "bad port"),
        ("smtp://mail.example.org?starttls=maybe", "starttls='maybe'"),
    ],
)
def test_bad_mail_urls_name_the_variable(url: str, message: str) -> None:
    with pytest.raises(env.SettingError, match=message) as caught:
        env.parse_email_url(url)
    assert str(caught.value).startswith("MEADOW_EMAIL_URL")


@pytest.mark.skipif(
    bool(os.environ.get("MEADOW_EMAIL_URL") or os.environ.get("MEADOW_EMAIL_FROM")),
    reason="a mail server is configured in this environment",
)
def test_without_a_mail_server_mail_goes_to_files_in_the_data_folder() -> None:
    from meadow.config import settings as production

    assert production.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend"
    assert production.EMAIL_FILE_PATH == production.DATA_DIR / "mail"
    assert settings.DEFAULT_FROM_EMAIL == "meadow@localhost"
