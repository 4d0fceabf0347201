import pyotp
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from onedoor.accounts.services import totp_secret_from_device


class Command(BaseCommand):
    help = "Print a staff user's current TOTP code and secret (for demo and first sign-in on a test system)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username!r} has no confirmed authenticator.")
        secret = totp_secret_from_device(device)
        self.stdout.write(pyotp.TOTP(secret).now())
        self.stderr.write(f"secret {secret}; the code changes every 30 seconds")
