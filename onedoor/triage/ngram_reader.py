"""Logistic regression over a contact's n-grams, computed with the standard library alone.

Two readers of the triage engine are such a model: the reader of contacts not in English
(``other_languages``: character n-grams) and the emergency reader of English contacts
(``words_reader``: character n-grams, words and word pairs, and the rules' reading as tokens).

A reader's columns come in blocks, each made as scikit-learn's ``TfidfVectorizer`` makes them:

- ``char_wb``: character n-grams of 2 to 5 letters within words (``analyzer="char_wb"``);
- ``words``: words and word pairs (the default token pattern, ``ngram_range=(1, 2)``);

each with sublinear counts, idf and unit (L2) length over its own block, and

- ``tokens``: names given by the caller (the rules that fired, the rules' grade, the channel),
  each counted as it occurs, with no idf and no normalising.

Training needs scikit-learn (the ``ml`` extra); using a reader needs nothing but this module, so
it works where the sentence model is not installed. A reader file is JSON: its version, a card
(the training files and their hashes, the settings), the bias and the blocks (terms, idf and
weights in column order).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT = 2  # format 1: one block of character n-grams, its columns at the top level of the file
KINDS = ("char_wb", "words", "tokens")
CHAR_NGRAMS = (2, 5)  # characters, within words padded with a space each side (scikit-learn's char_wb)
_SPACES = re.compile(r"\s\s+")
_WORD = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern
logger = logging.getLogger(__name__)


class ReaderError(ValueError):
    """A reader file that cannot be used (missing, malformed or of another format)."""


def char_ngrams(text: str) -> list[str]:
    """The n-grams of `text`, exactly as scikit-learn's ``analyzer="char_wb"`` makes them
    (lower case; each word padded with a space; a word shorter than n gives one n-gram)."""
    low, high = CHAR_NGRAMS
    grams: list[str] = []
    for word in _SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            if size <= n:  # the padded word is no longer than n: counted once, and no longer n-grams
                grams.append(padded)
                break
            grams.extend([padded[i : i + n] for i in range(size - n + 1)])
    return grams


def word_ngrams(text: str) -> list[str]:
    """The words and word pairs of `text`, as scikit-learn's default word analyzer makes them
    with ``ngram_range=(1, 2)``."""
    words = _WORD.findall(text.lower())
    return [*words, *(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))]


def _tokens(tokens: Iterable[str]) -> list[str]:
    return list(tokens)


@dataclass(frozen=True)
class Block:
    """One block of a reader's columns: its kind, its terms in column order, their idf (none for
    tokens) and their weights in the logistic regression."""

    kind: str
    terms: tuple[str, ...]
    idf: tuple[float, ...]
    weights: tuple[float, ...]

    @functools.cached_property
    def _by_term(self) -> dict[str, tuple[float, float]]:
        """Each term's (weight x idf, idf squared): what ``score`` sums (idf 1 for tokens)."""
        idf = self.idf or (1.0,) * len(self.terms)
        return {term: (w * i, i * i) for term, w, i in zip(self.terms, self.weights, idf, strict=True)}

    def score(self, text: str, tokens: Sequence[str]) -> float:
        """This block's share of the logistic regression's score for a contact: its terms'
        weights times their counts (tokens), or times their tf-idf values, sublinear and scaled
        to unit length (n-grams and words, as ``fit`` made the columns)."""
        items = tokens if self.kind == "tokens" else char_ngrams(text) if self.kind == "char_wb" else word_ngrams(text)
        by_term = self._by_term
        counted = [(by_term[item], n) for item, n in Counter(items).items() if item in by_term]
        if self.kind == "tokens":
            return sum(n * weighted for (weighted, _), n in counted)
        dot = squares = 0.0
        for (weighted, idf_squared), n in counted:
            tf = 1.0 + math.log(n) if n > 1 else 1.0
            dot += tf * weighted
            squares += tf * tf * idf_squared
        return dot / (math.sqrt(squares) or 1.0)

    def check(self) -> None:
        if self.kind not in KINDS:
            raise ReaderError(f"unknown block kind {self.kind!r}")
        if not all(isinstance(t, str) for t in self.terms) or len(self.terms) != len(self.weights):
            raise ReaderError(f"{self.kind}: terms and weights differ in length")
        if self.kind != "tokens" and len(self.idf) != len(self.terms):
            raise ReaderError(f"{self.kind}: terms and idf differ in length")


