"""onedoor apikey create NAME [--user USERNAME] | list | revoke PREFIX"""

from django.core.management.base import BaseCommand, CommandError

from onedoor.accounts.models import User
from onedoor.api.models import ApiKey
from onedoor.api.services import api_key_create, api_key_revoke


class Command(BaseCommand):
    help = "Manage API keys. A key is printed once, when it is created, and stored only as a hash."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a key and print it once.")
        create.add_argument("name", help="What the key is for, e.g. 'partner-portal'.")
        create.add_argument("--user", help="Bind the key to this staff user: it acts with their permissions.")
        sub.add_parser("list", help="List keys (never the keys themselves).")
        revoke = sub.add_parser("revoke", help="Revoke a key by the prefix shown by 'list'.")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **options):
        if action == "create":
            user = None
            if options.get("user"):
                user = User.objects.filter(username=options["user"]).first()
                if user is None:
                    raise CommandError(f"No staff user is called {options['user']!r}.")
            api_key, raw = api_key_create(name=options["name"], user=user)
            self.stdout.write(raw)
            self.stderr.write(
                f"Created API key {api_key.name!r}"
                + (f" acting as {user.username}" if user else " (can only submit contacts)")
                + ". Store it now: it cannot be shown again."
            )
        elif action == "list":
            for api_key in ApiKey.objects.select_related("user").order_by("created_at"):
                state = "revoked" if api_key.revoked_at else "active"
                who = api_key.user.username if api_key.user else "-"
                self.stdout.write(f"{api_key.prefix}  {state:8} {who:16} {api_key.name}")
        elif action == "revoke":
            api_key = ApiKey.objects.filter(prefix=options["prefix"], revoked_at__isnull=True).first()
            if api_key is None:
                raise CommandError(f"No active key starts with {options['prefix']!r}.")
            api_key_revoke(api_key=api_key)
            self.stdout.write(f"Revoked {api_key.name!r}.")
