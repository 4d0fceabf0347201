"""API keys: shown once at creation, stored only as a SHA-256 hash."""

import hashlib
import secrets

from django.conf import settings
from django.db import models

KEY_PREFIX_LENGTH = 8


def api_key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_key_new_secret() -> str:
    return "od_" + secrets.token_urlsafe(32)


class ApiKey(models.Model):
    name = models.CharField(max_length=120)
    prefix = models.CharField(max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    # A key bound to a staff user acts with that user's permissions; unbound keys only submit contacts.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
