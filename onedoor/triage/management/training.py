"""What ``triage-train``, ``triage-cv`` and ``triage-eval`` share: their argument types, reading the
labelled files and opening an output file before anything is loaded; and what the commands that
train the n-gram readers share (``ReaderCommand``)."""

from __future__ import annotations

import argparse
import importlib.util
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError

from onedoor.triage import learned
from onedoor.triage.policy import load_policy


def probability(text: str) -> float:
    """An argparse type: a threshold in (0, 1]."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"thresholds must be in (0, 1], not {text!r}")
    return value


def positive(text: str) -> float:
    """An argparse type: a number above 0."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, not {text!r}")
    return value


def labelled_records(paths: Sequence[str], what: str) -> list[dict[str, Any]]:
    """Every labelled contact in `paths` (``learned.read_labelled``), checked before the sentence
    model is loaded so that a bad line is named at once; then a check that the tools for `what`
    ("training", "cross-validation") are installed. CommandError for either."""
    try:
        records = learned.read_labelled(paths)
    except (OSError, ValueError) as exc:  # unreadable or malformed files, named by line
        raise CommandError(str(exc)) from exc
    problem = learned.missing_training_tools(what)
    if problem:
        raise CommandError(problem)
    return records


def open_output(path: str) -> TextIO:
    """`path` opened for writing before any long work starts, or a CommandError saying why not."""
    try:
        return open(path, "w", encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"Cannot write {path}: {exc.strerror or exc}") from exc


class ReaderCommand(BaseCommand):
    """What ``triage-train-languages`` and ``triage-train-words`` share: train one of the engine's
    n-gram readers (``onedoor.triage.ngram_reader``) on labelled files and write it with its card,
    or with ``--folds`` score one out of fold. `reader` is the reader's module (``DEFAULT_MODEL``,
    ``C``, ``train``, ``training_contacts``, ``out_of_fold``, ``tally``); `contacts` names the
    contacts it reads, `example` a version."""

    reader: Any
    contacts = "contacts"
    example = "v"
    thresholds = (0.3, 0.35, 0.4, 0.45, 0.5, 0.6)

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE.jsonl", help="labelled contacts (the dev.jsonl format)")
        parser.add_argument("--model-version", dest="model_version",
                            help=f"the reader's version, e.g. {self.example} (needed unless --folds)")
        parser.add_argument("--out", default=str(self.reader.DEFAULT_MODEL),
                            help="where to write the reader (default: the bundled one)")
        parser.add_argument("--c", type=positive, default=self.reader.C,
                            help=f"inverse regularisation strength (default {self.reader.C:g})")
        parser.add_argument("--folds", type=int, metavar="N",
                            help="instead of writing a reader, score one out of fold (files dealt to N groups) and print, "
                                 "for each threshold, the emergencies the rules with it find among these contacts, true "
                                 "and false")
        parser.add_argument("--threshold", type=probability, nargs="+", default=list(self.thresholds),
                            help=f"thresholds to score with --folds (default {' '.join(map(str, self.thresholds))})")

    def handle(self, *args, **options):
        if options["folds"] is None and not options["model_version"]:
            raise CommandError(f"--model-version is needed to write a reader (e.g. --model-version {self.example})")
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
            card = self.reader.train(options["files"], records, version=options["model_version"], out=Path(options["out"]),
                                     policy=load_policy(), c=options["c"])
        except (OSError, ValueError) as exc:  # e.g. no emergencies among the contacts
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"trained {options['model_version']} on {card['contacts']} {self.contacts} "
            f"({card['emergencies']} emergencies) in {time.perf_counter() - started:.1f} s -> {options['out']}"
        )
        for entry in card["trained_on"]:
            self.stdout.write(f"  {entry['file']:24s} {entry['contacts']:5d} {self.contacts}")

    def _score(self, options, records):
        contacts = self.reader.training_contacts(records, load_policy())
        try:
            chances = self.reader.out_of_fold(contacts, folds=options["folds"], c=options["c"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{len(contacts.texts)} {self.contacts}, {sum(contacts.emergencies)} emergencies; "
                          f"{options['folds']} folds of files, C {options['c']:g}")
        true, false = self.reader.tally(contacts, chances, None)
        self.stdout.write(f"  {'the rules alone':28s} found {true:4d}, false {false:4d}")
        for threshold in sorted(options["threshold"]):
            true, false = self.reader.tally(contacts, chances, threshold)
            self.stdout.write(f"  {f'with the reader at {threshold:g}':28s} found {true:4d}, false {false:4d}")
