import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

# Load the triage engine's models (language detector, and the sentence model where installed)
# now, at start-up, so the first contacts do not wait seconds for them.
from onedoor.triage.engine import warm_up  # noqa: E402

warm_up()
