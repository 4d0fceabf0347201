"""Queue and deliver notifications through the outbox."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from onedoor.notify.models import Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# Seconds to wait before attempt n+1: 30 s, 2 min, 8 min, 32 min, ~2 h.
BACKOFF_BASE_SECONDS = 30
BACKOFF_FACTOR = 4
# A row left "sending" this long means a worker died mid-send. It may or may not have gone out,
# and a message must never be sent twice, so it is marked failed for a person to check.
STALE_SENDING = timedelta(minutes=10)


def notification_queue(
    *, channel: str, recipient: str, subject: str, body: str, dedupe_key: str, case=None
) -> Notification:
    """Write an outbox row in the caller's transaction and schedule delivery after commit."""
    notification, created = Notification.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "case": case,
            "channel": channel,
            "recipient": recipient,
            "subject": subject,
            "body": body,
            "next_attempt_at": timezone.now(),
        },
    )
    if created:
        from onedoor.notify.tasks import deliver_notification

        transaction.on_commit(lambda: deliver_notification.enqueue(notification_id=notification.pk))
    return notification


def _claim(notification_id: int) -> Notification | None:
    """Move one due row from pending to sending; None if another worker has it or it is done."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING, next_attempt_at__lte=now
    ).update(status=Notification.Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=now)
    if not claimed:
        return None
    return Notification.objects.get(pk=notification_id)


def _send(notification: Notification) -> None:
    if notification.channel == Notification.Channel.EMAIL:
        EmailMessage(
            subject=notification.subject,
            body=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.recipient],
            headers={"X-Onedoor-Notification": str(notification.pk)},
        ).send(fail_silently=False)
        return
    raise NotImplementedError(f"No provider is configured for {notification.channel} notifications yet.")


def _schedule_retry(notification: Notification) -> None:
    from onedoor.notify.tasks import deliver_notification

    # Backends that cannot defer (the immediate one used in tests) leave the retry to the sweep.
    if deliver_notification.get_backend().supports_defer:
        deliver_notification.using(run_after=notification.next_attempt_at).enqueue(notification_id=notification.pk)


def notification_deliver(*, notification_id: int) -> Notification | None:
    """Send one notification if it is due. Safe to call twice: a sent row is never sent again."""
    notification = _claim(notification_id)
    if notification is None:
        return None
    try:
        _send(notification)
    except Exception as exc:  # noqa: BLE001 - any provider failure is retried, then recorded.
        logger.warning("Notification %s attempt %s failed: %s", notification.pk, notification.attempts, exc)
        notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if notification.attempts >= MAX_ATTEMPTS or isinstance(exc, NotImplementedError):
            notification.status = Notification.Status.FAILED
        else:
            notification.status = Notification.Status.PENDING
            notification.next_attempt_at = timezone.now() + timedelta(
                seconds=BACKOFF_BASE_SECONDS * BACKOFF_FACTOR ** (notification.attempts - 1)
            )
        notification.save(update_fields=["last_error", "status", "next_attempt_at"])
        if notification.status == Notification.Status.PENDING:
            _schedule_retry(notification)
        return notification
    notification.status = Notification.Status.SENT
    notification.sent_at = timezone.now()
    notification.last_error = ""
    notification.save(update_fields=["status", "sent_at", "last_error"])
    return notification


def notifications_deliver_due(*, limit: int = 100) -> int:
    """Deliver whatever is due (rows whose task was lost) and fail rows stuck mid-send."""
    now = timezone.now()
    Notification.objects.filter(status=Notification.Status.SENDING, next_attempt_at__lt=now - STALE_SENDING).update(
        status=Notification.Status.FAILED,
        last_error="The worker stopped while sending; check the mail log before sending again.",
    )
    due = list(
        Notification.objects.filter(status=Notification.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in due:
        result = notification_deliver(notification_id=pk)
        if result is not None and result.status == Notification.Status.SENT:
            sent += 1
    return sent
