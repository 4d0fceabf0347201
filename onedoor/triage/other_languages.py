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

import functools
import hashlib
import json
import logging
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from onedoor.triage.policy import Policy, source_file

FORMAT = 1
DEFAULT_MODEL = Path(__file__).with_name("other_languages_model.json")
NGRAMS = (2, 5)  # characters, within words padded with a space each side (scikit-learn's char_wb)
MIN_DF = 2  # an n-gram seen in one contact only is left out
C = 8.0  # inverse regularisation; chosen out of fold against 4 and 16 (docs/triage.md, "cam-2026.12.13")
RULE_ID = "language.emergency_reader"
_SPACES = re.compile(r"\s\s+")
logger = logging.getLogger(__name__)


class ReaderError(ValueError):
    """A model file that cannot be used (missing, malformed or of another format)."""


def char_ngrams(text: str) -> list[str]:
    """The n-grams of `text`, exactly as scikit-learn's ``analyzer="char_wb"`` makes them
    (lower case; each word padded with a space; a word shorter than n gives one n-gram)."""
    low, high = NGRAMS
    grams: list[str] = []
    for word in _SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            offset = 0
            grams.append(padded[offset : offset + n])
            while offset + n < len(padded):
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:  # the padded word is shorter than n: counted once
                break
    return grams


