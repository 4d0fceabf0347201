"""Floors on tests/triage/data/dev_b.jsonl (125 contacts written before policy cam-2026.11.2 was
tuned on them) and dev_c.jsonl (30 contacts written after tuning, scored blind, then used to fix
general rules). Both are development sets: the levels below are what the engine reached, so a
drop is a regression. Never lower a floor without saying why in the commit."""

from __future__ import annotations

from pathlib import Path

from onedoor.triage.evaluation import evaluate, read_labelled

DATA = Path(__file__).resolve().parent / "data"


def test_dev_b_floors():
    report = evaluate(read_labelled(str(DATA / "dev_b.jsonl")))
    assert len(report.cases) >= 120
    assert report.immediate_recall == 1.0
    assert report.immediate_precision == 1.0
    assert report.grade_accuracy == 1.0
    assert report.within_one_accuracy == 1.0
    assert report.call_999_accuracy == 1.0
    assert report.vulnerability_micro_f1 == 1.0


def test_dev_c_floors():
    report = evaluate(read_labelled(str(DATA / "dev_c.jsonl")))
    assert report.immediate_recall == 1.0
    assert report.grade_accuracy >= 0.96
    assert report.call_999_accuracy == 1.0
    assert report.vulnerability_micro_f1 >= 0.96
