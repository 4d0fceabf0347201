"""onedoor staff create USERNAME --role ROLE … | reset-totp USERNAME | list"""

import getpass
import sys

import segno
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from onedoor.accounts.models import Role, Team, User
from onedoor.accounts.services import totp_secret_from_device, user_create
from onedoor.audit.services import audit_record


class Command(BaseCommand):
    help = "Create staff accounts with their authenticator (TOTP) secret, reset an authenticator, or list staff."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a staff user; prints the TOTP secret and a QR code once.")
        create.add_argument("username")
        create.add_argument("--role", required=True, choices=Role.values)
        create.add_argument("--team", help="Team name (created if it does not exist).")
        create.add_argument("--first-name", default="")
        create.add_argument("--last-name", default="")
        create.add_argument("--email", default="")
        create.add_argument("--collar-number", default="")
        create.add_argument("--password-stdin", action="store_true", help="Read the password from standard input.")
        reset = sub.add_parser("reset-totp", help="Replace a user's authenticator; prints the new secret once.")
        reset.add_argument("username")
        sub.add_parser("list", help="List staff users and their roles.")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action.replace('-', '_')}")(**options)

    def _password(self, password_stdin: bool, user: User) -> str:
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        return password

    def _create(self, *, username, role, team, first_name, last_name, email, collar_number, password_stdin, **_):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user called {username!r} already exists.")
        password = self._password(password_stdin, User(username=username, first_name=first_name, last_name=last_name, email=email))
        with transaction.atomic():
            team_obj = Team.objects.get_or_create(name=team)[0] if team else None
            user, secret = user_create(
                username=username, password=password, role=role, first_name=first_name, last_name=last_name,
                email=email, team=team_obj, collar_number=collar_number,
            )
            audit_record(action="staff.create", object_type="user", object_id=username, actor_label="system",
                         detail={"role": role})
        self.stderr.write(f"Created {role} {username!r}.")
        self._show_secret(username, secret)

    def _reset_totp(self, *, username, **_):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No staff user is called {username!r}.")
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user).delete()
            device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
            audit_record(action="staff.reset_totp", object_type="user", object_id=username, actor_label="system")
        self._show_secret(username, totp_secret_from_device(device))

    def _list(self, **_):
        for user in User.objects.select_related("team").order_by("username"):
            state = "active" if user.is_active else "disabled"
            self.stdout.write(f"{user.username:<20} {user.role:<11} {state:<9} {user.team or '-'}")

    def _show_secret(self, username: str, secret: str) -> None:
        uri = f"otpauth://totp/onedoor:{username}?secret={secret}&issuer=onedoor"
        self.stdout.write(f"TOTP secret: {secret}")
        self.stdout.write(f"Authenticator link: {uri}")
        segno.make(uri, error="m").terminal(out=self.stdout, compact=True)
        self.stderr.write("Give the secret or QR code to the user now: it is not shown again.")