@dataclass(frozen=True)
class EmergencyReader:
    version: str
    ngrams: tuple[str, ...]
    idf: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    card: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_fitted(cls, fitted: Mapping[str, Any], version: str = "", card: Mapping[str, Any] | None = None) -> EmergencyReader:
        """A reader from ``fit``'s n-grams, idf, weights and bias (as a reader file holds them)."""
        return cls(version=version, ngrams=tuple(fitted["ngrams"]), idf=tuple(map(float, fitted["idf"])),
                   weights=tuple(map(float, fitted["weights"])), bias=float(fitted["bias"]), card=card or {})

    @functools.cached_property
    def index(self) -> dict[str, int]:
        return {gram: number for number, gram in enumerate(self.ngrams)}

    def probability(self, text: str) -> float:
        """How likely the contact is an emergency (0-1)."""
        counts: dict[int, int] = {}
        for gram in char_ngrams(text):
            column = self.index.get(gram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        values = {column: (1.0 + math.log(n)) * self.idf[column] for column, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        score = self.bias + sum(v / norm * self.weights[column] for column, v in values.items())
        return 1.0 / (1.0 + math.exp(-score)) if score > -700 else 0.0


def model_path(policy: Policy) -> Path | None:
    """The policy's reader file (``language.emergency_reader.model``, beside the policy), or None."""
    name = policy.language.emergency_model
    return _resolve(name, source_file(policy)) if name else None


@functools.lru_cache(maxsize=16)
def _resolve(name: str, source: str | None) -> Path:
    """Where the reader file named in a policy is (asked for every contact, so looked up once)."""
    path = Path(name)
    if path.is_absolute():
        return path
    beside = Path(source).parent / path if source else path
    # A policy copied elsewhere without its model uses the bundled one.
    return beside if beside.is_file() or path.name != DEFAULT_MODEL.name else DEFAULT_MODEL


def emergency_probability(text: str, policy: Policy) -> float | None:
    """The reader's probability that `text` is an emergency, or None where the policy has no reader
    or it cannot be loaded (logged once: a broken reader file must not stop intake; the language
    floor still applies)."""
    path = model_path(policy)
    if path is None:
        return None
    reader = _read(str(path))
    if isinstance(reader, ReaderError):
        _warn_once(str(reader))
        return None
    return reader.probability(text)


def load(path: str) -> EmergencyReader:
    """The reader in the file at `path`, read once per process; ReaderError if it cannot be used
    (remembered too, so a broken file is not read again for every contact)."""
    reader = _read(path)
    if isinstance(reader, ReaderError):
        raise reader
    return reader


def forget() -> None:
    """Forget the readers (and failures) read so far, e.g. after writing a new reader file."""
    _read.cache_clear()


@functools.lru_cache(maxsize=4)
def _read(path: str) -> EmergencyReader | ReaderError:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return ReaderError(f"cannot read the other-languages reader {path}: {error}")
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        return ReaderError(f"{path} is not an other-languages reader of format {FORMAT}")
    try:
        reader = EmergencyReader.from_fitted(raw, str(raw.get("version", "")), raw.get("card"))
    except (KeyError, TypeError, ValueError) as error:
        return ReaderError(f"{path}: malformed reader ({error})")
    if not (len(reader.ngrams) == len(reader.idf) == len(reader.weights)) or not all(isinstance(g, str) for g in reader.ngrams):
        return ReaderError(f"{path}: n-grams, idf and weights differ in length")
    return reader


@functools.lru_cache(maxsize=8)
def _warn_once(message: str) -> None:
    logger.error("triage reader of other languages off: %s", message)


def file_hash(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


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
    """The n-grams, idf, weights and bias of a reader fitted to `texts` (needs scikit-learn)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    if len(set(labels)) < 2:
        raise ReaderError("the training contacts need both emergencies and others")
    vectorizer = TfidfVectorizer(analyzer=char_ngrams, min_df=MIN_DF, sublinear_tf=True)
    matrix = vectorizer.fit_transform(texts)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(matrix, list(labels))
    order = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
    return {"ngrams": order, "idf": [round(float(x), 6) for x in vectorizer.idf_],
            "weights": [round(float(x), 6) for x in model.coef_[0]], "bias": round(float(model.intercept_[0]), 6)}


def train(
    paths: Sequence[str | Path], records: Sequence[Mapping[str, Any]], *, version: str, out: str | Path, policy: Policy,
    c: float = C,
) -> dict[str, Any]:
    """Train a reader on the labelled files (`records`: what ``learned.read_labelled(paths)``
    returned) and write it to `out`; returns its card."""
    contacts = training_contacts(records, policy)
    fitted = fit(contacts.texts, contacts.emergencies, c=c)
    per_file = contacts.per_file
    card = {
        "contacts": len(contacts.texts), "emergencies": sum(contacts.emergencies), "policy": policy.version,
        "settings": {"ngrams": list(NGRAMS), "min_df": MIN_DF, "C": c, "class_weight": "balanced"},
        "trained_on": [{"file": Path(p).name, "sha256": file_hash(p), "contacts": per_file[Path(p).name]} for p in paths],
    }
    Path(out).write_text(json.dumps({"format": FORMAT, "version": version, "card": card, **fitted}, ensure_ascii=False),
                         encoding="utf-8")
    forget()
    return card


def out_of_fold(contacts: TrainingContacts, *, folds: int, c: float = C) -> list[float]:
    """Each contact's probability from a reader trained without its file's fold (files dealt to
    `folds` groups in turn, in the order first seen), to choose the policy's threshold."""
    names = list(dict.fromkeys(contacts.files))
    if not 2 <= folds <= len(names):
        raise ReaderError(f"--folds must be from 2 to the number of files with contacts not in English ({len(names)})")
    fold_of = {name: number % folds for number, name in enumerate(names)}
    chances = [0.0] * len(contacts.texts)
    for fold in range(folds):
        train = [i for i, f in enumerate(contacts.files) if fold_of[f] != fold]
        fitted = fit([contacts.texts[i] for i in train], [contacts.emergencies[i] for i in train], c=c)
        reader = EmergencyReader.from_fitted(fitted, "fold")
        for i, f in enumerate(contacts.files):
            if fold_of[f] == fold:
                chances[i] = reader.probability(contacts.texts[i])
    return chances


def tally(contacts: TrainingContacts, chances: Sequence[float], threshold: float | None) -> tuple[int, int]:
    """(true, false) emergencies found by the rules with the reader at `threshold` (None: the rules alone)."""
    found = [rules or (threshold is not None and chance >= threshold) for rules, chance in zip(contacts.by_rules, chances, strict=True)]
    true = sum(1 for f, e in zip(found, contacts.emergencies, strict=True) if f and e)
    return true, sum(found) - true
