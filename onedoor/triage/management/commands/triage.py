"""onedoor triage [--input FILE|-] [--output FILE|-]: assess contacts given as JSON Lines."""

import sys
from contextlib import ExitStack

from django.core.management.base import BaseCommand, CommandError

from onedoor.triage import jsonl


class Command(BaseCommand):
    help = (
        'Assess contacts read as JSON Lines ({"id", "channel", "text", "answers"?}) and write one line per '
        'contact: {"id", "grade", "response", "vulnerabilities", "call_999_advice", "thrive", "rationale", '
        '"policy_version"}. A line that cannot be read gets {"id", "error"} and the rest carry on.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--input", default="-", help="JSON Lines file to read, or - for standard input (default).")
        parser.add_argument("--output", default="-", help="File to write, or - for standard output (default).")
        parser.add_argument(
            "--strict", action="store_true",
            help="Exit with status 1 if any line could not be assessed (every other line is still written).",
        )
        parser.add_argument(
            "--workers", type=int, default=1,
            help="Processes to assess with (default 1); for bulk work, the number of cores. Output keeps the input order.",
        )

    def handle(self, *args, **options):
        with ExitStack() as stack:
            try:
                # A line that is not UTF-8 gets its own error line; the rest of the batch carries on.
                if options["input"] == "-":
                    sys.stdin.reconfigure(encoding="utf-8", errors="surrogateescape")
                    infile = sys.stdin
                else:
                    infile = stack.enter_context(open(options["input"], encoding="utf-8", errors="surrogateescape"))
                outfile = sys.stdout if options["output"] == "-" else stack.enter_context(open(options["output"], "w", encoding="utf-8"))
            except OSError as exc:
                raise CommandError(f"Cannot open {exc.filename}: {exc.strerror}") from exc
            if options["workers"] < 1:
                raise CommandError("--workers must be 1 or more")
            errors = jsonl.run(infile, outfile, workers=options["workers"])
            outfile.flush()
        if errors:
            self.stderr.write(f"{errors} line(s) could not be assessed; see their \"error\" fields.")
            if options["strict"]:
                raise CommandError(f"--strict: {errors} line(s) could not be assessed", returncode=1)
