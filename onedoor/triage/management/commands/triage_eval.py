"""onedoor triage-eval FILE.jsonl [--policy POLICY] [--compare POLICY_A POLICY_B] [--threats-to-life] [--not-english] [--dump OUT.jsonl]

Measure the triage engine against labelled contacts (one JSON object a line, with an
``expected`` field: {"grade", "vulnerabilities", "call_999_advice"}), and optionally list the
contacts whose grade changes between two policy files. ``onedoor triage_eval`` works too (Django
command modules cannot contain a hyphen; onedoor.cli maps the hyphenated name).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from onedoor.triage import evaluation
from onedoor.triage.evaluation import (
    compare,
    evaluate,
    format_report,
    format_threats_to_life,
    tally_threats_to_life,
    write_cases,
)
from onedoor.triage.management.training import open_output
from onedoor.triage.policy import Policy, PolicyError, load_policy


def read_labelled(path: str) -> list[dict[str, Any]]:
    """The records of a labelled file, or a CommandError naming every bad line (up to 10)."""
    try:
        return evaluation.read_labelled(path)
    except evaluation.LabelledFileError as exc:
        raise CommandError(str(exc)) from exc


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
        "whose grade changes between policy files A and B. With --threats-to-life, also count, for each "
        "indicator that made a contact a threat to life, the contacts labelled immediate and not. With "
        "--not-english, score only the contacts the engine flags for an interpreter. With --dump OUT.jsonl, also "
        "write one line per contact: expected and given grade, the rules that fired and the learned model's "
        "probabilities."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="labelled JSON Lines file (each line with an \"expected\" object)")
        parser.add_argument("--policy", help="policy file to measure (default: the bundled policy.yaml)")
        parser.add_argument(
            "--compare", nargs=2, metavar=("POLICY_A", "POLICY_B"),
            help="list the contacts whose grade differs between these two policy files",
        )
        parser.add_argument(
            "--threats-to-life", action="store_true",
            help="for each indicator that made a contact a threat to life (which the learned model may "
                 "never overrule), count the contacts labelled immediate and not, with the false ones' ids",
        )
        parser.add_argument(
            "--not-english", action="store_true",
            help="score only the contacts the engine finds are not in English (flagged for an interpreter), "
                 "to measure the other-language words on their own",
        )
        parser.add_argument(
            "--dump", metavar="OUT.jsonl",
            help="write one JSON line per contact scored (its text, expected and given grade, vulnerabilities, the "
                 "rules that fired, the rules' own grade and the learned model's grade probabilities) to OUT.jsonl",
        )

    def handle(self, *args, **options):
        policy = _policy(options["policy"]) if options["policy"] else load_policy()
        pair = [_policy(path) for path in options["compare"]] if options["compare"] else None
        records = read_labelled(options["file"])
        with open_output(options["dump"]) if options["dump"] else contextlib.nullcontext() as dump:
            report = evaluate(records, policy=policy, not_english=options["not_english"])
            self.stdout.write(format_report(report))
            if dump is not None:
                written = write_cases(report.cases, dump, file=Path(options["file"]).name)
                self.stdout.write(f"\nwrote {written} contact(s) to {options['dump']}")
        if options["threats_to_life"]:
            self.stdout.write("\n" + format_threats_to_life(tally_threats_to_life(records, policy=policy)))
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
