"""API tokens for machine clients: ``Authorization: Bearer <key>``.

The key is looked up by its SHA-256 digest. A revoked, expired or unknown key is
refused with 401. The request then acts as the token's owner, limited to the token's
one country and role (``user.token_scope``): no other role, no secretariat or
administrator power travels with a token.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from meadow.parties import roles, team
from meadow.parties.models import ApiToken, digest

KEYWORD = "Bearer"


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Send the key as: Authorization: Bearer <key>."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("This API key is not valid.")) from None
        token = (
            ApiToken.objects.select_related("user", "country")
            .filter(key_digest=digest(key))
            .first()
        )
        if token is None or not token.user.is_active:
            raise AuthenticationFailed(_("This API key is not valid."))
        if token.revoked_at is not None:
            raise AuthenticationFailed(_("This API key has been revoked."))
        if not token.is_active:
            raise AuthenticationFailed(_("This API key has expired."))
        user = token.user
        user.token_scope = roles.TokenScope(token.country.code, token.role)  # type: ignore[attr-defined]
        team.mark_token_used(token)
        return user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token scheme in the OpenAPI schema."""

    target_class = "meadow.parties.auth.BearerTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "An API token made on the account page: one country and one role of its "
                "owner. Send it as `Authorization: Bearer <key>`."
            ),
        }
