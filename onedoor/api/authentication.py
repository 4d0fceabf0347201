"""`Authorization: Api-Key <key>`: the key is looked up by its hash; revoked keys are refused."""

import hmac

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from onedoor.api.models import ApiKey, api_key_hash


class ApiKeyPrincipal:
    """The authenticated caller: the key, and the staff user it acts for (if any)."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, api_key: ApiKey):
        self.api_key = api_key
        self.staff_user = api_key.user

    @property
    def label(self) -> str:
        return f"api-key:{self.api_key.name}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, raw_key = header.partition(" ")
        if scheme != self.keyword or not raw_key.strip():
            return None
        digest = api_key_hash(raw_key.strip())
        api_key = ApiKey.objects.select_related("user").filter(key_hash=digest, revoked_at__isnull=True).first()
        if api_key is None or not hmac.compare_digest(api_key.key_hash, digest):
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        if api_key.user is not None and not api_key.user.is_active:
            raise exceptions.AuthenticationFailed("The user this API key acts for is not active.")
        now = timezone.now()
        if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        return ApiKeyPrincipal(api_key), api_key

    def authenticate_header(self, request) -> str:
        return self.keyword


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """Describes `Authorization: Api-Key <key>` in the OpenAPI schema."""

    target_class = "onedoor.api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`; create keys with `onedoor apikey create NAME`.",
        }
