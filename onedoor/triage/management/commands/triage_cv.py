"""onedoor triage-cv FILE.jsonl [FILE.jsonl ...] [--train-only FILE ...] [--immediate-threshold T ...] [--folds N] [--dump OUT.jsonl]

Cross-validate the whole triage engine one writer at a time (onedoor.triage.crossval): train the
learned layer (and the policy's words reader) on every file but one (or, with --folds N, on all
but one of N groups of files), assess the files left out with the rules and those, and print the pooled scores for each
setting compared; --dump also writes every contact's result, out of fold. Needs `make install ML=1`.
"""

from __future__ import annotations

import contextlib
import itertools
import time

from django.core.management.base import BaseCommand, CommandError

from onedoor.triage import crossval, learned
from onedoor.triage.evaluation import write_cases
from onedoor.triage.management.training import labelled_records, open_output, positive, probability
from onedoor.triage.policy import load_policy


class Command(BaseCommand):
    help = (
        "Cross-validate the whole triage engine, leaving out one labelled file (one writer) at a time, "
        "and print exact grade, within-one, immediate recall and precision, call_999_advice accuracy and "
        "vulnerability micro-F1 pooled over the files left out, for each pair of thresholds given. "
        "Each fold trains the learned model and the policy's words reader without the files it leaves out. "
        "Use it to choose the policy's learned: thresholds. It changes nothing; --dump writes every contact's "
        "out-of-fold result to a file."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE.jsonl", help="labelled files, each left out in turn")
        parser.add_argument("--train-only", nargs="*", default=[], metavar="FILE.jsonl",
                            help="labelled files that are always trained on and never left out (e.g. ones the rules were tuned on)")
        parser.add_argument("--immediate-threshold", nargs="+", type=probability,
                            help="emergency probabilities to compare (default: the policy's learned.immediate_threshold)")
        parser.add_argument("--vulnerability-threshold", nargs="+", type=probability,
                            help="vulnerability probabilities to compare (default: the policy's learned.vulnerability_threshold)")
        parser.add_argument("--folds", type=int, metavar="N",
                            help="leave out N groups of files in turn (the files dealt to them in the order given) "
                                 "instead of one file at a time: N models to train instead of one a file")
        parser.add_argument("--dump", metavar="OUT.jsonl",
                            help="write every contact's out-of-fold result to OUT.jsonl, one JSON line each with its "
                                 "setting (as triage-eval --dump writes, with the learned model's probabilities and the words "
                                 "reader's chance)")
        parser.add_argument("--c", type=positive, default=2.0, help="inverse regularisation strength (default 2)")
        parser.add_argument("--no-tuning", action="store_true",
                            help="grade with logistic regression on the untuned vectors, as triage-train --no-tuning does "
                                 "(seconds a fold instead of minutes)")
        parser.add_argument("--average", action="store_true",
                            help="average each fold's tuned reader with logistic regression, as triage-train --average does")

    def handle(self, *args, **options):
        if len(options["files"]) < 2:
            raise CommandError("give at least two files to leave out in turn")
        if options["folds"] is not None and not 2 <= options["folds"] <= len(options["files"]):
            raise CommandError(f"--folds must be from 2 to the number of files left out in turn ({len(options['files'])})")
        records = labelled_records([*options["files"], *options["train_only"]], "cross-validation")
        config = learned.config_for(load_policy())
        settings = [
            crossval.Setting(immediate_threshold=i, vulnerability_threshold=v)
            for i, v in itertools.product(options["immediate_threshold"] or [config.immediate_threshold],
                                          options["vulnerability_threshold"] or [config.vulnerability_threshold])
        ]
        with open_output(options["dump"]) if options["dump"] else contextlib.nullcontext() as dump:
            started = time.perf_counter()
            try:
                results = crossval.cross_validate_engine(
                    options["files"], settings=settings, always=options["train_only"], c=options["c"],
                    progress=self.stderr.write, records=records, tune=not options["no_tuning"],
                    average=options["average"], folds=options["folds"],
                )
            except ValueError as exc:  # e.g. a fold without every grade
                raise CommandError(str(exc)) from exc
            self.stdout.write(crossval.format_results(results))
            folds = options["folds"] or len(options["files"])
            self.stdout.write(f"\n{folds} folds in {time.perf_counter() - started:.0f} s")
            if dump is not None:
                written = sum(write_cases(r.pooled.cases, dump, setting=r.setting.label) for r in results)
                self.stdout.write(f"wrote {written} contact result(s) to {options['dump']}")
