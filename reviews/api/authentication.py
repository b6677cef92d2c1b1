"""``Authorization: Token <key>`` against ``reviews.tokens``: the header DRF's TokenAuthentication read,
so existing clients keep working, with expiry and revocation."""

from __future__ import annotations

from datetime import UTC

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed


class ApiTokenAuthentication(BaseAuthentication):
    """Authenticates ``Authorization: Token <key>`` with a working ``ApiToken``.

    An unknown, revoked or expired key, or an inactive user, is a 401 that says which.
    """

    keyword = "Token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) == 1:
            raise AuthenticationFailed(_("Invalid token header. No credentials provided."))
        if len(parts) > 2:
            raise AuthenticationFailed(_("Invalid token header. Token string should not contain spaces."))
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise AuthenticationFailed(
                _("Invalid token header. Token string should not contain invalid characters.")
            ) from None
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key: str):
        # DRF imports the authentication classes with its settings, possibly before the models
        # are loaded; the service (and its model) is imported when a request needs it.
        from reviews import tokens

        token = tokens.find(key)
        now = timezone.now()
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        if token.revoked_at is not None:
            raise AuthenticationFailed(
                _("This token was revoked; get a new one with POST /api/v1/auth/token/."),
                code="token_revoked",
            )
        if token.expires_at <= now:
            expired = token.expires_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
            raise AuthenticationFailed(
                _("This token expired at %(time)s; get a new one with POST /api/v1/auth/token/.")
                % {"time": expired},
                code="token_expired",
            )
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        tokens.record_use(token, now)
        return (token.user, token)

    def authenticate_header(self, request) -> str:
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Documents ``ApiTokenAuthentication`` as the schema's token scheme (the one DRF's had)."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                'Token-based authentication with required prefix "Token": `Authorization: Token <key>`, '
                "the key from POST /api/v1/auth/token/. A token expires (`expires_at`) and can be revoked."
            ),
        }
