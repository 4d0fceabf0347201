import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

# Build the language detector (about 1-2 s) now, not on the first contact.
from onedoor.triage.language import preload  # noqa: E402

preload()
