"""Signing in (throttled), passwords (Argon2, reset, change), sessions, CSRF, the account page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, override_settings

from meadow.config import settings as production
from meadow.parties import throttle
from meadow.parties.models import ApiToken, Invitation, digest
from tests.parties.conftest import PASSWORD, People, client_for, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_db")]

THROTTLED = "Too many failed attempts to sign in. Wait 15 minutes, then try again."
INVALID = "Please enter a correct username and password."


def text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


def sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1") -> str:
    response = client.post(
        "/account/login", {"username": username, "password": password}, REMOTE_ADDR=address
    )
    if response.status_code == 302:
        return "signed in"
    assert response.status_code == 200
    page = text(response.content)
    if THROTTLED in page:
        return "throttled"
    assert INVALID in page
    return "refused"


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# Signing in ----------------------------------------------------------------------------------


def test_sign_in_and_out() -> None:
    make_user("alice")
    client = Client()
    page = client.get("/account/login")
    assert page.status_code == 200
    assert "Forgotten your password?" in text(page.content)
    response = client.post("/account/login", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert signed_in(client)
    header = client.get("/conventions/").content.decode()
    assert 'href="/account/">alice</a>' in header
    assert 'action="/account/logout"' in header
    assert client.get("/account/logout").status_code == 405  # signing out takes a POST
    assert client.post("/account/logout").status_code == 302
    assert not signed_in(client)
    assert "Sign in" in text(client.get("/conventions/").content)


def test_sign_in_returns_to_the_page_asked_for() -> None:
    make_user("alice")
    response = Client().post(
        "/account/login?next=/conventions/",
        {"username": "alice", "password": PASSWORD, "next": "/conventions/"},
    )
    assert response["Location"] == "/conventions/"
    outside = Client().post(
        "/account/login",
        {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert outside["Location"] == "/account/"


def test_the_sixth_attempt_is_refused_even_with_the_right_password() -> None:
    make_user("alice")
    client = Client()
    # Five failures from five addresses: the name is what is counted.
    for n in range(5):
        assert sign_in(client, "alice", "wrong", address=f"10.0.1.{n}") == "refused"
    assert sign_in(client, "alice", PASSWORD, address="10.0.2.1") == "throttled"
    assert not signed_in(client)
    # The admin's sign-in page goes through the same backend.
    admin = client.post(
        "/admin/login/?next=/admin/",
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="10.0.3.1",
    )
    assert admin.status_code == 200
    assert not signed_in(client)
    # Another name from these addresses is not affected.
    make_user("bob")
    assert sign_in(Client(), "bob", PASSWORD, address="10.0.1.0") == "signed in"


def test_one_address_is_refused_after_five_failures_whatever_the_name() -> None:
    make_user("alice")
    client = Client()
    for name in ("a", "b", "c", "d", "e"):
        assert sign_in(client, name, "wrong", address="10.9.9.9") == "refused"
    assert sign_in(client, "alice", PASSWORD, address="10.9.9.9") == "throttled"
    assert sign_in(client, "alice", PASSWORD, address="10.9.9.8") == "signed in"


def test_the_refusal_does_not_say_whether_the_name_exists() -> None:
    make_user("alice")
    pages = {}
    for name in ("alice", "nobody-by-this-name"):
        client = Client()
        for n in range(5):
            assert sign_in(client, name, "wrong", address=f"10.{len(name)}.0.{n}") == "refused"
        response = client.post(
            "/account/login", {"username": name, "password": "wrong"}, REMOTE_ADDR="10.7.7.7"
        )
        pages[name] = text(response.content).replace(name, "NAME")
    assert pages["alice"] == pages["nobody-by-this-name"]
    assert THROTTLED in pages["alice"]


def test_the_refusal_lifts_once_the_failures_are_15_minutes_old(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_user("alice")
    now = [1_000_000.0]
    monkeypatch.setattr(throttle, "clock", lambda: now[0])
    client = Client()
    for _ in range(5):
        assert sign_in(client, "alice", "wrong") == "refused"
        now[0] += 60
    assert sign_in(client, "alice", PASSWORD) == "throttled"
    now[0] += 10 * 60  # the first failures leave the window one by one
    assert sign_in(client, "alice", PASSWORD) == "signed in"


def test_a_success_clears_the_names_failures() -> None:
    make_user("alice")
    client = Client()
    for n in range(4):
        assert sign_in(client, "alice", "wrong", address=f"10.0.4.{n}") == "refused"
    assert sign_in(client, "alice", PASSWORD, address="10.0.5.1") == "signed in"
    assert throttle.failures("user:alice") == 0


@override_settings(TRUST_X_FORWARDED_FOR=True)
def test_behind_a_proxy_the_address_is_the_last_forwarded_one() -> None:
    client = Client()
    for n in range(5):
        client.post(
            "/account/login",
            {"username": f"u{n}", "password": "x"},
            REMOTE_ADDR="10.0.0.254",
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, 192.0.2.{n}",
        )
    assert throttle.failures("address:192.0.2.0") == 1
    assert throttle.failures("address:10.0.0.254") == 0


# Passwords and sessions ---------------------------------------------------------------------


def test_argon2_is_the_hasher_of_new_passwords() -> None:
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        user = make_user("alice")
        assert user.password.startswith("argon2$argon2id$")
        assert identify_hasher(user.password).algorithm == "argon2"
        assert Client().login(username="alice", password=PASSWORD)


def test_session_cookies_are_http_only_same_site_and_rotated_on_sign_in() -> None:
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.SESSION_COOKIE_AGE == 14 * 24 * 3600
    make_user("alice")
    client = Client()
    client.get("/account/login")
    session = client.session
    session["seen"] = True
    session.save()
    before = session.session_key
    response = client.post("/account/login", {"username": "alice", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie.value != before


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/account/login", {"username": "alice", "password": PASSWORD}),
        ("/account/", {"name": "x", "scope": "GBR:contributor", "expires": "30"}),
        ("/place/GBR/team", {"email": "x@example.org", "role": "reviewer"}),
        ("/account/logout", {}),
    ],
)
def test_forms_need_the_csrf_token(people: People, path: str, data: dict[str, str]) -> None:
    make_user("alice")
    client = Client(enforce_csrf_checks=True)
    if path != "/account/login":
        client.force_login(people.focal_point)
    assert client.post(path, data).status_code == 403
    assert not ApiToken.objects.exists()
    assert not Invitation.objects.exists()


def test_password_reset_by_email(people: People) -> None:
    client = Client()
    assert client.get("/account/password-reset").status_code == 200
    response = client.post("/account/password-reset", {"email": "carla@example.org"})
    assert response["Location"] == "/account/password-reset/sent"
    # An unknown address gets the same answer and no mail.
    unknown = client.post("/account/password-reset", {"email": "who@example.org"})
    assert unknown["Location"] == "/account/password-reset/sent"
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert 'account "carla"' in body
    link = re.search(r"http://testserver(/account/password-reset/[^/\s]+/[^/\s]+)", body)
    assert link, body
    form = client.get(link.group(1), follow=True)
    assert "Choose a new password" in text(form.content)
    done = client.post(
        form.redirect_chain[-1][0],
        {
            "new_password1": "another long passphrase 7",
            "new_password2": "another long passphrase 7",
        },
    )
    assert done["Location"] == "/account/password-reset/done"
    assert User.objects.get(username="carla").check_password("another long passphrase 7")
    again = client.get(link.group(1), follow=True)
    assert "This link is not valid any more" in text(again.content)


def test_password_change(people: People) -> None:
    assert Client().get("/account/password-change")["Location"].startswith("/account/login")
    client = client_for(people.contributor)
    response = client.post(
        "/account/password-change",
        {
            "old_password": PASSWORD,
            "new_password1": "a third long passphrase 9",
            "new_password2": "a third long passphrase 9",
        },
    )
    assert response["Location"] == "/account/password-change/done"
    assert User.objects.get(pk=people.contributor.pk).check_password("a third long passphrase 9")
    assert signed_in(client)  # the session survives the change


# The account page and its tokens -------------------------------------------------------------


def test_the_account_page_needs_signing_in() -> None:
    response = Client().get("/account/")
    assert response.status_code == 302
    assert response["Location"] == "/account/login?next=/account/"


def test_the_account_page_lists_roles_and_secretariats(people: People) -> None:
    page = text(client_for(people.focal_point).get("/account/").content)
    assert "United Kingdom" in page and "National focal point" in page
    secretariat = text(client_for(people.secretariat).get("/account/").content)
    assert "You have no role for a country." in secretariat
    assert "Secretariats" in secretariat and "Biological Diversity" in secretariat
    assert "you can make one once you have such a role" in secretariat


def test_a_token_is_made_on_the_account_page_and_its_key_shown_once(people: People) -> None:
    client = client_for(people.contributor)
    page = client.get("/account/").content.decode()
    assert re.findall(r'<option value="([A-Z]{3}:[a-z-]+)"', page) == ["GBR:contributor"]
    response = client.post(
        "/account/", {"name": "nightly upload", "scope": "GBR:contributor", "expires": "30"}
    )
    assert response.status_code == 200
    key = re.search(r"<code class=\"secret\" data-key>([^<]+)</code>", response.content.decode())
    assert key
    token = ApiToken.objects.get(user=people.contributor)
    assert token.key_digest == digest(key.group(1))
    assert (token.name, token.country.code, token.role) == ("nightly upload", "GBR", "contributor")
    assert token.expires_at is not None
    later = client.get("/account/").content.decode()
    assert key.group(1) not in later
    assert f'data-token="{token.prefix}"' in later


def test_a_token_cannot_be_made_for_a_role_not_held(people: People) -> None:
    client = client_for(people.contributor)
    response = client.post("/account/", {"name": "x", "scope": "GBR:focal-point", "expires": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_tokens_are_revoked_by_their_owner_only(people: People) -> None:
    from meadow.parties import team

    token, _ = team.create_token(
        actor=people.contributor, name="t", country="GBR", role="contributor"
    )
    assert (
        client_for(people.focal_point).post(f"/account/token/{token.pk}/revoke").status_code == 404
    )
    assert Client().post(f"/account/token/{token.pk}/revoke").status_code == 302  # to sign in
    token.refresh_from_db()
    assert token.revoked_at is None
    owner = client_for(people.contributor)
    assert owner.post(f"/account/token/{token.pk}/revoke").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "revoked" in text(owner.get("/account/").content)
