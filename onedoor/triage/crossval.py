"""Cross-validation of the whole engine, one writer left out at a time.

The model card's leave-one-file-out scores (``learned.cross_validate``) score the learned model
alone. What a contact-centre lead sees is the engine: the rules, their safety overrides, the
learned layer's thresholds, the language floor and the minimum length, together. This module
trains a model on every file but one, writes it beside a copy of the policy with the settings
being compared, and runs the engine (``evaluation.evaluate``) on the file left out; the results
of every fold are pooled into one report per setting. Files written by different people make
this an honest estimate of a new writer, and it is how the policy's thresholds are chosen
(docs/triage.md, "Retraining").

Run it with ``onedoor triage-cv`` (needs the sentence model, scikit-learn and PyTorch).
"""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from onedoor.triage import learned, words_reader
from onedoor.triage.evaluation import Report, evaluate, score
from onedoor.triage.policy import DEFAULT_POLICY_PATH, Policy, load_policy, read_policy_file


@dataclass(frozen=True)
class Setting:
    """The learned-layer settings one column of the comparison uses."""

    immediate_threshold: float
    vulnerability_threshold: float

    @property
    def label(self) -> str:
        return f"immediate {self.immediate_threshold:g}, vulnerability {self.vulnerability_threshold:g}"


@dataclass(frozen=True)
class Result:
    setting: Setting
    pooled: Report
    by_file: Mapping[str, Report]


def _fold_policy(directory: Path, model_path: Path, setting: Setting, policy: Policy, words_path: Path | None = None) -> Path:
    """Write a copy of `policy`'s file that uses the fold's model (and words reader, where the
    policy has one) with `setting`; returns the copy's path. Files the policy names are made
    absolute, so the copy reads the originals."""
    source = Path(policy.source)
    raw = copy.deepcopy(dict(read_policy_file(str(source))))
    raw["semantic"]["descriptions"] = str((source.parent / raw["semantic"]["descriptions"]).resolve())
    raw["learned"].update(
        model=str(model_path), immediate_threshold=setting.immediate_threshold,
        vulnerability_threshold=setting.vulnerability_threshold,
    )
    if words_path is not None:
        raw["learned"]["words_reader"] = {**raw["learned"]["words_reader"], "model": str(words_path)}
    name = f"policy-{setting.immediate_threshold:g}-{setting.vulnerability_threshold:g}.yaml"
    out = directory / name
    out.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out


def fold_files(names: Sequence[str], folds: int | None = None) -> list[list[str]]:
    """The files each fold leaves out: one file a fold, or with `folds` that many groups, the
    files dealt to them in turn in the order given (so neighbouring files fall in different folds)."""
    if folds is None or folds >= len(names):
        return [[name] for name in names]
    if folds < 2:
        raise ValueError("cross-validation needs at least two folds")
    return [list(names[start::folds]) for start in range(folds)]


def cross_validate_engine(
    paths: Sequence[str | Path], *, settings: Sequence[Setting], always: Sequence[str | Path] = (), c: float = 2.0,
    policy_path: Path = DEFAULT_POLICY_PATH, progress: Callable[[str], None] = lambda line: None,
    records: list[dict[str, Any]] | None = None, tune: bool = True, average: bool = False, folds: int | None = None,
) -> list[Result]:
    """Leave each of `paths` out in turn (files in `always` are only ever trained on), train on
    the rest and assess the file left out with the whole engine under each setting; with `folds`,
    leave out that many groups of files instead (``fold_files``). `records`: what
    ``learned.read_labelled([*paths, *always])`` already returned; `tune`: fine-tune a tuned
    reader in each fold, as ``onedoor triage-train`` does (minutes a fold), with `average` averaged
    with logistic regression as ``triage-train --average`` does."""
    records = learned.read_labelled([*paths, *always]) if records is None else records
    groups = fold_files([Path(p).name for p in paths], folds)
    base = load_policy(policy_path)
    middles: list[Any] | None = [] if tune else None
    words: list[str] = []
    features, rule_ids = learned.training_features(records, base, middles, words)
    # The policy's words reader is trained in each fold too, on the fold's training files.
    readers = words_reader.training_contacts(records, base) if learned.config_for(base).words_model else None
    results: dict[Setting, dict[str, Report]] = {s: {} for s in settings}
    with tempfile.TemporaryDirectory(prefix="onedoor-cv-") as tmp:
        for number, group in enumerate(groups, 1):
            tests = {name: [r for r in records if r["_file"] == name] for name in group}
            train = [i for i, r in enumerate(records) if r["_file"] not in tests]
            fitted = learned.fit(features[train], [records[i] for i in train], c,
                                 None if middles is None else [middles[i] for i in train], average=average,
                                 words=[words[i] for i in train])
            model_path = Path(tmp) / f"{number}" / "learned_model.json"
            model_path.parent.mkdir()
            learned.write_model(fitted, model_path, version=f"cv-{number}-of-{len(groups)}", rule_ids=rule_ids)
            words_path = None
            if readers is not None:
                words_path = model_path.with_name("words_model.json")
                words_reader.write_fold(readers, [f not in tests for f in readers.files], words_path,
                                        version=f"cv-{number}-of-{len(groups)}")
            for index, setting in enumerate(settings):
                directory = Path(tmp) / f"{number}-{index}"
                directory.mkdir()
                policy = load_policy(_fold_policy(directory, model_path, setting, base, words_path))
                for name, test in tests.items():
                    results[setting][name] = evaluate(test, policy=policy)
            progress(f"  {number}/{len(groups)} {', '.join(group)}: {sum(map(len, tests.values()))} contacts")
    return [
        Result(setting=s, pooled=score([c for r in by_file.values() for c in r.cases], base.version), by_file=by_file)
        for s, by_file in results.items()
    ]


def format_results(results: Sequence[Result]) -> str:
    lines = [
        f"{'setting':40s} {'contacts':>8s} {'exact':>6s} {'within':>6s} {'recall':>6s} {'prec':>6s} {'c999':>6s} {'vulnF1':>6s}"
    ]
    for result in results:
        report = result.pooled
        lines.append(
            f"{result.setting.label:40s} {len(report.cases):8d} {report.grade_accuracy:6.3f} {report.within_one_accuracy:6.3f} "
            f"{report.immediate_recall:6.3f} {report.immediate_precision:6.3f} {report.call_999_accuracy:6.3f} "
            f"{report.vulnerability_micro_f1:6.3f}"
        )
    lines.append("")
    lines.append("by file (exact / immediate recall / vulnerability F1), per setting:")
    for name in results[0].by_file if results else ():
        cells = "  ".join(
            f"{r.by_file[name].grade_accuracy:.3f}/{r.by_file[name].immediate_recall:.3f}/{r.by_file[name].vulnerability_micro_f1:.3f}"
            for r in results
        )
        lines.append(f"  {name:24s} {cells}")
    return "\n".join(lines)

