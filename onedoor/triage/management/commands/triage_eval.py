"""onedoor triage-eval FILE.jsonl [--policy POLICY] [--compare POLICY_A POLICY_B]

Measure the triage engine against labelled contacts (one JSON object a line, with an
``expected`` field: {"grade", "vulnerabilities", "call_999_advice"}), and optionally list the
contacts whose grade changes between two policy files. ``onedoor triage_eval`` works too (Django
command modules cannot contain a hyphen; onedoor.cli maps the hyphenated name).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from onedoor.triage.engine import CHANNELS, validate_answers
from onedoor.triage.evaluation import compare, evaluate, format_report
from onedoor.triage.policy import GRADES, Policy, PolicyError, load_policy

MAX_ERRORS_SHOWN = 10


def read_labelled(path: str) -> list[dict[str, Any]]:
    """The records in a JSON Lines file, or a CommandError naming every bad line (up to 10)."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except FileNotFoundError as exc:
        raise CommandError(f"Cannot open {path}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from exc
    records: list[dict[str, Any]] = []
    errors: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"line {number}: not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        problem = _problem(record)
        if problem:
            errors.append(f"line {number}: {problem}")
            continue
        records.append(record)
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        more = f"\n  ... and {len(errors) - len(shown)} more" if len(errors) > len(shown) else ""
        raise CommandError(f"{path} has {len(errors)} malformed line(s):\n  " + "\n  ".join(shown) + more)
    if not any(r.get("expected") for r in records):
        raise CommandError(f'{path} has no labelled contacts (no line has an "expected" field)')
    return records


def _problem(record: Any) -> str | None:
    if not isinstance(record, dict):
        return "each line must be a JSON object"
    if record.get("channel") not in CHANNELS:
        return f"channel must be one of {', '.join(sorted(CHANNELS))}, not {record.get('channel')!r}"
    if not isinstance(record.get("text", ""), str):
        return '"text" must be a string'
    expected = record.get("expected")
    if expected is not None:
        if not isinstance(expected, dict) or expected.get("grade") not in GRADES:
            return f'"expected" must be an object whose "grade" is one of {", ".join(GRADES)}'
        if not isinstance(expected.get("vulnerabilities", []), list):
            return '"expected.vulnerabilities" must be a list'
    try:  # an unknown answer value, exactly as the engine would refuse it (without assessing twice)
        validate_answers(record.get("answers"))
    except ValueError as exc:
        return str(exc)
    return None


def _policy(path: str) -> Policy:
    try:
        return load_policy(path)
    except PolicyError as exc:
        raise CommandError(f"Bad policy {path}: {exc}") from exc


class Command(BaseCommand):
    help = (
        "Measure triage against labelled JSON Lines contacts: exact grade accuracy, within one grade, "
        "immediate recall and precision, call_999_advice accuracy, vulnerability micro P/R/F1 with each "
        "category, the confusion matrix and the slowest cases. With --compare A B, also list the contacts "
        "whose grade changes between policy files A and B."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="labelled JSON Lines file (each line with an \"expected\" object)")
        parser.add_argument("--policy", help="policy file to measure (default: the bundled policy.yaml)")
        parser.add_argument(
            "--compare", nargs=2, metavar=("POLICY_A", "POLICY_B"),
            help="list the contacts whose grade differs between these two policy files",
        )

    def handle(self, *args, **options):
        policy = _policy(options["policy"]) if options["policy"] else load_policy()
        pair = [_policy(path) for path in options["compare"]] if options["compare"] else None
        records = read_labelled(options["file"])
        self.stdout.write(format_report(evaluate(records, policy=policy)))
        if pair:
            path_a, path_b = options["compare"]
            changes = compare(records, pair[0], pair[1])
            self.stdout.write(
                f"\n{len(changes)} grade change(s) from {path_a} ({pair[0].version}) to {path_b} ({pair[1].version})"
            )
            for change in changes:
                self.stdout.write(
                    f"  {change.id}: {change.grade_a} -> {change.grade_b} (expected {change.expected_grade or 'unlabelled'})"
                )
