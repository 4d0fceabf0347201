"""onedoor triage-train-languages FILE.jsonl [FILE.jsonl ...] --model-version V [--out PATH]

Train the triage engine's reader of contacts not in English (onedoor.triage.other_languages) on
the labelled contacts the engine flags for an interpreter, and write it as JSON with its card
(the training files with their SHA-256, the settings). Needs scikit-learn (`make install ML=1`).
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onedoor.triage import learned, other_languages
from onedoor.triage.management.training import positive, probability
from onedoor.triage.policy import load_policy


class Command(BaseCommand):
    help = (
        "Train the reader of contacts not in English (character n-grams, logistic regression) on the "
        "labelled contacts in JSON Lines files that the engine flags for an interpreter, and write it as "
        "a JSON file with its card. The policy's language.emergency_reader names the file and the "
        "threshold at which it grades such a contact immediate."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE.jsonl", help="labelled contacts (the dev.jsonl format)")
        parser.add_argument("--model-version", dest="model_version",
                            help="the reader's version, e.g. languages-2026.12.13 (needed unless --folds)")
        parser.add_argument("--out", default=str(other_languages.DEFAULT_MODEL),
                            help="where to write the reader (default: the bundled one)")
        parser.add_argument("--c", type=positive, default=other_languages.C,
                            help=f"inverse regularisation strength (default {other_languages.C:g})")
        parser.add_argument("--folds", type=int, metavar="N",
                            help="instead of writing a reader, score one out of fold (files dealt to N groups) and print, "
                                 "for each threshold, the emergencies the rules with it find among these contacts, true "
                                 "and false, to choose language.emergency_reader.threshold")
        parser.add_argument("--threshold", type=probability, nargs="+", default=[0.3, 0.35, 0.4, 0.45, 0.5, 0.6],
                            help="thresholds to score with --folds (default 0.3 0.35 0.4 0.45 0.5 0.6)")

    def handle(self, *args, **options):
        if options["folds"] is None and not options["model_version"]:
            raise CommandError("--model-version is needed to write a reader (e.g. --model-version languages-2026.12.13)")
        try:  # every bad line named before any work starts
            records = learned.read_labelled(options["files"])
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if importlib.util.find_spec("sklearn") is None:
            raise CommandError("training the reader needs scikit-learn: run `make install ML=1`")
        started = time.perf_counter()
        if options["folds"] is not None:
            self._score(options, records)
            return
        try:
            card = other_languages.train(options["files"], records, version=options["model_version"],
                                         out=Path(options["out"]), policy=load_policy(), c=options["c"])
        except (OSError, ValueError) as exc:  # e.g. no emergencies among the contacts not in English
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"trained {options['model_version']} on {card['contacts']} contacts not in English "
            f"({card['emergencies']} emergencies) in {time.perf_counter() - started:.1f} s -> {options['out']}"
        )
        for entry in card["trained_on"]:
            self.stdout.write(f"  {entry['file']:24s} {entry['contacts']:4d} contacts not in English")

    def _score(self, options, records):
        contacts = other_languages.training_contacts(records, load_policy())
        try:
            chances = other_languages.out_of_fold(contacts, folds=options["folds"], c=options["c"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{len(contacts.texts)} contacts not in English, {sum(contacts.emergencies)} emergencies; "
                          f"{options['folds']} folds of files, C {options['c']:g}")
        true, false = other_languages.tally(contacts, chances, None)
        self.stdout.write(f"  {'the rules alone':28s} found {true:4d}, false {false:4d}")
        for threshold in sorted(options["threshold"]):
            true, false = other_languages.tally(contacts, chances, threshold)
            self.stdout.write(f"  {f'with the reader at {threshold:g}':28s} found {true:4d}, false {false:4d}")
