"""onedoor triage-eval FILE [--policy P] [--compare A B] (the triage_eval management command)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from onedoor.triage.evaluation import evaluate, format_report, read_labelled
from onedoor.triage.policy import DEFAULT_POLICY_PATH

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parents[2]


def small_set(tmp_path) -> str:
    """Five labelled contacts from dev_c (the whole set is slow with the optional semantic model)."""
    path = tmp_path / "small.jsonl"
    path.write_text("\n".join((DATA / "dev_c.jsonl").read_text(encoding="utf-8").splitlines()[:5]) + "\n", encoding="utf-8")
    return str(path)


def run(*args: str) -> str:
    out = StringIO()
    call_command("triage_eval", *args, stdout=out)
    return out.getvalue()


def test_prints_exactly_the_evaluation_report(tmp_path):
    path = small_set(tmp_path)
    output = run(path)
    expected = format_report(evaluate(read_labelled(path)))
    # Everything but the timings, which differ run to run.
    assert output.split("slowest cases")[0] == expected.split("slowest cases")[0]
    for heading in ("exact grade accuracy", "within one grade", "immediate recall", "immediate precision",
                    "call_999_advice accuracy", "vulnerability micro P/R/F1", "confusion (rows expected",
                    "slowest cases"):
        assert heading in output



def test_not_english_scores_only_the_contacts_flagged_for_an_interpreter(tmp_path):
    data = tmp_path / "mixed.jsonl"
    data.write_text("\n".join([
        json.dumps({"id": "pl", "channel": "web",
                    "text": "Mój były chłopak od tygodnia wysyła mi dziesiątki wiadomości i czeka pod moją pracą.",
                    "expected": {"grade": "prompt", "vulnerabilities": ["stalking_harassment"], "call_999_advice": False}}),
        json.dumps({"id": "en", "channel": "web", "text": "I lost my wallet on the bus last week.",
                    "expected": {"grade": "other_resolution", "vulnerabilities": [], "call_999_advice": False}}),
    ]) + "\n", encoding="utf-8")
    assert run(str(data)).splitlines()[0].endswith(": 2 labelled contacts")
    assert run(str(data), "--not-english").splitlines()[0].endswith(": 1 labelled contact")


def test_dump_writes_each_contact_with_the_rules_that_fired(tmp_path):
    path, dump = small_set(tmp_path), tmp_path / "dump.jsonl"
    output = run(path, "--dump", str(dump))
    assert output.rstrip().endswith(f"wrote 5 contact(s) to {dump}")
    lines = [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines()]
    records = read_labelled(path)
    assert [line["id"] for line in lines] == [r["id"] for r in records]
    report = evaluate(records)
    for line, record, case in zip(lines, records, report.cases, strict=True):
        assert line["file"] == "small.jsonl" and line["text"] == record["text"] and line["channel"] == record["channel"]
        assert line["expected_grade"] == record["expected"]["grade"] and line["grade"] == case.grade
        assert line["rules_fired"] == list(case.rules_fired) and line["rules_fired"]
        assert line["learned_grade_probabilities"] == dict(case.learned_grade_probabilities)


def test_dump_to_a_place_that_cannot_be_written_is_refused_before_assessing(tmp_path):
    with pytest.raises(CommandError, match="Cannot write"):
        run(small_set(tmp_path), "--dump", str(tmp_path / "missing" / "dump.jsonl"))

def test_compare_lists_the_grade_changes_between_two_policies(tmp_path):
    raw = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    for sibling in DEFAULT_POLICY_PATH.parent.glob("*.yaml"):  # files the policy refers to, if any
        if sibling != DEFAULT_POLICY_PATH:
            (tmp_path / sibling.name).write_bytes(sibling.read_bytes())
    no_floor = tmp_path / "no-floor.yaml"
    no_floor.write_text(raw.replace('version: "', 'version: "nofloor-').replace("  floor: prompt\n", "  floor: none\n"),
                        encoding="utf-8")
    data = tmp_path / "c.jsonl"
    data.write_text("\n".join([
        json.dumps({"id": "pl", "channel": "web", "text": "Dzień dobry, jak mogę zgłosić zgubiony paszport?",
                    "expected": {"grade": "prompt", "vulnerabilities": [], "call_999_advice": False}}),
        json.dumps({"id": "en", "channel": "web", "text": "I lost my wallet on the bus last week.",
                    "expected": {"grade": "other_resolution", "vulnerabilities": [], "call_999_advice": False}}),
        json.dumps({"id": "unlabelled", "channel": "sms", "text": "Bună ziua, unde pot plăti o amendă de parcare?"}),
    ]) + "\n", encoding="utf-8")
    output = run(str(data), "--compare", str(no_floor), str(DEFAULT_POLICY_PATH))
    assert "2 grade change(s) from" in output
    assert "  pl: other_resolution -> prompt (expected prompt)" in output
    assert "  unlabelled: other_resolution -> prompt (expected unlabelled)" in output
    assert "  en:" not in output.split("grade change(s)")[1]


def test_policy_option_measures_another_policy(tmp_path):
    output = run(small_set(tmp_path), "--policy", str(DEFAULT_POLICY_PATH))
    assert output.startswith("policy cam-")


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot open .*missing.jsonl: no such file"):
        run(str(tmp_path / "missing.jsonl"))


def test_malformed_lines_are_listed_with_their_numbers(tmp_path):
    data = tmp_path / "bad.jsonl"
    data.write_text('{"id": "a", "channel": "web", "text": "hi", "expected": {"grade": "prompt"}}\n'
                    '{"id": "b",\n'
                    '\n'
                    '["not", "an", "object"]\n'
                    '{"id": "c", "channel": "fax", "text": "hi"}\n'
                    '{"id": "d", "channel": "web", "text": "hi", "expected": {"grade": "urgent"}}\n'
                    '{"id": "e", "channel": "web", "text": "hi", "answers": {"weapons": "yes"}}\n', encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run(str(data))
    message = str(error.value)
    assert "5 malformed line(s)" in message
    assert "line 2: not valid JSON" in message
    assert "line 4: each line must be a JSON object" in message
    assert "line 5: channel must be one of" in message
    assert 'line 6: "expected" must be an object' in message
    assert "line 7: answer 'weapons' must be true or false" in message


def test_a_file_without_labels_is_refused(tmp_path):
    data = tmp_path / "unlabelled.jsonl"
    data.write_text('{"id": "a", "channel": "web", "text": "hi"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="no labelled contacts"):
        run(str(data))


def test_a_bad_policy_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: x\nlanguage: {floor: urgent}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Bad policy .*bad.yaml"):
        run(small_set(tmp_path), "--compare", str(bad), str(DEFAULT_POLICY_PATH))
    with pytest.raises(CommandError, match="Bad policy .*nowhere.yaml: cannot read"):
        run(small_set(tmp_path), "--policy", str(tmp_path / "nowhere.yaml"))


def test_the_hyphenated_command_name_works_from_the_cli(tmp_path):
    onedoor = Path(sys.executable).with_name("onedoor")
    if not onedoor.exists():
        pytest.skip("the onedoor script is not installed beside this Python")
    env = os.environ | {"ONEDOOR_TRIAGE_SEMANTIC": "off", "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    done = subprocess.run([str(onedoor), "triage-eval", small_set(tmp_path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, check=False, env=env)
    assert done.returncode == 0, done.stderr
    assert "exact grade accuracy" in done.stdout
    failed = subprocess.run([str(onedoor), "triage-eval", "/nonexistent.jsonl"], capture_output=True, text=True,
                            cwd=ROOT, timeout=120, check=False, env=env)
    assert failed.returncode == 1
    assert "Cannot open /nonexistent.jsonl: no such file" in failed.stderr


def test_threats_to_life_counts_each_safety_rule_true_and_false(tmp_path):
    data = tmp_path / "t.jsonl"
    rows = [
        ("k1", "There's a man with a knife outside my door right now, he's shouting he'll stab me.", "immediate"),
        ("k2", "A man pulled a knife on my son in the park half an hour ago. He's home now, not hurt.", "prompt"),
        ("f1", "My neighbour's kitchen is on fire and she's still inside, smoke everywhere.", "immediate"),
        ("q1", "Is it legal to carry a knife in Scotland?", "other_resolution"),
    ]
    data.write_text("\n".join(json.dumps({
        "id": ident, "channel": "web", "text": text,
        "expected": {"grade": grade, "vulnerabilities": [], "call_999_advice": grade == "immediate"},
    }) for ident, text, grade in rows) + "\n", encoding="utf-8")
    output = run(str(data), "--threats-to-life")
    table = output.split("threats to life (override.life_threat)")[1]
    weapon = next(line.split() for line in table.splitlines() if line.strip().startswith("threat.weapon"))
    # k1 and k2 fire it; k2 is the false one; the question (q1) never counts.
    assert weapon[1:3] == ["1", "1"] and weapon[-1] == "k2"
    assert any(line.strip().startswith("harm.fire ") for line in table.splitlines())
    assert "q1" not in table
