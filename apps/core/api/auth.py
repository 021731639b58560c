"""API tokens: django-rest-knox (hashed at rest, expiring), sent as `Authorization: Token <key>`."""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox's, with a header that is not UTF-8 or not hex refused as a 401 instead of a 500."""

    def authenticate_credentials(self, token: bytes):  # type: ignore[no-untyped-def]
        try:
            token.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token.") from exc
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token) -> bool:  # type: ignore[no-untyped-def]
        """Only this token's expiry: knox also sweeps the user's other tokens on every request (one
        more query each time); expired ones are swept at sign-in instead (user_token_obtain)."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class TokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes it (drf-spectacular finds this extension by the class path)."""

    target_class = "apps.core.api.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": 'An API token from POST /api/v1/auth/token/, sent as "Token <key>"; it expires.'}
