"""onedoor serve: the embedded server — ASGI web server plus an in-process task worker."""

import logging
import os
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Serve onedoor on HOST:PORT (default 127.0.0.1:8000, or $PORT) with uvicorn, running the task worker "
        "in the same process. In production run web processes (gunicorn config.wsgi) and "
        "'onedoor db_worker' separately instead, and pass --no-worker here."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-worker", action="store_true", help="Do not run the in-process task worker.")
        parser.add_argument("--demo-logins", action="store_true", help="Print the demo staff logins on start.")

    def handle(self, *args, host, port, no_worker, demo_logins, **options):
        import warnings

        import uvicorn

        # WhiteNoise hands Django's ASGI handler a file iterator; harmless, but it warns per file.
        warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous iterators")

        if "PUBLIC_BASE_URL" not in os.environ:
            settings.PUBLIC_BASE_URL = f"http://{host}:{port}"
        stop = threading.Event()
        if not no_worker:
            self._start_worker(stop)
        base = f"http://{host}:{port}"
        self.stdout.write(f"\nonedoor is running at {base}/")
        self.stdout.write(f"  public portal   {base}/")
        self.stdout.write(f"  staff console   {base}/console/")
        self.stdout.write(f"  API docs        {base}/api/v1/docs/")
        self.stdout.write(f"  data folder     {settings.DATA_DIR} (mail is written to {settings.DATA_DIR / 'mail'})")
        self.stdout.write(f"  triage          {triage_mode_text()}")
        if demo_logins:
            from onedoor.core.demo import demo_logins_text

            self.stdout.write(demo_logins_text())
        self.stdout.write("Press Ctrl+C to stop.\n")
        try:
            uvicorn.run("config.asgi:application", host=host, port=port, log_level="warning", lifespan="off")
        finally:
            stop.set()

    def _start_worker(self, stop: threading.Event) -> None:
        from django_tasks_db.management.commands.db_worker import Worker

        from onedoor.notify.services import notifications_deliver_due

        worker = Worker(
            queue_names=["default"], interval=0.5, batch=False, backend_name="default", startup_delay=False,
            max_tasks=None, worker_id="embedded", excluded_queue_names=[],
        )

        def run_worker():
            worker.run()

        def sweep():
            # Catches outbox rows whose task was lost (e.g. the process stopped after commit).
            while not stop.wait(30):
                try:
                    notifications_deliver_due()
                except Exception:  # noqa: BLE001 - keep sweeping; the error is logged.
                    logger.exception("Outbox sweep failed")

        def stop_worker():
            stop.wait()
            worker.running = False

        for target in (run_worker, sweep, stop_worker):
            threading.Thread(target=target, daemon=True, name=f"onedoor-{target.__name__}").start()


def triage_mode_text() -> str:
    """How contacts will be assessed: with the sentence model and the learned layer, or by the
    rules and the words reader (which grade far worse below an emergency, and find no
    vulnerability told in words the rules do not know)."""
    from onedoor.triage import learned, semantic
    from onedoor.triage.policy import load_policy

    if not semantic.semantic_available():
        words = learned.config_for(load_policy()).words_alone_threshold is not None and not learned.switched_off()
        return (f"rules{' and words reader' if words else ' only'}: the sentence model is not installed (or is switched "
                f"off), so grades below an emergency and vulnerabilities told in words the rules do not know are missed "
                f"far more often; `make install ML=1` adds it (docs/triage.md)")
    model = learned.model_for(load_policy())
    return f"rules, sentence model and learned model {model.version}" if model else "rules and sentence model"

