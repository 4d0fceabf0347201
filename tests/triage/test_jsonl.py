"""The JSON Lines runner: one output line per input line, errors reported per line."""

from __future__ import annotations

import io
import json

import pytest

from onedoor.triage.jsonl import run

OUTPUT_KEYS = {"id", "grade", "response", "vulnerabilities", "call_999_advice", "thrive", "rationale", "policy_version"}


def _run(text: str, workers: int = 1) -> tuple[int, list[dict]]:
    out = io.StringIO()
    errors = run(io.StringIO(text), out, workers=workers)
    return errors, [json.loads(line) for line in out.getvalue().splitlines()]


def test_good_lines_give_assessments():
    errors, rows = _run(
        '{"id": "a", "channel": "web", "text": "my bike was stolen last week"}\n'
        '{"id": "b", "channel": "sms", "text": "fight", "answers": {"happened": "within_hour"}}\n'
    )
    assert errors == 0
    assert [r["id"] for r in rows] == ["a", "b"]
    assert all(set(r) == OUTPUT_KEYS for r in rows)


def test_malformed_lines_are_reported_and_the_run_continues():
    errors, rows = _run(
        "{not json\n"
        "[1, 2]\n"
        '{"id": "c", "text": "no channel"}\n'
        '{"id": "d", "channel": "fax", "text": "hello"}\n'
        '{"id": "e", "channel": "web", "text": "hi", "answers": {"injured": "maybe"}}\n'
        '{"channel": "web", "text": "no id"}\n'
        '{"id": "f", "channel": "web", "text": "my car was scratched"}\n'
    )
    assert errors == 6
    assert [r["id"] for r in rows] == [None, None, "c", "d", "e", None, "f"]
    assert all(set(r) == {"id", "error"} for r in rows[:6])
    assert "not valid JSON" in rows[0]["error"]
    assert "channel" in rows[2]["error"]
    assert "unknown channel 'fax'" in rows[3]["error"]
    assert "injured" in rows[4]["error"]
    assert "grade" in rows[6]


def test_blank_lines_are_skipped():
    errors, rows = _run('\n   \n{"id": 1, "channel": "web", "text": ""}\n\n')
    assert (errors, len(rows), rows[0]["id"]) == (0, 1, 1)


def test_several_worker_processes_give_the_same_lines_in_the_same_order():
    """`onedoor triage --workers 2`: the lines are spread over processes, chunk by chunk (more
    lines than one chunk here), and come back in input order, errors included."""
    from onedoor.triage import jsonl

    texts = ["my bike was stolen last week", "a man is punching a woman outside right now",
             "I lost my wallet on the bus", "there's a toddler wandering by the main road on his own"]
    lines = [json.dumps({"id": i, "channel": "web", "text": f"{texts[i % 4]} ({i})"}) for i in range(jsonl.CHUNK + 9)]
    lines[5] = "{not json"
    text = "\n".join(lines) + "\n"
    one = _run(text)
    two = _run(text, workers=2)
    assert one == two
    assert two[0] == 1 and len(two[1]) == jsonl.CHUNK + 9
    assert [r["id"] for r in two[1]][:7] == [0, 1, 2, 3, 4, None, 6]


def test_several_workers_need_a_policy_file():
    from onedoor.triage.policy import build_policy, load_policy

    raw = load_policy()
    policy = build_policy(__import__("yaml").safe_load(open(raw.source, encoding="utf-8")))
    with pytest.raises(ValueError, match="policy loaded from a file"):
        run(io.StringIO('{"id": 1, "channel": "web", "text": "hi"}\n'), io.StringIO(), policy=policy, workers=2)


def test_a_line_that_is_not_utf8_gets_an_error_and_the_rest_carry_on(tmp_path):
    from django.core.management import call_command

    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"id": "n1", "channel": "web", "text": "caf\xe9 bike stolen"}\n'
                     b'{"id": "n2", "channel": "web", "text": "my bike was stolen"}\n')
    err = io.StringIO()
    call_command("triage", "--input", str(path), "--output", str(tmp_path / "out.jsonl"), stderr=err)
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows[0] == {"id": None, "error": "line 1: not UTF-8 text (save the file as UTF-8)"}
    assert rows[1]["id"] == "n2" and "grade" in rows[1]
    assert "1 line(s) could not be assessed" in err.getvalue()


def test_strict_fails_the_run_when_a_line_could_not_be_assessed(tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a", "channel": "web", "text": "my bike was stolen"}\nnot json\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with pytest.raises(CommandError, match="1 line"):
        call_command("triage", "--input", str(path), "--output", str(out), "--strict", stderr=io.StringIO())
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0]["id"] == "a" and "grade" in rows[0] and "error" in rows[1]
    path.write_text('{"id": "a", "channel": "web", "text": "my bike was stolen"}\n', encoding="utf-8")
    call_command("triage", "--input", str(path), "--output", str(out), "--strict")  # no error: no exception


def test_a_broken_json_line_is_described_in_the_parsers_words():
    from onedoor.triage.jsonl import assess_line
    from onedoor.triage.policy import load_policy

    row = assess_line('{"id": "2", "channel": "sms", "text": "broken\n', line_number=2, policy=load_policy())
    assert row == {"id": None, "error": "line 2: not valid JSON (Unterminated string starting at column 39)"}
    row = assess_line("not json\n", line_number=1, policy=load_policy())
    assert row["error"] == "line 1: not valid JSON (Expecting value at column 1)"
