"""`audit_record()` is the one way to write an audit event; call it inside the transaction that
does the work, so the event exists exactly when the change does."""

from typing import Any

from django.http import HttpRequest

from onedoor.audit.models import AuditEvent


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    object_type: str,
    object_id: str,
    actor=None,
    actor_label: str | None = None,
    request: HttpRequest | None = None,
    justification: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    if actor is not None and getattr(actor, "is_authenticated", False):
        label = actor_label or actor.username
    else:
        actor = None
        label = actor_label or "public"
        # The public's address and browser are not kept with their reports (the privacy notice
        # promises they are held only briefly, which the rate limiter's cache does).
        if label == "public":
            request = None
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        justification=justification,
        ip_address=_client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
        detail=detail or {},
    )
