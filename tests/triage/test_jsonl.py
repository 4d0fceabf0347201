"""The JSON Lines runner: one output line per input line, errors reported per line."""

from __future__ import annotations

import io
import json

from onedoor.triage.jsonl import run

OUTPUT_KEYS = {"id", "grade", "response", "vulnerabilities", "call_999_advice", "thrive", "rationale", "policy_version"}


def _run(text: str) -> tuple[int, list[dict]]:
    out = io.StringIO()
    errors = run(io.StringIO(text), out)
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
