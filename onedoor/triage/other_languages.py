"""A reader for contacts not in English: how likely one is an emergency, from its characters.

The rules know emergency words in the languages most spoken in Scotland, and the learned layer
reads English; a contact in Vietnamese, Kurdish or Punjabi about a fight with knives outside the
shop can match neither, and then it waited at the language floor (``prompt``) for an interpreter.
This reader is a logistic regression over character n-grams (2 to 5 characters within words,
tf-idf with sublinear counts, as scikit-learn's ``TfidfVectorizer(analyzer="char_wb")``),
trained on the labelled contacts the engine flags for an interpreter: character n-grams need no
tokeniser or dictionary for each language and catch "nóż", "noża" and "nożem" alike, as well as
the English place names and numbers such messages carry.

How it is used is policy (``language.emergency_reader`` in ``policy.yaml``): a contact flagged
for an interpreter that the rules did not grade ``immediate`` is graded ``immediate`` where the
reader gives an emergency ``threshold`` or more; it never lowers a grade, and the flag for an
interpreter and urgent human review stands. The rationale names the reader and its probability.

The model is a JSON file (the n-grams, their idf and weights, and a card naming the files and
their hashes), trained with ``onedoor triage-train-languages`` (needs scikit-learn, the ``ml``
extra); using it needs only the standard library.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from onedoor.triage import ngram_reader
from onedoor.triage.ngram_reader import CHAR_NGRAMS as NGRAMS
from onedoor.triage.ngram_reader import NgramReader as EmergencyReader
from onedoor.triage.ngram_reader import ReaderError, char_ngrams, file_hash
from onedoor.triage.policy import Policy, source_file

__all__ = ["NGRAMS", "EmergencyReader", "ReaderError", "char_ngrams", "file_hash"]

DEFAULT_MODEL = Path(__file__).with_name("other_languages_model.json")
MIN_DF = 2  # an n-gram seen in one contact only is left out
C = 8.0  # inverse regularisation; chosen out of fold against 4 and 16 (docs/triage.md, "cam-2026.12.13")
RULE_ID = "language.emergency_reader"
WHAT = "reader of contacts not in English"


def model_path(policy: Policy) -> Path | None:
    """The policy's reader file (``language.emergency_reader.model``, beside the policy), or None."""
    name = policy.language.emergency_model
    source = source_file(policy)
    return ngram_reader.resolve(name, Path(source).parent if source else None, DEFAULT_MODEL) if name else None


def emergency_probability(text: str, policy: Policy) -> float | None:
    """The reader's probability that `text` is an emergency, or None where the policy has no reader
    or it cannot be loaded (logged once: a broken reader file must not stop intake; the language
    floor still applies)."""
    path = model_path(policy)
    reader = None if path is None else ngram_reader.load_or_log(path, WHAT)
    return None if reader is None else reader.probability(text)


def load(path: str) -> EmergencyReader:
    """The reader in the file at `path`, read once per process; ReaderError if it cannot be used."""
    return ngram_reader.load(path, WHAT)


forget = ngram_reader.forget


@dataclass(frozen=True)
class TrainingContacts:
    """The labelled contacts the engine flags for an interpreter, with what the rules alone made of them."""

    texts: list[str]
    emergencies: list[bool]  # labelled immediate
    by_rules: list[bool]  # graded immediate by the rules (without the reader or the sentence model)
    files: list[str]  # the file each came from
    per_file: dict[str, int]  # how many each file gave


def training_contacts(records: Sequence[Mapping[str, Any]], policy: Policy) -> TrainingContacts:
    """The labelled contacts (``learned.read_labelled``: each tagged with its file) that the engine
    flags for an interpreter. The engine runs without the sentence model: the flag comes from the
    language check alone."""
    from onedoor.triage import semantic
    from onedoor.triage.engine import assess

    found = TrainingContacts([], [], [], [], dict.fromkeys((r["_file"] for r in records), 0))
    before = os.environ.get(semantic.ENV_SWITCH)
    os.environ[semantic.ENV_SWITCH] = "off"
    try:
        for record in records:
            assessment = assess(text=record.get("text", ""), channel=record["channel"], answers=record.get("answers"),
                                policy=policy)
            if assessment.interpreter_needed:
                found.texts.append(record.get("text", ""))
                found.emergencies.append(record["expected"]["grade"] == "immediate")
                found.by_rules.append(assessment.grade == "immediate" and assessment.rules_fired[-1] != RULE_ID)
                found.files.append(record["_file"])
                found.per_file[record["_file"]] += 1
    finally:
        if before is None:
            os.environ.pop(semantic.ENV_SWITCH, None)
        else:
            os.environ[semantic.ENV_SWITCH] = before
    return found


def fit(texts: Sequence[str], labels: Sequence[bool], *, c: float = C) -> dict[str, Any]:
    """The n-gram block and bias of a reader fitted to `texts` (needs scikit-learn)."""
    return ngram_reader.fit(texts, labels, kinds=("char_wb",), c=c, min_df=MIN_DF)


def train(
    paths: Sequence[str | Path], records: Sequence[Mapping[str, Any]], *, version: str, out: str | Path, policy: Policy,
    c: float = C,
) -> dict[str, Any]:
    """Train a reader on the labelled files (`records`: what ``learned.read_labelled(paths)``
    returned) and write it to `out`; returns its card."""
    contacts = training_contacts(records, policy)
    fitted = fit(contacts.texts, contacts.emergencies, c=c)
    card = ngram_reader.card(paths, contacts.per_file, contacts.emergencies, policy_version=policy.version,
                             settings={"ngrams": list(NGRAMS), "min_df": MIN_DF, "C": c})
    ngram_reader.write(out, fitted, version=version, card=card)
    return card


def out_of_fold(contacts: TrainingContacts, *, folds: int, c: float = C) -> list[float]:
    """Each contact's probability from a reader trained without its file's fold (files dealt to
    `folds` groups in turn, in the order first seen), to choose the policy's threshold."""
    return ngram_reader.out_of_fold(contacts.texts, contacts.emergencies, contacts.files, folds=folds, kinds=("char_wb",),
                                    c=c, min_df=MIN_DF)


def tally(contacts: TrainingContacts, chances: Sequence[float], threshold: float | None) -> tuple[int, int]:
    """(true, false) emergencies found by the rules with the reader at `threshold` (None: the rules alone)."""
    return ngram_reader.tally(contacts.by_rules, contacts.emergencies, chances, threshold)
