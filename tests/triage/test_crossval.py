"""Whole-engine cross-validation (onedoor.triage.crossval and `onedoor triage-cv`)."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from onedoor.triage import crossval, evaluation, semantic
from onedoor.triage.policy import load_policy

DATA = Path(__file__).parent / "data"
needs_model = pytest.mark.skipif(not semantic.semantic_available(), reason="sentence model not installed (make install ML=1)")


@needs_model
def test_each_file_is_assessed_by_the_engine_with_a_model_that_never_saw_it(tmp_path):
    pytest.importorskip("sklearn")
    files = [DATA / "dev_c.jsonl", DATA / "dev_shared.jsonl"]
    settings = [crossval.Setting(0.15, 0.7), crossval.Setting(0.9, 0.7)]
    results = crossval.cross_validate_engine(files, settings=settings, always=[DATA / "heldout_a.jsonl"])
    assert [r.setting for r in results] == settings
    low, high = results
    assert set(low.by_file) == {"dev_c.jsonl", "dev_shared.jsonl"}
    assert len(low.pooled.cases) == 70  # the file trained on always is never scored
    assert low.pooled.policy_version == load_policy().version
    # A higher emergency threshold can only take emergencies away from the learned layer.
    assert sum(c.grade == "immediate" for c in high.pooled.cases) <= sum(c.grade == "immediate" for c in low.pooled.cases)
    # Pooled scores are the scores of every fold's cases together.
    cases = [c for report in low.by_file.values() for c in report.cases]
    assert low.pooled.grade_accuracy == evaluation.score(cases, "x").grade_accuracy
    text = crossval.format_results(results)
    assert "immediate 0.15, vulnerability 0.7" in text and "dev_c.jsonl" in text


def test_the_command_checks_its_arguments_before_loading_anything(tmp_path):
    with pytest.raises(CommandError, match="thresholds must be in"):
        call_command("triage_cv", str(DATA / "dev_c.jsonl"), str(DATA / "dev_shared.jsonl"), "--immediate-threshold", "0")
    with pytest.raises(CommandError, match="at least two files"):
        call_command("triage_cv", str(DATA / "dev_c.jsonl"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "channel": "web", "text": "x"}\n')
    with pytest.raises(CommandError, match="no \"expected\" field"):
        call_command("triage_cv", str(bad), str(DATA / "dev_c.jsonl"))