@dataclass(frozen=True)
class NgramReader:
    version: str
    blocks: tuple[Block, ...]
    bias: float
    card: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_fitted(cls, fitted: Mapping[str, Any], version: str = "", card: Mapping[str, Any] | None = None) -> NgramReader:
        """A reader from what ``fit`` returned (as a reader file holds it); a file of format 1
        holds one block of character n-grams as ``ngrams``, ``idf`` and ``weights``."""
        raw_blocks = fitted["blocks"] if "blocks" in fitted else [{"kind": "char_wb", "terms": fitted["ngrams"],
                                                                   "idf": fitted["idf"], "weights": fitted["weights"]}]
        blocks = tuple(Block(kind=str(b["kind"]), terms=tuple(b["terms"]), idf=tuple(map(float, b.get("idf") or ())),
                             weights=tuple(map(float, b["weights"]))) for b in raw_blocks)
        for block in blocks:
            block.check()
        return cls(version=version, blocks=blocks, bias=float(fitted["bias"]), card=card or {})

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(b.kind for b in self.blocks)

    def probability(self, text: str, tokens: Sequence[str] = ()) -> float:
        """How likely the contact is what the reader was trained to find (0-1)."""
        score = self.bias + sum(block.score(text, tokens) for block in self.blocks)
        return 1.0 / (1.0 + math.exp(-score)) if score > -700 else 0.0


