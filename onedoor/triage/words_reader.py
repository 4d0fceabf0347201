"""A second reader of emergencies in English contacts: the words themselves and the rules' reading.

The learned layer's model reads a contact through the sentence model (its meaning, in 384
numbers) and the rules' reading. It gives many an emergency at 10-30% that reviewers graded
`prompt`, and the policy must raise those (its threshold is 10%) to miss few true ones. This
reader sees the same contacts another way: a logistic regression over their character n-grams
(2 to 5 letters within words), their words and word pairs, and the rules' reading as tokens
(each rule that fired, the rules' grade, the channel), as ``ngram_reader`` computes them. Its
errors are not the model's, so the layer's chance of an emergency is the two averaged (policy
``learned.words_reader``, see docs/triage.md): out of fold on the training files, the average
finds the same emergencies with fewer false ones than either alone.

Trained with ``onedoor triage-train-words`` (scikit-learn, the ``ml`` extra); using it needs only
the standard library.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from onedoor.triage import ngram_reader
from onedoor.triage.ngram_reader import NgramReader

DEFAULT_MODEL = Path(__file__).with_name("words_model.json")
KINDS = ("char_wb", "words", "tokens")
MIN_DF = 5  # n-grams, words and pairs seen in fewer contacts are left out (2 for the rules' tokens)
C = 8.0  # inverse regularisation; chosen out of fold (docs/triage.md, "cam-2026.12.14")
WHAT = "words reader"
RULE_ID = "learned.words_reader"  # the reader alone graded the contact immediate


def tokens(rule_ids: Sequence[str] | frozenset[str], grade: str, channel: str) -> list[str]:
    """What the reader reads of the rules: each rule that fired, the rules' grade and the channel."""
    return [*sorted(rule_ids), f"grade:{grade}", f"channel:{channel}"]


def load(path: str | Path) -> NgramReader:
    return ngram_reader.load(path, WHAT)


def reader(path: Path) -> NgramReader | None:
    """The reader in the policy's file, or None where it cannot be used (logged once; the
    model's own chance, or the rules, then decide)."""
    return ngram_reader.load_or_log(path, WHAT)


@dataclass(frozen=True)
class TrainingContacts:
    """The labelled English contacts (not flagged for an interpreter) with the rules' reading."""

    texts: list[str]
    tokens: list[list[str]]
    emergencies: list[bool]  # labelled immediate
    by_rules: list[bool]  # graded immediate by the rules' grade rule (before the learned layer)
    files: list[str]
    per_file: dict[str, int]

    def subset(self, keep: Sequence[bool]) -> TrainingContacts:
        """The contacts `keep` marks (their files' counts are not carried over)."""
        chosen = [i for i, kept in enumerate(keep) if kept]
        return TrainingContacts([self.texts[i] for i in chosen], [self.tokens[i] for i in chosen],
                                [self.emergencies[i] for i in chosen], [self.by_rules[i] for i in chosen],
                                [self.files[i] for i in chosen], per_file={})


def training_contacts(records: Sequence[Mapping[str, Any]], policy: Any) -> TrainingContacts:
    """The labelled contacts (``learned.read_labelled``: each tagged with its file) that the engine
    does not flag for an interpreter, each with the rules' reading of its words."""
    from onedoor.triage import engine

    found = TrainingContacts([], [], [], [], [], dict.fromkeys((r["_file"] for r in records), 0))
    for record in records:
        text = record.get("text", "")
        reading = engine.words_reading(text=text, channel=record["channel"], answers=record.get("answers"), policy=policy)
        if reading.not_english:
            continue
        found.texts.append(text)
        found.tokens.append(tokens(reading.rule_ids, reading.grade, record["channel"]))
        found.emergencies.append(record["expected"]["grade"] == "immediate")
        found.by_rules.append(reading.grade == "immediate")
        found.files.append(record["_file"])
        found.per_file[record["_file"]] += 1
    return found


def fit(contacts: TrainingContacts, *, c: float = C) -> dict[str, Any]:
    return ngram_reader.fit(contacts.texts, contacts.emergencies, kinds=KINDS, tokens=contacts.tokens, c=c, min_df=MIN_DF)


def train(
    paths: Sequence[str | Path], records: Sequence[Mapping[str, Any]], *, version: str, out: str | Path, policy: Any,
    c: float = C,
) -> dict[str, Any]:
    """Train a reader on the labelled files (`records`: what ``learned.read_labelled(paths)``
    returned) and write it to `out`; returns its card."""
    contacts = training_contacts(records, policy)
    fitted = fit(contacts, c=c)
    card = ngram_reader.card(paths, contacts.per_file, contacts.emergencies, policy_version=policy.version,
                             settings={"kinds": list(KINDS), "char_ngrams": list(ngram_reader.CHAR_NGRAMS),
                                       "word_ngrams": [1, 2], "min_df": MIN_DF, "C": c})
    ngram_reader.write(out, fitted, version=version, card=card)
    return card


def write_fold(contacts: TrainingContacts, keep: Sequence[bool], out: str | Path, *, version: str, c: float = C) -> None:
    """Train a reader on the contacts `keep` marks and write it to `out` (a fold of ``onedoor
    triage-cv``, which leaves the other contacts' files out)."""
    ngram_reader.write(out, fit(contacts.subset(keep), c=c), version=version, card={"cross_validation_fold": version})


def out_of_fold(contacts: TrainingContacts, *, folds: int, c: float = C) -> list[float]:
    """Each contact's probability from a reader trained without its file's fold."""
    return ngram_reader.out_of_fold(contacts.texts, contacts.emergencies, contacts.files, folds=folds, tokens=contacts.tokens,
                                    kinds=KINDS, c=c, min_df=MIN_DF)


def tally(contacts: TrainingContacts, chances: Sequence[float], threshold: float | None) -> tuple[int, int]:
    """(true, false) emergencies found by the rules' grade with the reader alone at `threshold`
    (None: the rules alone)."""
    return ngram_reader.tally(contacts.by_rules, contacts.emergencies, chances, threshold)
