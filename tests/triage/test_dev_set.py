"""Floors on the shared development set (triage/dev.jsonl). Raise them as the engine improves;
never lower one without saying why in the commit."""

from __future__ import annotations

from pathlib import Path

import pytest

from onedoor.triage.evaluation import evaluate, read_labelled

CANDIDATES = [
    Path(__file__).resolve().parents[2] / "triage" / "dev.jsonl",
    Path("/work/shared/triage/dev.jsonl"),
]
DEV = next((p for p in CANDIDATES if p.exists()), None)


@pytest.mark.skipif(DEV is None, reason="triage/dev.jsonl is not available here")
def test_dev_set_floors():
    report = evaluate(read_labelled(str(DEV)))
    assert report.immediate_recall == 1.0
    assert report.grade_accuracy >= 0.95
    assert report.within_one_accuracy == 1.0
    assert report.call_999_accuracy >= 0.95
    assert report.vulnerability_micro_f1 >= 0.95
