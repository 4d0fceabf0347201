"""JSON Lines runner for triage: one contact in, one assessment out, per line.

Input lines are ``{"id", "channel", "text", "answers"?}``; output lines are
``{"id", "grade", "response", "vulnerabilities", "call_999_advice", "thrive", "rationale",
"policy_version"}``. A line that cannot be assessed gets ``{"id", "error"}`` instead and the
run carries on, so one bad record never loses the rest of a batch.

``run(..., workers=N)`` spreads the lines over N processes (each loads the policy and the sentence
model once), writing the results in input order: for bulk work on a machine with N cores.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TextIO

from onedoor.triage.engine import assess
from onedoor.triage.policy import Policy, load_policy

CHUNK = 64  # lines handed to a worker process at a time


def run(infile: TextIO, outfile: TextIO, *, policy: Policy | None = None, workers: int = 1) -> int:
    """Assess every line of `infile`, write one JSON object per line to `outfile`; return the error count."""
    policy = policy or load_policy()
    lines = ((number, line) for number, line in enumerate(infile, start=1) if line.strip())
    errors = 0
    for result in assess_lines(lines, policy=policy, workers=workers):
        if "error" in result:
            errors += 1
        outfile.write(json.dumps(result, ensure_ascii=False) + "\n")
    return errors


def assess_lines(lines: Iterable[tuple[int, str]], *, policy: Policy, workers: int = 1) -> Iterator[dict[str, Any]]:
    """Results for numbered JSON Lines, in order; over `workers` processes when more than one."""
    if workers <= 1:
        for number, line in lines:
            yield assess_line(line, line_number=number, policy=policy)
        return
    if not policy.source or not Path(policy.source).is_file():
        raise ValueError("assessing over several processes needs a policy loaded from a file")
    # spawn, not fork: the parent may hold a loaded model and its threads.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(policy.source,)) as pool:
        chunks = iter(lambda: list(itertools.islice(lines, CHUNK)), [])
        # Keep a bounded number of chunks in flight so a huge file is never read into memory.
        pending = [pool.submit(_assess_chunk, chunk) for chunk in itertools.islice(chunks, workers * 2)]
        while pending:
            results = pending.pop(0).result()
            following = next(chunks, None)
            if following is not None:
                pending.append(pool.submit(_assess_chunk, following))
            yield from results


_worker_policy: Policy | None = None


def _start_worker(policy_path: str) -> None:
    global _worker_policy
    from onedoor.triage.engine import warm_up

    _worker_policy = load_policy(policy_path)
    warm_up()  # the language detector and the sentence model, once per worker, before the first chunk


def _assess_chunk(chunk: list[tuple[int, str]]) -> list[dict[str, Any]]:
    assert _worker_policy is not None
    return [assess_line(line, line_number=number, policy=_worker_policy) for number, line in chunk]


def json_problem(exc: json.JSONDecodeError) -> str:
    """'not valid JSON (Unterminated string starting at column 30)': the parser's words, where."""
    where = "column" if exc.msg.endswith(" at") else "at column"
    return f"not valid JSON ({exc.msg} {where} {exc.colno})"


def assess_line(line: str, *, line_number: int, policy: Policy) -> dict[str, Any]:
    """Assess one JSON Lines record, or describe why it cannot be assessed."""
    try:
        line.encode("utf-8")  # input is read with errors="surrogateescape": bad bytes arrive as lone surrogates
    except UnicodeEncodeError:
        return {"id": None, "error": f"line {line_number}: not UTF-8 text (save the file as UTF-8)"}
    try:
        record = json.loads(line.rstrip("\r\n"))  # the line's own end is not part of the record
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"line {line_number}: {json_problem(exc)}"}
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
    if "channel" not in record:
        return "missing 'channel' (a string such as \"web\" or \"sms\")"
    if not isinstance(record["channel"], str):
        return "'channel' must be a string such as \"web\" or \"sms\""
    if "text" not in record:
        return "missing 'text' (a string, which may be empty)"
    if not isinstance(record["text"], str):
        return "'text' must be a string"
    return None
