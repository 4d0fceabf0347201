"""onedoor triage-cv FILE.jsonl [FILE.jsonl ...] [--train-only FILE ...] [--immediate-threshold T ...]

Cross-validate the whole triage engine one writer at a time (onedoor.triage.crossval): train the
learned layer on every file but one, assess the file left out with the rules and that model, and
print the pooled scores for each setting compared. Needs `make install ML=1`. Writes nothing.
"""

from __future__ import annotations

import itertools
import time

from django.core.management.base import BaseCommand, CommandError

from onedoor.triage import crossval
from onedoor.triage.management.training import labelled_records, positive, probability


class Command(BaseCommand):
    help = (
        "Cross-validate the whole triage engine, leaving out one labelled file (one writer) at a time, "
        "and print exact grade, within-one, immediate recall and precision, call_999_advice accuracy and "
        "vulnerability micro-F1 pooled over the files left out, for each pair of thresholds given. "
        "Use it to choose the policy's learned: thresholds; it writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE.jsonl", help="labelled files, each left out in turn")
        parser.add_argument("--train-only", nargs="*", default=[], metavar="FILE.jsonl",
                            help="labelled files that are always trained on and never left out (e.g. ones the rules were tuned on)")
        parser.add_argument("--immediate-threshold", nargs="+", type=probability, default=[0.15],
                            help="emergency probabilities to compare (default 0.15)")
        parser.add_argument("--vulnerability-threshold", nargs="+", type=probability, default=[0.7],
                            help="vulnerability probabilities to compare (default 0.7)")
        parser.add_argument("--c", type=positive, default=2.0, help="inverse regularisation strength (default 2)")
        parser.add_argument("--no-tuning", action="store_true",
                            help="grade with logistic regression on the untuned vectors, as triage-train --no-tuning does "
                                 "(seconds a fold instead of minutes)")
        parser.add_argument("--average", action="store_true",
                            help="average each fold's tuned reader with logistic regression, as triage-train --average does")

    def handle(self, *args, **options):
        if len(options["files"]) < 2:
            raise CommandError("give at least two files to leave out in turn")
        records = labelled_records([*options["files"], *options["train_only"]], "cross-validation")
        settings = [
            crossval.Setting(immediate_threshold=i, vulnerability_threshold=v)
            for i, v in itertools.product(options["immediate_threshold"], options["vulnerability_threshold"])
        ]
        started = time.perf_counter()
        try:
            results = crossval.cross_validate_engine(
                options["files"], settings=settings, always=options["train_only"], c=options["c"],
                progress=self.stderr.write, records=records, tune=not options["no_tuning"], average=options["average"],
            )
        except ValueError as exc:  # e.g. a fold without every grade
            raise CommandError(str(exc)) from exc
        self.stdout.write(crossval.format_results(results))
        self.stdout.write(f"\n{len(options['files'])} folds in {time.perf_counter() - started:.0f} s")
