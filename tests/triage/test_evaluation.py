"""Evaluation maths on a tiny handmade set where every number can be checked by hand."""

from __future__ import annotations

import pytest

from onedoor.triage.evaluation import compare, evaluate, format_report
from onedoor.triage.policy import build_policy, load_policy

KNIFE = "there is a man with a knife outside right now"
BIKE = "my bike was stolen last week"
ROBBERY = "my phone was snatched 10 minutes ago, he ran towards the park"


def record(ident, text, grade, vulnerabilities=(), call_999=False):
    return {"id": ident, "channel": "web", "text": text,
            "expected": {"grade": grade, "vulnerabilities": list(vulnerabilities), "call_999_advice": call_999}}


@pytest.fixture
def report():
    return evaluate(
        [
            record("r1", KNIFE, "immediate", call_999=True),                # right
            record("r2", BIKE, "other_resolution"),                          # right
            record("r3", ROBBERY, "immediate", ["older_or_frail"], True),   # engine says prompt, no vuln
            record("r4", BIKE, "standard", ["hate_crime"]),                  # 2 grades away, one vuln missed
            {"id": "unlabelled", "channel": "web", "text": BIKE},            # ignored
        ]
    )


def test_grade_accuracies(report):
    assert len(report.cases) == 4
    assert report.grade_accuracy == pytest.approx(2 / 4)
    assert report.within_one_accuracy == pytest.approx(4 / 4)  # r3 and r4 are each one grade away


def test_immediate_recall_and_precision(report):
    assert report.immediate_recall == pytest.approx(1 / 2)
    assert report.immediate_precision == pytest.approx(1 / 1)


def test_call_999_accuracy(report):
    assert report.call_999_accuracy == pytest.approx(3 / 4)


def test_vulnerability_scores(report):
    micro = report.vulnerability_micro
    assert (micro.true_positives, micro.false_positives, micro.false_negatives) == (0, 0, 2)
    assert micro.recall == 0.0 and report.vulnerability_micro_f1 == 0.0
    assert report.vulnerability_by_category["hate_crime"].false_negatives == 1


def test_confusion_matrix(report):
    assert report.confusion["immediate"]["immediate"] == 1
    assert report.confusion["immediate"]["prompt"] == 1
    assert report.confusion["standard"]["other_resolution"] == 1
    assert sum(sum(row.values()) for row in report.confusion.values()) == 4


def test_slowest_cases_are_timed(report):
    assert len(report.slowest) == 4
    assert all(case.milliseconds > 0 for case in report.slowest)


def test_format_report_mentions_the_key_numbers(report):
    text = format_report(report)
    assert "exact grade accuracy      0.500" in text
    assert "r3: expected immediate, got prompt" in text


def test_compare_lists_grade_changes():
    base = load_policy()
    raw = {"version": "cam-test", "grade_rules": [
        {"id": "everything_standard", "when": {}, "grade": "standard"}],
        "service_standards": {
            g: {"response": r, "target_minutes": 1} for g, r in [
                ("immediate", "emergency_response"), ("prompt", "prompt_response"),
                ("standard", "local_policing_appointment"), ("other_resolution", "resolution_team")]}}
    flat = build_policy(raw)
    changes = compare([record("r1", KNIFE, "immediate"), record("r2", BIKE, "other_resolution")], base, flat)
    assert [(c.id, c.grade_a, c.grade_b) for c in changes] == [("r1", "immediate", "standard"), ("r2", "other_resolution", "standard")]
