"""JSON Lines runner for triage: one contact in, one assessment out, per line.

Input lines are ``{"id", "channel", "text", "answers"?}``; output lines are
``{"id", "grade", "response", "vulnerabilities", "call_999_advice", "thrive", "rationale",
"policy_version"}``. A line that cannot be assessed gets ``{"id", "error"}`` instead and the
run carries on, so one bad record never loses the rest of a batch.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from onedoor.triage.engine import assess
from onedoor.triage.policy import Policy, load_policy


def run(infile: TextIO, outfile: TextIO, *, policy: Policy | None = None) -> int:
    """Assess every line of `infile`, write one JSON object per line to `outfile`; return the error count."""
    policy = policy or load_policy()
    errors = 0
    for line_number, line in enumerate(infile, start=1):
        if not line.strip():
            continue
        result = assess_line(line, line_number=line_number, policy=policy)
        if "error" in result:
            errors += 1
        outfile.write(json.dumps(result, ensure_ascii=False) + "\n")
    return errors


def assess_line(line: str, *, line_number: int, policy: Policy) -> dict[str, Any]:
    """Assess one JSON Lines record, or describe why it cannot be assessed."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"line {line_number}: not valid JSON ({exc.msg} at column {exc.colno})"}
    if not isinstance(record, dict):
        return {"id": None, "error": f"line {line_number}: expected a JSON object, got {type(record).__name__}"}
    record_id = record.get("id")
    if not isinstance(record_id, str | int) or isinstance(record_id, bool):
        record_id = None
    problem = _missing_fields(record)
    if problem:
        return {"id": record_id, "error": f"line {line_number}: {problem}"}
    try:
        assessment = assess(
            text=record["text"], channel=record["channel"], answers=record.get("answers"), policy=policy
        )
    except ValueError as exc:
        return {"id": record_id, "error": f"line {line_number}: {exc}"}
    return {"id": record_id, **assessment.to_dict()}


def _missing_fields(record: dict[str, Any]) -> str | None:
    if record.get("id") is None:
        return "missing 'id'"
    if not isinstance(record.get("channel"), str):
        return "missing 'channel' (a string such as \"web\" or \"sms\")"
    if not isinstance(record.get("text"), str):
        return "missing 'text' (a string, which may be empty)"
    return None
