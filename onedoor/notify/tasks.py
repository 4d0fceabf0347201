"""Background tasks for the outbox."""

from django_tasks import task

from onedoor.notify.services import notification_deliver, notifications_deliver_due


@task()
def deliver_notification(notification_id: int) -> str:
    result = notification_deliver(notification_id=notification_id)
    return result.status if result else "skipped"


@task()
def deliver_due_notifications() -> int:
    return notifications_deliver_due()
