"""The outbox against a real SMTP server (aiosmtpd on 127.0.0.1)."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.utils import timezone

from onedoor.notify.models import Notification
from onedoor.notify.services import notification_deliver, notification_queue, notifications_deliver_due

pytestmark = pytest.mark.django_db(transaction=True)


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield inbox
    controller.stop()


def test_a_confirmation_reaches_a_real_smtp_server(smtp_server, submit_contact):
    result = submit_contact(email="reporter@example.com")
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "reporter@example.com"
    assert result.case.display_reference in message["Subject"]
    assert Notification.objects.get().status == "sent"


def test_a_notification_is_never_sent_twice(smtp_server):
    notification = notification_queue(channel="email", recipient="a@example.com", subject="Hi", body="Body", dedupe_key="k1")
    again = notification_queue(channel="email", recipient="a@example.com", subject="Hi", body="Body", dedupe_key="k1")
    assert again.pk == notification.pk
    notification_deliver(notification_id=notification.pk)
    notification_deliver(notification_id=notification.pk)
    notifications_deliver_due()
    assert len(smtp_server.messages) == 1


def test_a_failed_send_is_retried_with_backoff_then_succeeds(settings, smtp_server):
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _free_port()  # nothing listens here: the first attempt fails
    notification = notification_queue(channel="email", recipient="a@example.com", subject="Hi", body="Body", dedupe_key="k2")
    notification.refresh_from_db()
    assert notification.status == "pending"
    assert notification.attempts == 1
    assert notification.last_error
    assert notification.next_attempt_at > timezone.now() + timedelta(seconds=20)
    settings.EMAIL_PORT = port
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    assert notifications_deliver_due() == 1
    notification.refresh_from_db()
    assert notification.status == "sent" and notification.attempts == 2
    assert len(smtp_server.messages) == 1


def test_a_row_stuck_mid_send_is_failed_for_review_not_resent(smtp_server):
    notification = Notification.objects.create(
        channel="email", recipient="a@example.com", subject="Hi", body="Body", dedupe_key="k3",
        status="sending", attempts=1, next_attempt_at=timezone.now() - timedelta(hours=1),
    )
    notifications_deliver_due()
    notification.refresh_from_db()
    assert notification.status == "failed"
    assert not smtp_server.messages