def fit(
    texts: Sequence[str], labels: Sequence[bool], *, kinds: Sequence[str] = ("char_wb",), tokens: Sequence[Sequence[str]] | None = None,
    c: float, min_df: int, token_min_df: int = 2, class_weight: str | None = "balanced",
) -> dict[str, Any]:
    """The blocks and bias of a reader fitted to `texts` (and their `tokens`, for a ``tokens``
    block); needs scikit-learn. Terms seen in fewer than `min_df` contacts are left out (tokens
    seen in fewer than `token_min_df`)."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    if len(set(labels)) < 2:
        raise ReaderError("the training contacts need both emergencies and others")
    if "tokens" in kinds and (tokens is None or len(tokens) != len(texts)):
        raise ReaderError("a reader with a tokens block needs tokens for every contact")
    vectorizers, matrices = [], []
    for kind in kinds:
        if kind == "tokens":
            vectorizer = TfidfVectorizer(analyzer=_tokens, min_df=token_min_df, use_idf=False, norm=None)
            matrices.append(vectorizer.fit_transform(tokens))
        else:
            analyzer = char_ngrams if kind == "char_wb" else word_ngrams
            vectorizer = TfidfVectorizer(analyzer=analyzer, min_df=min_df, sublinear_tf=True)
            matrices.append(vectorizer.fit_transform(texts))
        vectorizers.append(vectorizer)
    model = LogisticRegression(C=c, class_weight=class_weight, max_iter=5000).fit(sparse.hstack(matrices).tocsr(), list(labels))
    blocks, start = [], 0
    for kind, vectorizer in zip(kinds, vectorizers, strict=True):
        terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        weights = model.coef_[0][start : start + len(terms)]
        start += len(terms)
        blocks.append({"kind": kind, "terms": terms,
                       "idf": [] if kind == "tokens" else [round(float(x), 6) for x in vectorizer.idf_],
                       "weights": [round(float(x), 6) for x in weights]})
    return {"blocks": blocks, "bias": round(float(model.intercept_[0]), 6)}


def card(
    paths: Sequence[str | Path], per_file: Mapping[str, int], emergencies: Sequence[bool], *, policy_version: str,
    settings: Mapping[str, Any],
) -> dict[str, Any]:
    """A reader's card: what it was trained on (each file with its SHA-256 and the contacts it
    gave), how many emergencies, the policy whose rules read them and the settings."""
    return {
        "contacts": len(emergencies), "emergencies": sum(emergencies), "policy": policy_version,
        "settings": {**settings, "class_weight": "balanced"},
        "trained_on": [{"file": Path(p).name, "sha256": file_hash(p), "contacts": per_file[Path(p).name]} for p in paths],
    }


def write(path: str | Path, fitted: Mapping[str, Any], *, version: str, card: Mapping[str, Any]) -> None:
    """Write a reader file (and forget any reader read from that path before)."""
    Path(path).write_text(json.dumps({"format": FORMAT, "version": version, "card": card, **fitted}, ensure_ascii=False),
                          encoding="utf-8")
    forget()


def load(path: str | Path, what: str) -> NgramReader:
    """The reader in the file at `path`, read once per process; ReaderError if it cannot be used
    (remembered too, so a broken file is not read again for every contact). `what` names the
    reader in messages."""
    reader = _read(str(path), what)
    if isinstance(reader, ReaderError):
        raise reader
    return reader


def load_or_log(path: str | Path, what: str) -> NgramReader | None:
    """``load``, or None where the file cannot be used, logged once: a broken reader file must
    not stop intake (the engine grades without that reader)."""
    reader = _read(str(path), what)
    if isinstance(reader, ReaderError):
        _warn_once(what, str(reader))
        return None
    return reader


def forget() -> None:
    """Forget the readers (and failures) read so far, e.g. after writing a new reader file."""
    _read.cache_clear()
    _warn_once.cache_clear()


@functools.lru_cache(maxsize=8)
def _read(path: str, what: str) -> NgramReader | ReaderError:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return ReaderError(f"cannot read the {what} {path}: {error}")
    if not isinstance(raw, dict) or raw.get("format") not in (1, FORMAT):
        return ReaderError(f"{path} is not a {what} of format {FORMAT}")
    try:
        return NgramReader.from_fitted(raw, str(raw.get("version", "")), raw.get("card"))
    except ReaderError as error:
        return ReaderError(f"{path}: malformed {what} ({error})")
    except (KeyError, TypeError, ValueError) as error:
        return ReaderError(f"{path}: malformed {what} ({error!r})")


@functools.lru_cache(maxsize=8)
def _warn_once(what: str, message: str) -> None:
    logger.error("triage %s off: %s", what, message)


def file_hash(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@functools.lru_cache(maxsize=16)
def resolve(name: str, folder: Path | None, default: Path) -> Path:
    """Where a reader file named in a policy is: in the policy's `folder`, unless absolute; a
    policy copied elsewhere without it uses the bundled one (`default`). Asked for every
    contact, so looked up once."""
    path = Path(name)
    if path.is_absolute():
        return path
    beside = folder / path if folder is not None else path
    return beside if beside.is_file() or path.name != default.name else default


def out_of_fold(
    texts: Sequence[str], labels: Sequence[bool], files: Sequence[str], *, folds: int,
    tokens: Sequence[Sequence[str]] | None = None, **settings: Any,
) -> list[float]:
    """Each contact's probability from a reader trained without its file's fold (files dealt to
    `folds` groups in turn, in the order first seen); `settings` as for ``fit``."""
    names = list(dict.fromkeys(files))
    if not 2 <= folds <= len(names):
        raise ReaderError(f"--folds must be from 2 to the number of files with such contacts ({len(names)})")
    fold_of = {name: number % folds for number, name in enumerate(names)}
    chances = [0.0] * len(texts)
    for fold in range(folds):
        train = [i for i, f in enumerate(files) if fold_of[f] != fold]
        fitted = fit([texts[i] for i in train], [labels[i] for i in train],
                     tokens=None if tokens is None else [tokens[i] for i in train], **settings)
        reader = NgramReader.from_fitted(fitted, "fold")
        for i, f in enumerate(files):
            if fold_of[f] == fold:
                chances[i] = reader.probability(texts[i], () if tokens is None else tokens[i])
    return chances


def tally(by_rules: Sequence[bool], emergencies: Sequence[bool], chances: Sequence[float], threshold: float | None) -> tuple[int, int]:
    """(true, false) emergencies found where the rules found one or the reader gives `threshold`
    or more (None: the rules alone)."""
    found = [rules or (threshold is not None and chance >= threshold) for rules, chance in zip(by_rules, chances, strict=True)]
    true = sum(1 for f, e in zip(found, emergencies, strict=True) if f and e)
    return true, sum(found) - true
