from django.core.management.base import BaseCommand

from onedoor.notify.services import notifications_deliver_due


class Command(BaseCommand):
    help = "Send every outbox notification that is due now (normally the task worker does this)."

    def handle(self, *args, **options):
        sent = notifications_deliver_due(limit=10_000)
        self.stdout.write(f"Sent {sent} notification(s).")
