"""API keys: created by `onedoor apikey create`, shown once, stored hashed."""

from django.db import transaction
from django.utils import timezone

from onedoor.accounts.models import User
from onedoor.api.models import KEY_PREFIX_LENGTH, ApiKey, api_key_hash, api_key_new_secret
from onedoor.audit.services import audit_record


@transaction.atomic
def api_key_create(*, name: str, user: User | None = None) -> tuple[ApiKey, str]:
    raw = api_key_new_secret()
    api_key = ApiKey.objects.create(name=name, prefix=raw[:KEY_PREFIX_LENGTH], key_hash=api_key_hash(raw), user=user)
    audit_record(
        action="apikey.create", object_type="apikey", object_id=str(api_key.pk), actor_label="system",
        detail={"name": name, "user": user.username if user else None},
    )
    return api_key, raw


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    api_key.revoked_at = timezone.now()
    api_key.save(update_fields=["revoked_at"])
    audit_record(action="apikey.revoke", object_type="apikey", object_id=str(api_key.pk), actor_label="system")
    return api_key
