#!/usr/bin/env python
"""Triage engine speed: latency per contact and contacts/s over a batch.

Uses the labelled development set (or any JSON Lines file of contacts) repeated to --count
contacts, after loading the policy once (load time is reported separately).

    .venv/bin/python benchmarks/triage.py [--input ../shared/triage/dev.jsonl] [--count 5000]
"""

import argparse
import json
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = ROOT.parent / "shared" / "triage" / "dev.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    parser.add_argument("--count", type=int, default=5000)
    args = parser.parse_args()

    contacts = [json.loads(line) for line in args.input.read_text(encoding="utf-8").splitlines() if line.strip()]
    start = time.perf_counter()
    from onedoor.triage.engine import assess
    from onedoor.triage.policy import load_policy

    policy = load_policy()
    load_ms = (time.perf_counter() - start) * 1000

    batch = [contacts[i % len(contacts)] for i in range(args.count)]
    latencies = []
    batch_start = time.perf_counter()
    for contact in batch:
        t0 = time.perf_counter()
        assess(text=contact["text"], channel=contact["channel"], answers=contact.get("answers"), policy=policy)
        latencies.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - batch_start
    latencies.sort()
    print(f"mode: lexicon   policy {policy.version}   input {args.input.name} x{args.count}")
    print(f"policy load: {load_ms:.1f} ms")
    print(f"per contact: p50 {latencies[len(latencies) // 2]:.3f} ms  p99 {latencies[int(len(latencies) * 0.99)]:.3f} ms  "
          f"max {latencies[-1]:.3f} ms  mean {statistics.fmean(latencies):.3f} ms")
    print(f"batched: {args.count / elapsed:,.0f} contacts/s on one core")


if __name__ == "__main__":
    main()
