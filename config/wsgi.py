import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Build the language detector (about 1-2 s) now, not on the first contact.
from onedoor.triage.language import preload  # noqa: E402

preload()
