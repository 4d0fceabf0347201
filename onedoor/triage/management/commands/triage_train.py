"""onedoor triage-train FILE.jsonl [FILE.jsonl ...] --model-version V [--out PATH]

Train the triage engine's learned layer (onedoor.triage.learned) on labelled contacts and write
the model (weights, training files with their SHA-256, settings and leave-one-file-out scores)
as JSON, with its tuned reader's fine-tuned layers beside it (the same name, .onnx). Needs the
sentence model, scikit-learn and PyTorch (`make install ML=1`).
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onedoor.triage import learned
from onedoor.triage.management.training import labelled_records, positive, probability


class Command(BaseCommand):
    help = (
        "Train the learned layer of the triage engine (grade and vulnerability classifiers over the "
        "sentence model) on labelled JSON Lines files, and write it as a JSON model file with its card "
        "(and the tuned reader's layers beside it, .onnx). "
        "Each file should come from a different writer: the card scores each file with a model trained "
        "on the others."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE.jsonl", help="labelled contacts (the dev.jsonl format)")
        parser.add_argument("--model-version", dest="model_version", required=True, help="the model's version, e.g. learned-2026.11.3")
        parser.add_argument("--out", default=str(learned.DEFAULT_MODEL), help="where to write the model (default: the bundled model)")
        parser.add_argument("--c", type=positive, default=2.0, help="inverse regularisation strength (default 2)")
        parser.add_argument("--immediate-threshold", type=probability, default=0.15,
                            help="emergency probability scored as immediate in the card (default 0.15; the policy sets the one used)")
        parser.add_argument("--vulnerability-threshold", type=probability, default=0.7,
                            help="probability scored as a vulnerability in the card (default 0.7)")
        parser.add_argument("--no-cross-validation", action="store_true", help="skip the leave-one-file-out scores")
        parser.add_argument("--no-tuning", action="store_true",
                            help="grade with logistic regression on the untuned vectors alone, without fine-tuning a tuned "
                                 "reader (seconds instead of minutes; the tuned reader grades better)")
        parser.add_argument("--average", action="store_true",
                            help="average the tuned reader's grade log-probabilities with logistic regression on the "
                                 "untuned vectors (cam-2026.12.6's recipe; the reader alone graded new writers better)")

    def handle(self, *args, **options):
        records = labelled_records(options["files"], "training")
        out = Path(options["out"])
        started = time.perf_counter()
        try:
            model = learned.train(
                options["files"], version=options["model_version"], c=options["c"],
                immediate_threshold=options["immediate_threshold"],
                vulnerability_threshold=options["vulnerability_threshold"],
                cross_validation=not options["no_cross_validation"], records=records, out=out,
                tune=not options["no_tuning"], average=options["average"],
            )
        except ValueError as exc:  # e.g. a grade with no examples
            raise CommandError(str(exc)) from exc
        card = model["card"]
        self.stdout.write(f"trained {model['version']} on {card['contacts']} contacts in {time.perf_counter() - started:.1f} s -> {out}")
        for name, scores in card.get("leave_one_file_out", {}).items():
            self.stdout.write(
                f"  {name:24s} {scores['contacts']:4d} contacts  exact {scores['exact']:.3f}  "
                f"immediate recall {scores['immediate_recall'] if scores['immediate_recall'] is not None else '-'}  "
                f"vulnerability F1 {scores['vulnerability_f1'] if scores['vulnerability_f1'] is not None else '-'}"
            )
