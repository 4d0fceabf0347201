from django.core.management.base import BaseCommand

from onedoor.core.demo import demo_load, demo_logins_text


class Command(BaseCommand):
    help = "Load demo divisions, staff (with known TOTP secrets) and about fifty cases, unless already loaded."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, quiet_logins=False, **options):
        result = demo_load()
        if result["created"]:
            self.stdout.write(f"Loaded demo data: 13 divisions, staff, {result['cases']} cases.")
        else:
            self.stdout.write("Demo data is already loaded; nothing changed.")
        if not quiet_logins:
            self.stdout.write(demo_logins_text())
