"""Measuring the triage engine against labelled contacts (such as triage/dev.jsonl).

``evaluate(records)`` assesses every record that has an ``expected`` field and reports grade
accuracy, immediate recall and precision (missing an emergency is the worst error),
call_999_advice accuracy, vulnerability precision/recall, a confusion matrix and the slowest
cases. ``compare(records, policy_a, policy_b)`` lists the contacts whose grade a policy change
would move, for reviewing a policy change before it is committed.

Run it: ``python -m onedoor.triage.evaluation path/to/labelled.jsonl``
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from onedoor.triage.engine import CHANNELS, Assessment, assess, threats_to_life, validate_answers
from onedoor.triage.jsonl import json_problem
from onedoor.triage.policy import GRADES, VULNERABILITIES, Policy, load_policy

GRADE_RANK = {grade: rank for rank, grade in enumerate(GRADES)}  # immediate=0 ... other_resolution=3


@dataclass(frozen=True)
class CaseResult:
    id: str
    expected_grade: str
    grade: str
    expected_vulnerabilities: tuple[str, ...]
    vulnerabilities: tuple[str, ...]
    expected_call_999: bool | None
    call_999_advice: bool
    milliseconds: float
    # What ``--dump`` writes beside the scores, to study the engine's choices contact by contact.
    channel: str = ""
    text: str = ""
    file: str = ""
    rules_grade: str = ""
    rules_fired: tuple[str, ...] = ()
    interpreter_needed: bool = False
    learned_grade_probabilities: Mapping[str, float] = field(default_factory=dict)
    learned_vulnerability_probabilities: Mapping[str, float] = field(default_factory=dict)
    words_chance: float | None = None


@dataclass(frozen=True)
class CategoryScore:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_negatives)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


@dataclass(frozen=True)
class Report:
    cases: tuple[CaseResult, ...]
    policy_version: str
    grade_accuracy: float
    within_one_accuracy: float
    immediate_recall: float
    immediate_precision: float
    call_999_accuracy: float
    vulnerability_micro: CategoryScore
    vulnerability_by_category: Mapping[str, CategoryScore]
    confusion: Mapping[str, Mapping[str, int]]  # expected -> predicted -> count
    slowest: tuple[CaseResult, ...] = field(default=())

    @property
    def vulnerability_micro_f1(self) -> float:
        return self.vulnerability_micro.f1

    @property
    def mismatches(self) -> tuple[CaseResult, ...]:
        return tuple(c for c in self.cases if c.grade != c.expected_grade)


def _ratio(numerator: int, denominator: int) -> float:
    # An empty denominator means there was nothing to get wrong.
    return 1.0 if denominator == 0 else numerator / denominator


def _timed_assess(record: Mapping[str, Any], policy: Policy) -> tuple[Assessment, float]:
    started = time.perf_counter()
    assessment = assess(
        text=record.get("text", ""), channel=record["channel"], answers=record.get("answers"), policy=policy
    )
    return assessment, (time.perf_counter() - started) * 1000


def evaluate(
    records: Iterable[Mapping[str, Any]], *, policy: Policy | None = None, slowest: int = 5, not_english: bool = False
) -> Report:
    """Assess each labelled record and score the engine against the `expected` fields; with
    `not_english`, only the contacts the engine flags for an interpreter."""
    policy = policy or load_policy()
    results: list[CaseResult] = []
    for index, record in enumerate(records):
        expected = record.get("expected")
        if not expected:
            continue
        assessment, ms = _timed_assess(record, policy)
        if not_english and not assessment.interpreter_needed:
            continue
        results.append(
            CaseResult(
                id=str(record.get("id", index)),
                expected_grade=expected["grade"],
                grade=assessment.grade,
                expected_vulnerabilities=tuple(sorted(expected.get("vulnerabilities", ()))),
                vulnerabilities=tuple(assessment.vulnerabilities),
                expected_call_999=expected.get("call_999_advice"),
                call_999_advice=assessment.call_999_advice,
                milliseconds=ms,
                channel=record["channel"],
                text=record.get("text", ""),
                file=str(record.get("_file", "")),
                rules_grade=assessment.rules_grade,
                rules_fired=tuple(assessment.rules_fired),
                interpreter_needed=assessment.interpreter_needed,
                learned_grade_probabilities=dict(assessment.learned_grade_probabilities),
                learned_vulnerability_probabilities=dict(assessment.learned_vulnerability_probabilities),
                words_chance=assessment.words_chance,
            )
        )
    return score(results, policy.version, slowest)


def write_cases(cases: Iterable[CaseResult], out: TextIO, **extra: Any) -> int:
    """Write one JSON line per assessed contact to `out` (what was expected, what the engine
    gave, the rules that fired, the grade the rules alone gave when something changed it, and the
    learned model's probabilities), with the `extra` keys added; returns the number written.
    For studying the engine's choices contact by contact (``triage-eval --dump``, ``triage-cv --dump``)."""
    written = 0
    for case in cases:
        line = {**dataclasses.asdict(case), **extra}
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        written += 1
    return written


def score(results: Sequence[CaseResult], version: str, slowest: int = 5) -> Report:
    """Score assessed cases (from `evaluate`, or pooled from several runs)."""
    total = len(results)
    exact = sum(1 for c in results if c.grade == c.expected_grade)
    within_one = sum(1 for c in results if abs(GRADE_RANK[c.grade] - GRADE_RANK[c.expected_grade]) <= 1)
    expected_immediate = [c for c in results if c.expected_grade == "immediate"]
    predicted_immediate = [c for c in results if c.grade == "immediate"]
    both = sum(1 for c in expected_immediate if c.grade == "immediate")
    labelled_999 = [c for c in results if c.expected_call_999 is not None]
    categories = sorted(set(VULNERABILITIES) | {v for c in results for v in c.expected_vulnerabilities})
    by_category = {}
    for category in categories:
        by_category[category] = CategoryScore(
            true_positives=sum(1 for c in results if category in c.vulnerabilities and category in c.expected_vulnerabilities),
            false_positives=sum(1 for c in results if category in c.vulnerabilities and category not in c.expected_vulnerabilities),
            false_negatives=sum(1 for c in results if category not in c.vulnerabilities and category in c.expected_vulnerabilities),
        )
    micro = CategoryScore(
        true_positives=sum(s.true_positives for s in by_category.values()),
        false_positives=sum(s.false_positives for s in by_category.values()),
        false_negatives=sum(s.false_negatives for s in by_category.values()),
    )
    confusion = {e: {p: 0 for p in GRADES} for e in GRADES}
    for c in results:
        confusion[c.expected_grade][c.grade] += 1
    return Report(
        cases=tuple(results),
        policy_version=version,
        grade_accuracy=_ratio(exact, total),
        within_one_accuracy=_ratio(within_one, total),
        immediate_recall=_ratio(both, len(expected_immediate)),
        immediate_precision=_ratio(both, len(predicted_immediate)),
        call_999_accuracy=_ratio(sum(1 for c in labelled_999 if c.call_999_advice == c.expected_call_999), len(labelled_999)),
        vulnerability_micro=micro,
        vulnerability_by_category={k: v for k, v in by_category.items() if v.true_positives + v.false_positives + v.false_negatives},
        confusion=confusion,
        slowest=tuple(sorted(results, key=lambda c: c.milliseconds, reverse=True)[:slowest]),
    )


def format_report(report: Report) -> str:
    """A plain-text report for the terminal or a pull request."""
    expected_immediate = sum(c.expected_grade == "immediate" for c in report.cases)
    graded_immediate = sum(c.grade == "immediate" for c in report.cases)
    n = len(report.cases)
    lines = [
        f"policy {report.policy_version}: {n} labelled contact{'' if n == 1 else 's'}",
        f"exact grade accuracy      {report.grade_accuracy:.3f}",
        f"within one grade          {report.within_one_accuracy:.3f}",
        # With no emergency expected (or none graded) there is nothing to measure: say so.
        f"immediate recall          {report.immediate_recall:.3f}" if expected_immediate else
        "immediate recall          n/a (no contact is labelled immediate)",
        f"immediate precision       {report.immediate_precision:.3f}" if graded_immediate else
        "immediate precision       n/a (no contact was graded immediate)",
        f"call_999_advice accuracy  {report.call_999_accuracy:.3f}",
        f"vulnerability micro P/R/F1 {report.vulnerability_micro.precision:.3f} / "
        f"{report.vulnerability_micro.recall:.3f} / {report.vulnerability_micro.f1:.3f}",
        "",
        "vulnerability            precision recall  tp fp fn",
    ]
    for category, score in report.vulnerability_by_category.items():
        lines.append(
            f"  {category:<22} {score.precision:9.3f} {score.recall:6.3f} "
            f"{score.true_positives:3d} {score.false_positives:2d} {score.false_negatives:2d}"
        )
    lines += ["", "confusion (rows expected, columns predicted)", "  " + " ".join(f"{g[:9]:>9}" for g in ("",) + GRADES)]
    for expected in GRADES:
        lines.append("  " + f"{expected[:9]:>9} " + " ".join(f"{report.confusion[expected][p]:>9}" for p in GRADES))
    if report.mismatches:
        lines += ["", "grade mismatches"]
        lines += [f"  {c.id}: expected {c.expected_grade}, got {c.grade}" for c in report.mismatches]
    lines += ["", "slowest cases (the first call of a run also loads the models)"]
    lines += [f"  {c.id}: {c.milliseconds:.2f} ms" for c in report.slowest]
    return "\n".join(lines)


@dataclass(frozen=True)
class GradeChange:
    id: str
    grade_a: str
    grade_b: str
    expected_grade: str | None


def compare(records: Iterable[Mapping[str, Any]], policy_a: Policy, policy_b: Policy) -> list[GradeChange]:
    """The contacts whose grade differs between two policies."""
    changes: list[GradeChange] = []
    for index, record in enumerate(records):
        a, _ = _timed_assess(record, policy_a)
        b, _ = _timed_assess(record, policy_b)
        if a.grade != b.grade:
            expected = (record.get("expected") or {}).get("grade")
            changes.append(GradeChange(str(record.get("id", index)), a.grade, b.grade, expected))
    return changes


@dataclass(frozen=True)
class SafetyRuleTally:
    """How often one indicator made a contact a threat to life, and whether it was one: the
    contacts labelled immediate and not, in all and where it was the only such indicator."""

    indicator: str
    true: int
    false: int
    alone_true: int
    alone_false: int
    false_ids: tuple[str, ...]


def tally_threats_to_life(records: Iterable[Mapping[str, Any]], *, policy: Policy | None = None) -> list[SafetyRuleTally]:
    """For each indicator that made a labelled contact a threat to life (which no model may
    overrule), how many of those contacts were labelled immediate: its false emergencies first."""
    policy = policy or load_policy()
    counts: dict[str, list[int]] = {}
    false_ids: dict[str, list[str]] = {}
    for index, record in enumerate(records):
        expected = record.get("expected")
        if not expected:
            continue
        fired = threats_to_life(text=record.get("text", ""), channel=record["channel"], answers=record.get("answers"), policy=policy)
        emergency = expected["grade"] == "immediate"
        for indicator in fired:
            tally = counts.setdefault(indicator, [0, 0, 0, 0])
            tally[0 if emergency else 1] += 1
            if len(fired) == 1:
                tally[2 if emergency else 3] += 1
            if not emergency:
                false_ids.setdefault(indicator, []).append(str(record.get("id", index)))
    tallies = [
        SafetyRuleTally(indicator, *tally, false_ids=tuple(false_ids.get(indicator, ())))
        for indicator, tally in counts.items()
    ]
    return sorted(tallies, key=lambda t: (-t.false, -t.true, t.indicator))


def format_threats_to_life(tallies: Sequence[SafetyRuleTally], shown: int = 5) -> str:
    """The tallies as a table, with the first few false emergencies' ids for each indicator."""
    if not tallies:
        return "threats to life: no indicator made any of these contacts a threat to life"
    lines = [
        "threats to life (override.life_threat), by indicator: contacts labelled immediate / not,",
        "and where it was the only such indicator",
        f"  {'indicator':<34} {'true':>5} {'false':>5} {'alone':>11}  false ids",
    ]
    for t in tallies:
        ids = ", ".join(t.false_ids[:shown]) + (" ..." if len(t.false_ids) > shown else "")
        lines.append(f"  {t.indicator:<34} {t.true:>5} {t.false:>5} {t.alone_true:>5}/{t.alone_false:<5}  {ids}")
    return "\n".join(lines)


MAX_ERRORS_SHOWN = 10


class LabelledFileError(ValueError):
    """A labelled file that cannot be used: unreadable, or malformed lines (each named)."""


def read_labelled(path: str | Path, *, require_expected: bool = False) -> list[dict[str, Any]]:
    """The records of a labelled JSON Lines file (the dev.jsonl format), checked line by line.

    Every bad line is named by number (up to 10 are shown): not JSON, not an object, an unknown
    channel, text not a string, a bad ``expected`` (grade, vulnerabilities), answers the engine
    would refuse. ``require_expected`` (training) needs an ``expected`` on every line; otherwise
    (measuring) at least one line must have one. Blank lines are skipped.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except FileNotFoundError as exc:
        raise LabelledFileError(f"Cannot open {path}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelledFileError(f"Cannot read {path}: {exc}") from exc
    records: list[dict[str, Any]] = []
    errors: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"line {number}: {json_problem(exc)}")
            continue
        problem = _problem(record, require_expected=require_expected)
        if problem:
            errors.append(f"line {number}: {problem}")
            continue
        records.append(record)
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        more = f"\n  ... and {len(errors) - len(shown)} more" if len(errors) > len(shown) else ""
        raise LabelledFileError(f"{path} has {len(errors)} malformed line(s):\n  " + "\n  ".join(shown) + more)
    if not any(r.get("expected") for r in records):
        raise LabelledFileError(f'{path} has no labelled contacts (no line has an "expected" field)')
    return records


def _problem(record: Any, *, require_expected: bool) -> str | None:
    if not isinstance(record, dict):
        return "each line must be a JSON object"
    if record.get("channel") not in CHANNELS:
        return f"channel must be one of {', '.join(sorted(CHANNELS))}, not {record.get('channel')!r}"
    if not isinstance(record.get("text", ""), str) or (require_expected and "text" not in record):
        return '"text" must be a string'
    expected = record.get("expected")
    if expected is None and require_expected:
        return 'no "expected" field (every contact trained on must be labelled)'
    if expected is not None:
        if not isinstance(expected, dict) or expected.get("grade") not in GRADES:
            return f'"expected" must be an object whose "grade" is one of {", ".join(GRADES)}'
        vulnerabilities = expected.get("vulnerabilities", [])
        if not isinstance(vulnerabilities, list):
            return '"expected.vulnerabilities" must be a list'
        unknown = sorted(str(v) for v in vulnerabilities if v not in VULNERABILITIES)
        if unknown:
            return f'"expected.vulnerabilities" has unknown categories {unknown}'
    try:  # an unknown answer value, exactly as the engine would refuse it (without assessing twice)
        validate_answers(record.get("answers"))
    except ValueError as exc:
        return str(exc)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) not in (1, 2) or args[0] in ("-h", "--help"):
        print("usage: python -m onedoor.triage.evaluation LABELLED.jsonl [OTHER_POLICY.yaml]", file=sys.stderr)
        return 2
    try:
        records = read_labelled(args[0])
    except LabelledFileError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(format_report(evaluate(records)))
    if len(args) == 2:
        changes = compare(records, load_policy(), load_policy(args[1]))
        print(f"\n{len(changes)} grade change(s) with {args[1]}")
        for change in changes:
            print(f"  {change.id}: {change.grade_a} -> {change.grade_b} (expected {change.expected_grade})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
