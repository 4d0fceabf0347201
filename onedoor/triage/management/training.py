"""What ``triage-train``, ``triage-cv`` and ``triage-eval`` share: their argument types, reading the
labelled files and opening an output file before anything is loaded."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any, TextIO

from django.core.management.base import CommandError

from onedoor.triage import learned


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
