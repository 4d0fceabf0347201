"""The learned layer: grade and vulnerability classifiers trained on reviewed, labelled contacts.

The rules in ``policy.yaml`` read the words they were written for; contacts written by other
people say the same things in other words. This layer reads the *meaning* of a contact with the
sentence model (``onedoor.triage.semantic``) and asks what grade and vulnerabilities reviewers
gave contacts like it. The grade classifier is a tuned reader (``onedoor.triage.tuned``: the
sentence model's last two layers fine-tuned on the labels). It reads the meaning with the rules'
own reading of the words (their grade, the indicators that fired, the THRIVE scores and the
vulnerabilities they found; see ``RulesReading``), so it learns when the rules' words can be
trusted and when the meaning says more. (A model may also hold logistic regression over the
untuned vectors, whose log-probabilities are then averaged with the reader's: cam-2026.12.6's
recipe, ``triage-train --average``; on ten new writers' contacts the reader alone graded better,
docs/triage.md, "cam-2026.12.7".) The vulnerability classifiers are logistic regression over two sentence-model vectors (the whole
message, and the mean of its sentences) and the lexicon's categories. The model is a small JSON
file of weights (``learned_model.json``) with the training files, their hashes and the settings
it was built with, and the tuned layers beside it (``learned_model.onnx``, named with its
SHA-256): it can be audited, diffed and rebuilt (``onedoor triage-train``), and nothing is
downloaded.

How it is used is policy (the ``learned:`` section of ``policy.yaml``), never the model's own
choice:

- the rules' safety overrides stand: a contact the rules grade ``immediate`` stays so, unless the
  policy names the rule that made it so in ``overrule`` and the model gives immediate less than
  ``overrule.below`` (then the model's grade, never below ``overrule.at_least``; a threat to life and
  what the reporter said in the form always stand);
- a contact the model thinks is an emergency with probability >= ``immediate_threshold`` is
  graded ``immediate`` (a safety net for emergencies the rules' words missed); where, after
  immediate, the model finds ``other_resolution`` likeliest, it needs
  ``immediate_threshold_if_other_resolution`` (if set and higher);
- otherwise, with ``grade: decide``, the model's most likely grade is the grade and the rules'
  grade is named beside it in the rationale (``grade: advise`` only names it);
- vulnerabilities: the model's categories at or above ``vulnerability_threshold`` are listed.
  With ``vulnerabilities: decide`` (the default) the model decides for the contacts it reads: it
  has read the lexicon's categories as well as the meaning, and the lexicon's and the
  descriptions' findings that it does not confirm are named in the rationale but not listed,
  except the categories in ``keep_lexicon`` (where a word the lexicon knows always stands) and
  what the structured answers and our records say. With ``vulnerabilities: add`` the model's
  categories are only added to the lexicon's and the descriptions';
- contacts not in English: the model reads English, so it reads them only where the policy sets
  ``not_english_threshold``, and then only to raise one to ``immediate``;
- floors (language, records) apply after all of this.

Without the sentence model (lexicon mode) the layer is off and the rules decide alone.
Training needs scikit-learn and PyTorch (the ``ml`` extra); using a trained model needs numpy and
ONNX Runtime.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import logging
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from onedoor.triage import ngram_reader, semantic, words_reader
from onedoor.triage import tuned as tuned_reader
from onedoor.triage.policy import (
    DEFAULT_POLICY_PATH,
    GRADES,
    VULNERABILITIES,
    Policy,
    PolicyError,
    load_policy,
    policy_section,
    source_file,
)

logger = logging.getLogger(__name__)
DEFAULT_MODEL = Path(__file__).with_name("learned_model.json")
FEATURES = "minilm-windows+sentence-mean+rules/v3"
MAX_SENTENCES = 48  # sentences averaged for the second vector (long emails: the first 48)
MODEL_FORMAT = 3  # 3: the grade classifier may be a tuned reader (onedoor.triage.tuned)
# The rules' reading is one part of the features, scaled so it neither swamps nor vanishes
# beside the two unit vectors (chosen by cross-validation with 0.5 and 1.0: 0.5 was better).
RULES_SCALE = 0.5
# An indicator is a feature only if it fired in at least this many training contacts.
MIN_RULE_COUNT = 5
THRIVE_FACTORS = ("threat", "harm", "risk", "investigation", "vulnerability", "engagement")
# The vulnerability classifiers read the two sentence-model vectors and the categories the
# lexicon found in the words (not the descriptions, not our records): given those they learn
# when the lexicon's words can be trusted. Cross-validated over writers (2,310 contacts), the
# engine's vulnerability F1 was 0.772 with classifiers that read the vectors alone and added
# to the lexicon and the descriptions, and 0.805 with these deciding (docs/triage.md).
MEANING_WIDTH = 2 * semantic.DIMENSIONS
VULNERABILITY_WIDTH = MEANING_WIDTH + len(VULNERABILITIES)
# The vulnerability classifiers also read the words themselves (``Words``): the sentence model's
# vectors keep the gist and lose the telling word ("dementia", "county lines", "cuckooed"). Out
# of fold on thirteen new writers' files, adding the words raised the classifiers' F1 from 0.72
# to 0.80 (docs/triage.md, "cam-2026.12.8").
WORDS_MAX = 8000  # the commonest words and word pairs kept (seen in at least 2 contacts)
WORDS_SCALE = 2.0  # the words' weight beside the vectors
# "off" turns the layer off (the rules decide alone); "auto" (default) uses it where the policy
# has a model and the sentence model is installed. Read on every call, for tests.
ENV_SWITCH = "ONEDOOR_TRIAGE_LEARNED"


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class LearnedConfig:
    """The ``learned:`` section of a policy."""

    model: Path | None = None  # None: the layer is off
    grade: str = "decide"  # "decide" | "advise"
    immediate_threshold: float = 0.15
    # Where, after immediate, the model's likeliest grade is other_resolution (it is torn between an
    # emergency and no police response at all), it raises a contact to immediate only at this or
    # more (if higher than `immediate_threshold`). None: `immediate_threshold` alone.
    immediate_threshold_if_other_resolution: float | None = None
    vulnerability_threshold: float = 0.7
    # Shorter messages are left to the rules: the model has seen few of them, and on a few words
    # ("someone is shouting outside") it guesses an emergency from the tense alone.
    min_words: int = 0
    vulnerabilities: str = "decide"  # "decide" | "add"
    # Categories where the lexicon's finding in the words is listed even if the model does not
    # confirm it (with "decide").
    keep_lexicon: frozenset[str] = frozenset()
    # The rules' emergencies the model may overrule: where one of these grade rules made a contact
    # immediate and the model gives immediate less than `overrule_below`, the model's grade stands
    # instead, but never below `overrule_floor` (``at_least`` in the policy). Empty: every rule's
    # emergency stands.
    overrule_rules: frozenset[str] = frozenset()
    overrule_below: float = 0.0
    overrule_floor: str = "prompt"
    # Rules the model may overrule only where it is all but sure: rule id -> its own, lower bar
    # (``overrule.only_below`` in the policy).
    overrule_only_below: Mapping[str, float] = field(default_factory=dict)
    # The model reads English. With a threshold here it also reads contacts not in English, but
    # only to raise one it gives immediate this or more to immediate (it never lowers one, never
    # names their vulnerabilities, and the language floor still applies). None: it leaves them.
    not_english_threshold: float | None = None
    # The words reader (onedoor.triage.words_reader): its file, and how much its chance of an
    # emergency counts in the chance the layer grades by (that chance is (1 - weight) times the
    # model's plus weight times the reader's). None: the model's chance alone.
    words_model: Path | None = None
    words_weight: float = 0.5
    # Where the learned model cannot read an English contact of `min_words` or more (the sentence
    # model is not installed), the words reader alone grades it immediate at this chance or more
    # (it never lowers a grade). None: the rules decide alone there.
    words_alone_threshold: float | None = None

    @property
    def enabled(self) -> bool:
        return self.model is not None

    def overrule_bar(self, rule_id: str) -> float | None:
        """The chance of an emergency under which the model may overrule `rule_id`'s emergency;
        None where it may not."""
        if rule_id in self.overrule_only_below:
            return self.overrule_only_below[rule_id]
        return self.overrule_below if rule_id in self.overrule_rules else None


def build_config(raw: Mapping[str, Any], *, base: Path = DEFAULT_POLICY_PATH.parent) -> LearnedConfig:
    """Validate a ``learned:`` section; a mistake fails with a message naming the key."""
    known = {"model", "grade", "immediate_threshold", "immediate_threshold_if_other_resolution", "vulnerability_threshold",
             "min_words", "vulnerabilities", "keep_lexicon", "overrule", "not_english_threshold", "words_reader"}
    unknown = set(raw) - known
    if unknown:
        raise PolicyError(f"learned: unknown key(s) {sorted(unknown)}")
    if not raw.get("model"):
        return LearnedConfig()
    grade = raw.get("grade", "decide")
    if grade not in ("decide", "advise"):
        raise PolicyError(f"learned.grade must be 'decide' or 'advise', not {grade!r}")
    for key in ("immediate_threshold", "immediate_threshold_if_other_resolution", "vulnerability_threshold",
                "not_english_threshold"):
        value = raw.get(key)
        if value is None:
            continue  # the default
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
            raise PolicyError(f"learned.{key} must be a number in (0, 1], not {value!r}")
    vulnerabilities = raw.get("vulnerabilities", "decide")
    if vulnerabilities not in ("decide", "add"):
        raise PolicyError(f"learned.vulnerabilities must be 'decide' or 'add', not {vulnerabilities!r}")
    keep = raw.get("keep_lexicon") or []
    if not isinstance(keep, list) or any(k not in VULNERABILITIES for k in keep):
        raise PolicyError(f"learned.keep_lexicon must be a list of vulnerability categories ({', '.join(VULNERABILITIES)}), "
                          f"not {keep!r}")
    min_words = raw.get("min_words", 0)
    if not isinstance(min_words, int) or isinstance(min_words, bool) or min_words < 0:
        raise PolicyError(f"learned.min_words must be a whole number, 0 or more, not {min_words!r}")
    overrule = _overrule_config(raw.get("overrule") or {})
    model = Path(raw["model"])
    if not model.is_absolute():
        beside = base / model
        # A policy copied elsewhere without its model uses the bundled one.
        model = beside if beside.is_file() or model.name != DEFAULT_MODEL.name else DEFAULT_MODEL
    return LearnedConfig(
        model=model,
        grade=grade,
        immediate_threshold=float(raw.get("immediate_threshold", LearnedConfig.immediate_threshold)),
        immediate_threshold_if_other_resolution=_optional_float(raw.get("immediate_threshold_if_other_resolution")),
        vulnerability_threshold=float(raw.get("vulnerability_threshold", LearnedConfig.vulnerability_threshold)),
        min_words=min_words,
        vulnerabilities=vulnerabilities,
        keep_lexicon=frozenset(keep),
        not_english_threshold=_optional_float(raw.get("not_english_threshold")),
        **overrule,
        **_words_reader_config(raw.get("words_reader"), base),
    )


def _words_reader_config(raw: Any, base: Path) -> dict[str, Any]:
    """Validate ``learned.words_reader`` ({model, weight}); absent: the model's chance alone."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping) or set(raw) - {"model", "weight", "alone_threshold"} or not raw.get("model"):
        raise PolicyError(f"learned.words_reader must be a mapping with a model file, a weight and optionally an "
                          f"alone_threshold, not {raw!r}")
    for key in ("weight", "alone_threshold"):
        value = raw.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1):
            raise PolicyError(f"learned.words_reader.{key} must be a number in (0, 1], not {value!r}")
    return {"words_model": ngram_reader.resolve(str(raw["model"]), base, words_reader.DEFAULT_MODEL),
            "words_weight": float(raw.get("weight", LearnedConfig.words_weight)),
            "words_alone_threshold": _optional_float(raw.get("alone_threshold"))}


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _overrule_config(raw: Any) -> dict[str, Any]:
    """Validate ``learned.overrule`` ({rules, below, at_least, only_below}); the grade rules it
    names must be rules that grade immediate (checked against the policy's rules, ``_config_from_file``)."""
    if not isinstance(raw, Mapping):
        raise PolicyError(f"learned.overrule must be a mapping with rules, below and at_least, not {raw!r}")
    unknown = set(raw) - {"rules", "below", "at_least", "only_below"}
    if unknown:
        raise PolicyError(f"learned.overrule: unknown key(s) {sorted(unknown)}")
    if not raw:
        return {}
    rules = raw.get("rules") or []
    if not isinstance(rules, list) or not rules or not all(isinstance(r, str) and r for r in rules):
        raise PolicyError(f"learned.overrule.rules must be a list of grade rule ids, not {rules!r}")
    only_below = raw.get("only_below") or {}
    if not isinstance(only_below, Mapping) or not all(isinstance(r, str) and r for r in only_below):
        raise PolicyError(f"learned.overrule.only_below must map grade rule ids to numbers, not {only_below!r}")
    if any(r.startswith("override.answer_") for r in [*rules, *only_below]):
        raise PolicyError("learned.overrule may not name a rule on the reporter's own answers: what they told us stands")
    if set(rules) & set(only_below):
        raise PolicyError(f"learned.overrule: {sorted(set(rules) & set(only_below))} in both rules and only_below")
    below = _overrule_bar(raw.get("below"), "below")
    bars = {rule: _overrule_bar(bar, f"only_below.{rule}") for rule, bar in only_below.items()}
    if any(bar > below for bar in bars.values()):
        raise PolicyError("learned.overrule.only_below: each bar must be at most `below` (for rules overruled only where the model is surer)")
    floor = raw.get("at_least", "prompt")
    if floor not in GRADES or floor == "immediate":
        raise PolicyError(f"learned.overrule.at_least must be one of {', '.join(GRADES[1:])}, not {floor!r}")
    return {"overrule_rules": frozenset(rules), "overrule_below": below, "overrule_floor": floor, "overrule_only_below": bars}


def _overrule_bar(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise PolicyError(f"learned.overrule.{key} must be a number in (0, 1), not {value!r}")
    return float(value)


@functools.lru_cache(maxsize=16)
def _config_from_file(path: str) -> LearnedConfig:
    """The file's ``learned:`` section, checked once against the file's grade rules."""
    config = build_config(policy_section(path, "learned"), base=Path(path).parent)
    wrong = (config.overrule_rules | config.overrule_only_below.keys()) - {
        r.id for r in load_policy(path).grade_rules if r.grade == "immediate"}
    if wrong:
        raise PolicyError(f"learned.overrule names {sorted(wrong)}, which are not grade rules that grade immediate")
    return config


def config_for(policy: Policy) -> LearnedConfig:
    """The learned-layer configuration of a loaded policy (off for policies built in memory)."""
    source = source_file(policy)
    return _config_from_file(source) if source else LearnedConfig()


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class LearnedModel:
    version: str
    features: str
    grades: tuple[str, ...]
    grade_weights: Any  # (classes x features) rows of numbers: lists as read, or numpy
    grade_bias: Any  # (classes,)
    vulnerabilities: tuple[str, ...]
    vulnerability_weights: Any  # (categories x VULNERABILITY_WIDTH)
    vulnerability_bias: Any
    card: Mapping[str, Any]  # training files, counts, settings, cross-validated scores
    rule_ids: tuple[str, ...] = ()  # the indicators and grade rules that are features, in order
    # With a tuned reader, the grade classifier reads its vector and the rules' reading (not the
    # untuned vectors): grade_weights are then (classes x DIMENSIONS + rules' reading).
    tuned: tuned_reader.TunedReader | None = None
    # Beside a tuned reader, logistic regression over the untuned vectors (classes x feature_width):
    # the grade's log-probabilities are the mean of the two classifiers'.
    logistic_weights: Any = None
    logistic_bias: Any = None
    # With words, the vulnerability weights are (categories x VULNERABILITY_WIDTH + its vocabulary).
    words: Words | None = None

    @functools.cached_property
    def arrays(self) -> tuple[Any, Any, Any, Any]:
        """The weights as numpy arrays (converted once; reading and checking a model file
        needs no numpy, using it does)."""
        import numpy as np

        return tuple(
            np.asarray(w, dtype=np.float32)
            for w in (self.grade_weights, self.grade_bias, self.vulnerability_weights, self.vulnerability_bias)
        )

    @functools.cached_property
    def logistic_arrays(self) -> tuple[Any, Any] | None:
        import numpy as np

        if self.logistic_weights is None:
            return None
        return np.asarray(self.logistic_weights, dtype=np.float32), np.asarray(self.logistic_bias, dtype=np.float32)


@dataclass(frozen=True)
class Words:
    """The words a vulnerability classifier reads: tf-idf over words and word pairs (sublinear
    counts, L2 unit length, times ``scale``), computed exactly as scikit-learn's
    ``TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2))`` does, so training needs
    scikit-learn and assessing does not. `vocabulary` is in column order."""

    vocabulary: tuple[str, ...]
    idf: tuple[float, ...]
    scale: float

    @functools.cached_property
    def index(self) -> dict[str, int]:
        return {term: number for number, term in enumerate(self.vocabulary)}

    def row(self, text: str) -> dict[int, float]:
        """The columns of `text` that are not zero, and their values."""
        counts: dict[int, int] = {}
        for term in ngram_reader.word_ngrams(text):
            column = self.index.get(term)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        values = {column: (1.0 + math.log(n)) * self.idf[column] for column, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values()))
        return {column: v / norm * self.scale for column, v in values.items()} if norm else {}

    def matrix(self, texts: Sequence[str]) -> Any:
        """Rows for many texts (a scipy sparse matrix: a contact uses a few hundred of the columns)."""
        from scipy import sparse

        rows = [self.row(text) for text in texts]
        return sparse.csr_matrix(
            ([v for row in rows for v in row.values()],
             [c for row in rows for c in row],
             [0, *itertools.accumulate(len(row) for row in rows)]),
            shape=(len(texts), len(self.vocabulary)), dtype="float32")


def words_of(text: ContactText) -> str:
    """What ``Words`` reads of a contact: its sentences as the engine read them."""
    return " ".join(text.sentences)


class ModelError(ValueError):
    """A model file that cannot be used (missing, malformed, or for other features)."""


def _matrix(rows: Any, height: int, width: int | None, what: str) -> tuple[tuple[float, ...], ...]:
    rows = tuple(tuple(float(x) for x in row) for row in rows)
    width = len(rows[0]) if width is None and rows else width
    if len(rows) != height or any(len(row) != width for row in rows):
        raise ModelError(f"{what}: expected {height} rows of {width} numbers")
    return rows


def load_model(path: str) -> LearnedModel:
    """The model in the file at `path`, read once per process; ModelError if it cannot be used.
    Its failure is remembered too: a broken or outdated model file is not read again for every
    contact (each read is a JSON parse of about 1 ms). ``forget_models()`` forgets both."""
    model = _read_model(path)
    if isinstance(model, ModelError):
        raise model
    return model


def forget_models() -> None:
    """Forget the models (and failures) read so far, e.g. after writing a new model file."""
    _read_model.cache_clear()


@functools.lru_cache(maxsize=8)
def _read_model(path: str) -> LearnedModel | ModelError:
    try:
        return _parse_model(path)
    except ModelError as error:
        return error


def _parse_model(path: str) -> LearnedModel:
    try:
        with open(path, encoding="utf-8") as handle:
            raw = json.load(handle)
    except (OSError, json.JSONDecodeError) as error:
        raise ModelError(f"cannot read learned model {path}: {error}") from error
    try:
        if raw["format"] != MODEL_FORMAT or raw["features"] != FEATURES:
            raise ModelError(f"{path}: format {raw['format']}/{raw['features']} is not {MODEL_FORMAT}/{FEATURES}")
        grades = tuple(raw["grade"]["classes"])
        vulns = tuple(raw["vulnerability"]["classes"])
        if set(grades) != set(GRADES) or not set(vulns) <= set(VULNERABILITIES):
            raise ModelError(f"{path}: unknown grades or vulnerabilities")
        rule_ids = tuple(str(r) for r in raw["rules"])
        grade_weights = _matrix(raw["grade"]["weights"], len(grades), None, f"{path}: grade weights")
        width = len(grade_weights[0])
        layers = None
        if raw["grade"].get("tuned"):
            reader = raw["grade"]["tuned"]
            try:
                layers = tuned_reader.load(Path(path).parent / reader["file"], reader["sha256"])
            except tuned_reader.ReaderError as error:
                raise ModelError(str(error)) from error
        needed = tuned_width(rule_ids) if layers else feature_width(rule_ids)
        if width != needed:
            raise ModelError(f"{path}: {width} weights per class, but its features need {needed}")
        logistic = raw["grade"].get("logistic")
        if logistic is not None and layers is None:
            raise ModelError(f"{path}: a logistic grade classifier is averaged with a tuned reader, and there is none")
        words = _parse_words(raw["vulnerability"].get("words"), path)
        logistic_weights = logistic_bias = None
        if logistic is not None:
            logistic_weights = _matrix(logistic["weights"], len(grades), feature_width(rule_ids), f"{path}: logistic grade weights")
            logistic_bias = _matrix([logistic["bias"]], 1, len(grades), f"{path}: logistic grade bias")[0]
        return LearnedModel(
            version=str(raw["version"]),
            features=raw["features"],
            grades=grades,
            grade_weights=grade_weights,
            grade_bias=_matrix([raw["grade"]["bias"]], 1, len(grades), f"{path}: grade bias")[0],
            vulnerabilities=vulns,
            vulnerability_weights=_matrix(raw["vulnerability"]["weights"], len(vulns),
                                          VULNERABILITY_WIDTH + (len(words.vocabulary) if words else 0),
                                          f"{path}: vulnerability weights"),
            vulnerability_bias=_matrix([raw["vulnerability"]["bias"]], 1, len(vulns), f"{path}: vulnerability bias")[0],
            card=raw.get("card") or {},
            rule_ids=rule_ids,
            tuned=layers,
            logistic_weights=logistic_weights,
            logistic_bias=logistic_bias,
            words=words,
        )
    except ModelError:
        raise
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise ModelError(f"{path}: malformed learned model ({error})") from error


def _parse_words(raw: Any, path: str) -> Words | None:
    if raw is None:
        return None
    vocabulary, idf, scale = tuple(str(t) for t in raw["vocabulary"]), tuple(float(x) for x in raw["idf"]), float(raw["scale"])
    if len(vocabulary) != len(idf) or len(set(vocabulary)) != len(vocabulary):
        raise ModelError(f"{path}: the words' vocabulary ({len(vocabulary)}) and idf ({len(idf)}) do not match")
    if not all(math.isfinite(x) and x > 0 for x in (*idf, scale)):
        raise ModelError(f"{path}: the words' idf and scale must be positive numbers")
    return Words(vocabulary=vocabulary, idf=idf, scale=scale)


@dataclass(frozen=True)
class Prediction:
    model_version: str
    grade_probabilities: Mapping[str, float]
    vulnerability_probabilities: Mapping[str, float]

    @property
    def grade(self) -> str:
        return max(self.grade_probabilities, key=self.grade_probabilities.__getitem__)


@dataclass(frozen=True)
class RulesReading:
    """What the rules made of a contact's words before the learned layer reads it: the grade rule
    that held, the indicators that fired (and were not negated or questions), the THRIVE scores
    and the vulnerabilities the lexicon and the descriptions found (and, apart, the lexicon's
    alone). Never anything from our records: the learned layer reads the words alone
    (``engine.rules_reading``)."""

    grade: str
    rule_ids: frozenset[str]
    scores: Mapping[str, float]
    vulnerabilities: frozenset[str]
    not_english: bool = False
    lexicon_vulnerabilities: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ContactText:
    """A contact's sentences as the engine reads them: every sentence (for the whole-message
    vector), those that are not hypotheticals (averaged for the second vector) and those the
    semantic layer compares with the descriptions."""

    sentences: tuple[str, ...]
    kept: tuple[str, ...]
    compared: tuple[str, ...] = ()

    @functools.cached_property
    def windows(self) -> tuple[str, ...]:
        """The whole message in windows of whole sentences (``semantic.windows``), worked out once."""
        return tuple(semantic.windows(self.sentences))

    def inputs(self) -> list[str]:
        """Every string ``vectors()`` embeds: the whole message's windows, then the sentences
        averaged (the windows again when none is kept)."""
        return [*self.windows, *(list(self.kept[:MAX_SENTENCES]) or self.windows)]

    def pack(self) -> list[str]:
        """Everything the sentence model reads for this contact, embedded together in one call
        and always in this order (so the same contact always gets the same vectors)."""
        return list(dict.fromkeys([*self.inputs(), *self.compared]))


def feature_width(rule_ids: Sequence[str]) -> int:
    """The width of what the grade classifier reads (a feature row without the lexicon's own
    categories, which only the vulnerability classifiers read)."""
    return 2 * semantic.DIMENSIONS + len(GRADES) + len(rule_ids) + len(THRIVE_FACTORS) + len(VULNERABILITIES) + 1


def tuned_width(rule_ids: Sequence[str]) -> int:
    """The width of what a tuned reader's grade classifier reads: its vector and the rules' reading."""
    return feature_width(rule_ids) - MEANING_WIDTH + semantic.DIMENSIONS


def tuned_inputs(vectors: Any, features: Any) -> Any:
    """What a tuned reader's grade classifier reads: its vectors (one row per contact) and the
    rules' reading from the feature rows, weighted as the reader was trained."""
    import numpy as np

    return np.concatenate([vectors, grade_inputs(features)[:, MEANING_WIDTH:] * tuned_reader.RULES_WEIGHT], axis=1)


def rule_features(reading: RulesReading, rule_ids: Sequence[str]) -> Any:
    """The rules' reading as numbers: the grade (one of four), each known indicator (fired or
    not), the THRIVE scores (capped at 10, as tenths), each vulnerability, the language flag and,
    last, each vulnerability the lexicon alone found (what the vulnerability classifiers read)."""
    import numpy as np

    values = [
        *(reading.grade == g for g in GRADES),
        *(r in reading.rule_ids for r in rule_ids),
        *(min(float(reading.scores.get(f, 0.0)), 10.0) / 10.0 for f in THRIVE_FACTORS),
        *(v in reading.vulnerabilities for v in VULNERABILITIES),
        reading.not_english,
        *(v in reading.lexicon_vulnerabilities for v in VULNERABILITIES),
    ]
    return np.asarray(values, dtype=np.float32) * RULES_SCALE


def vectors(
    texts: Sequence[ContactText], readings: Sequence[RulesReading], rule_ids: Sequence[str], middles: list[Any] | None = None,
) -> Any | None:
    """The feature vectors of contacts (numpy, one row each), or None without the model.

    Each row is [whole-message vector, mean of its sentences' vectors, the rules' reading] (the
    grade classifier reads all but the lexicon's own categories, ``grade_inputs``; the
    vulnerability classifiers the two vectors and those categories, ``vulnerability_inputs``). The
    whole message is embedded in windows of sentences (``semantic.windows``: one for all but long
    messages), weighted by their words; each vector is unit length. With a list as `middles`, each
    contact's windows' middle token states and words are appended to it (a tuned reader trains on
    them), from the same model call.
    """
    encoder = semantic.get_encoder()
    if encoder is None:
        return None
    import numpy as np  # installed with the model

    out = []
    for contact, reading in zip(texts, readings, strict=True):
        pack = contact.pack()
        rows, states = encoder.embed_with_states(pack, contact.windows if middles is not None else ())
        out.append(_features(contact, reading, rule_ids, dict(zip(pack, rows, strict=True))))
        if middles is not None:
            middles.append(window_states(contact, states))
    return np.asarray(out, dtype=np.float32)


def _features(contact: ContactText, reading: RulesReading, rule_ids: Sequence[str], rows: Mapping[str, Any]) -> Any:
    """One contact's feature row from its texts' embeddings (`rows`: text -> vector)."""
    import numpy as np

    windows = contact.windows
    whole = np.sum([rows[w] * len(w.split()) for w in windows], axis=0)
    kept = list(contact.kept[:MAX_SENTENCES]) or windows
    mean = np.mean([rows[s] for s in kept], axis=0)
    return np.concatenate([_unit(whole), _unit(mean), rule_features(reading, rule_ids)])


def grade_inputs(features: Any) -> Any:
    """What the grade classifier reads of feature rows: all but the lexicon's own categories."""
    return features[:, : -len(VULNERABILITIES)]


def vulnerability_inputs(features: Any) -> Any:
    """What the vulnerability classifiers read of feature rows: the two vectors and the
    lexicon's categories (the last columns)."""
    import numpy as np

    return np.hstack([features[:, :MEANING_WIDTH], features[:, -len(VULNERABILITIES):]])


def _unit(vector: Any) -> Any:
    import numpy as np

    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def predict(
    text: ContactText, reading: RulesReading, model: LearnedModel, embedded: Mapping[str, Any] | None = None,
    middles: Mapping[str, Any] | None = None,
) -> Prediction | None:
    """What reviewers graded contacts like this one; None without the sentence model.
    `embedded`: the contact's texts already embedded together (``ContactText.pack``), when the
    caller has them, as the engine does; `middles`: the middle token states of its windows, from
    the same call (``semantic.Encoder.embed_with_states``), which a model with a tuned reader needs."""
    import numpy as np

    if embedded is None or (model.tuned is not None and middles is None):
        encoder = semantic.get_encoder()
        if encoder is None:
            return None
        pack = text.pack()
        rows, middles = encoder.embed_with_states(pack, text.windows if model.tuned else ())
        embedded = dict(zip(pack, rows, strict=True))
    features = np.asarray([_features(text, reading, model.rule_ids, embedded)], dtype=np.float32)
    tuned = None if model.tuned is None else np.asarray([tuned_vector(text, model.tuned, middles or {})])
    grade, vuln = _probabilities(features, model, tuned, [words_of(text)])
    return Prediction(
        model_version=model.version,
        grade_probabilities={g: round(float(p), 4) for g, p in zip(model.grades, grade[0], strict=True)},
        vulnerability_probabilities={v: round(float(p), 4) for v, p in zip(model.vulnerabilities, vuln[0], strict=True)},
    )


def window_states(text: ContactText, middles: Mapping[str, Any]) -> tuple[tuple[Any, ...], tuple[int, ...]]:
    """What a tuned reader reads of a contact: its windows' middle token states (from `middles`,
    window -> states) and their words."""
    return tuple(middles[w] for w in text.windows), tuple(len(w.split()) for w in text.windows)


def tuned_vector(text: ContactText, layers: tuned_reader.TunedReader, middles: Mapping[str, Any]) -> Any:
    """The tuned reader's vector of a contact: its windows read on from their middle states."""
    return layers.pooled(*window_states(text, middles))


def model_for(policy: Policy) -> LearnedModel | None:
    """The policy's learned model, or None when the policy has none or it cannot be loaded (the
    rules then decide alone, logged once: a broken model file must not stop intake)."""
    config = config_for(policy)
    if not config.enabled or switched_off():
        return None
    try:
        model = load_model(str(config.model))
    except ModelError as error:
        _warn_once(str(error))
        return None
    if model.tuned is not None and not model.tuned.runnable:
        _warn_once(f"{config.model}: its tuned reader needs onnxruntime: run `make install ML=1`")
        return None
    return model


def switched_off() -> bool:
    """Whether ONEDOOR_TRIAGE_LEARNED=off turns the layer off."""
    return os.environ.get(ENV_SWITCH, "auto").strip().lower() == "off"


@functools.lru_cache(maxsize=8)
def _warn_once(message: str) -> None:
    logger.error("triage learned layer off: %s", message)


# --------------------------------------------------------------------------- training


def file_digest(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_labelled(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    """Labelled contacts (the dev.jsonl format) from several files, each tagged with its file.
    Checked as ``onedoor triage-eval`` checks them, and every line must be labelled; a bad file
    raises ``evaluation.LabelledFileError`` (a ValueError) naming its bad lines."""
    from onedoor.triage import evaluation  # it imports the engine, which imports this module

    records: list[dict[str, Any]] = []
    for path in paths:
        for record in evaluation.read_labelled(path, require_expected=True):
            record["_file"] = Path(path).name
            records.append(record)
    return records


def fit(
    features: Any, records: Sequence[Mapping[str, Any]], c: float, middles: Sequence[Any] | None = None,
    *, average: bool = False, words: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Fit the grade and vulnerability classifiers on `features` (``training_features``); with
    `middles` (the same contacts' windows' middle states and words, see ``vectors``) the grade
    classifier is a tuned reader, fine-tuned on them (``onedoor.triage.tuned``), and with `average`
    also the logistic regression fitted without them, whose log-probabilities are averaged with the
    reader's. Scored on ten new writers' contacts the reader alone graded better (docs/triage.md,
    "cam-2026.12.7"), so averaging is no longer the default. With `words` (each contact's
    ``words_of``) the vulnerability classifiers also read the words (``Words``)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    y = np.array([GRADES.index(r["expected"]["grade"]) for r in records])
    present = sorted(set(y.tolist()))
    if present != list(range(len(GRADES))):
        raise ValueError(f"the training data must contain every grade; it has {[GRADES[i] for i in present]}")
    targets = np.array([[v in (r["expected"].get("vulnerabilities") or ()) for v in VULNERABILITIES] for r in records], dtype=int)
    logistic: dict[str, Any] = {}
    if middles is None or average:  # the reader alone needs no logistic regression
        grade_model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(grade_inputs(features), y)
        logistic = {"weights": grade_model.coef_, "bias": grade_model.intercept_}
    grade = {"classes": list(GRADES), **logistic}
    if middles is not None:
        examples = [
            tuned_reader.Example(middles=states, words=words, rules=row[MEANING_WIDTH:], lexicon=lexicon, grade=label,
                                 vulnerabilities=target)
            for (states, words), row, lexicon, label, target in zip(
                middles, grade_inputs(features), features[:, -len(VULNERABILITIES):], y, targets, strict=True)
        ]
        # The reader's vulnerability head shapes its layers and is then left out: out of fold it
        # scored 0.36 F1 against the logistic regression's 0.77 (docs/triage.md, "cam-2026.12.6").
        tuned = tuned_reader.fine_tune(examples, grades=len(GRADES))
        grade = {"classes": list(GRADES), "weights": tuned.grade_weights, "bias": tuned.grade_bias, "layers": tuned.layers,
                 **({"logistic": logistic} if average else {})}
    vuln_weights, vuln_bias, vuln_classes = [], [], []
    meaning = vulnerability_inputs(features)
    vocabulary = None
    if words is not None:
        from scipy import sparse

        vocabulary = _fit_words(words)
        meaning = sparse.hstack([sparse.csr_matrix(meaning), vocabulary.matrix(words)], format="csr")
    for number, category in enumerate(VULNERABILITIES):
        target = targets[:, number]
        if target.sum() < 3:
            continue  # too few examples to learn from
        model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(meaning, target)
        vuln_classes.append(category)
        vuln_weights.append(model.coef_[0])
        vuln_bias.append(model.intercept_[0])
    return {
        "grade": grade,
        "vulnerability": {"classes": vuln_classes, "weights": np.array(vuln_weights), "bias": np.array(vuln_bias),
                          **({"words": vocabulary} if vocabulary is not None else {})},
    }


def _fit_words(texts: Sequence[str]) -> Words:
    """The vocabulary and idf of `texts` (scikit-learn's ``TfidfVectorizer``, kept as ``Words``)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2, max_features=WORDS_MAX).fit(texts)
    vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
    return Words(vocabulary=tuple(vocabulary), idf=tuple(float(x) for x in vectorizer.idf_), scale=WORDS_SCALE)


def _as_model(fitted: Mapping[str, Any], version: str, rule_ids: Sequence[str]) -> LearnedModel:
    logistic = fitted["grade"].get("logistic") or {}
    return LearnedModel(
        version=version, features=FEATURES, grades=tuple(fitted["grade"]["classes"]),
        grade_weights=fitted["grade"]["weights"], grade_bias=fitted["grade"]["bias"],
        vulnerabilities=tuple(fitted["vulnerability"]["classes"]),
        vulnerability_weights=fitted["vulnerability"]["weights"], vulnerability_bias=fitted["vulnerability"]["bias"],
        card={}, rule_ids=tuple(rule_ids),
        tuned=None if fitted["grade"].get("layers") is None else tuned_reader.reader_for(fitted["grade"]["layers"]),
        logistic_weights=logistic.get("weights"), logistic_bias=logistic.get("bias"),
        words=fitted["vulnerability"].get("words"),
    )


def tuned_vectors(layers: tuned_reader.TunedReader | None, middles: Sequence[Any]) -> Any:
    """The tuned reader's vectors of contacts from their windows' middle states and words (as
    ``vectors`` collects them); None without a tuned reader."""
    import numpy as np

    return None if layers is None else np.asarray([layers.pooled(states, words) for states, words in middles])


def _probabilities(features: Any, model: LearnedModel, tuned: Any = None, words: Sequence[str] | None = None) -> tuple[Any, Any]:
    """Grade and vulnerability probabilities of feature rows (`tuned`: the tuned reader's vectors
    of the same contacts, when the model has one; `words`: their ``words_of``, which a model
    whose vulnerability classifiers read words needs). With a logistic classifier beside the
    tuned reader, the grade's log-probabilities are the mean of the two's: their logits are
    averaged (a softmax's log-probabilities are its logits less a constant per row)."""
    import numpy as np

    grade_weights, grade_bias, vulnerability_weights, vulnerability_bias = model.arrays
    inputs = grade_inputs(features) if model.tuned is None else tuned_inputs(tuned, features)
    logits = inputs @ grade_weights.T + grade_bias
    if model.logistic_arrays is not None:
        logistic_weights, logistic_bias = model.logistic_arrays
        logits = (logits + grade_inputs(features) @ logistic_weights.T + logistic_bias) / 2
    logits = logits - logits.max(axis=1, keepdims=True)
    grade = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    vuln_logits = vulnerability_inputs(features) @ vulnerability_weights[:, :VULNERABILITY_WIDTH].T + vulnerability_bias
    if model.words is not None:
        if words is None or len(words) != len(features):
            raise ValueError("this model's vulnerability classifiers read the words: pass each contact's words_of")
        by_word = vulnerability_weights[:, VULNERABILITY_WIDTH:]
        for number, text in enumerate(words):
            row = model.words.row(text)
            if row:
                columns = np.fromiter(row, dtype=np.intp, count=len(row))
                vuln_logits[number] += by_word[:, columns] @ np.fromiter(row.values(), dtype=np.float32, count=len(row))
    vuln = 1.0 / (1.0 + np.exp(-vuln_logits))
    return grade, vuln


def cross_validate(
    features: Any, records: Sequence[Mapping[str, Any]], *, c: float, immediate_threshold: float,
    vulnerability_threshold: float, rule_ids: Sequence[str] = (), middles: Sequence[Any] | None = None,
    average: bool = False, words: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Leave-one-file-out: train on every other file, score the file left out (the model alone,
    without the rules). Files written by different people make this an honest estimate of how
    the model does on contacts written by someone new. With `middles` each fold's grade
    classifier is a tuned reader, as the model's is."""
    import numpy as np

    files = sorted({r["_file"] for r in records})
    by_file: dict[str, Any] = {}
    for name in files:
        train = [i for i, r in enumerate(records) if r["_file"] != name]
        test = [i for i, r in enumerate(records) if r["_file"] == name]
        try:
            model = _as_model(fit(features[train], [records[i] for i in train], c,
                                  None if middles is None else [middles[i] for i in train], average=average,
                                  words=None if words is None else [words[i] for i in train]), "cv", rule_ids)
        except ValueError:
            continue
        held = None if middles is None else tuned_vectors(model.tuned, [middles[i] for i in test])
        grade_p, vuln_p = _probabilities(features[test], model, held, None if words is None else [words[i] for i in test])
        predicted = [
            "immediate" if g[model.grades.index("immediate")] >= immediate_threshold else model.grades[int(np.argmax(g))]
            for g in grade_p
        ]
        expected = [records[i]["expected"]["grade"] for i in test]
        immediate = [p for p, e in zip(predicted, expected, strict=True) if e == "immediate"]
        tp = fp = fn = 0
        for row, i in zip(vuln_p, test, strict=True):
            found = {v for v, p in zip(model.vulnerabilities, row, strict=True) if p >= vulnerability_threshold}
            truth = set(records[i]["expected"].get("vulnerabilities") or ())
            tp, fp, fn = tp + len(found & truth), fp + len(found - truth), fn + len(truth - found)
        by_file[name] = {
            "contacts": len(test),
            "exact": round(sum(p == e for p, e in zip(predicted, expected, strict=True)) / len(test), 3),
            "immediate_recall": round(immediate.count("immediate") / len(immediate), 3) if immediate else None,
            "vulnerability_f1": round(2 * tp / (2 * tp + fp + fn), 3) if tp + fp + fn else None,
        }
    return by_file


def missing_training_tools(what: str = "training") -> str | None:
    """Why `what` (training, cross-validation) cannot run here, or None when the sentence model,
    scikit-learn, and PyTorch with transformers (to fine-tune a tuned reader) are installed."""
    if semantic.get_encoder() is None:
        return f"{what} needs the sentence model and scikit-learn: run `make install ML=1`"
    for module, name in (("sklearn", "scikit-learn"), ("torch", "PyTorch"), ("transformers", "transformers")):
        try:
            __import__(module)
        except ImportError:
            return f"{what} needs {name}: run `make install ML=1`"
    return None


def training_features(
    records: Sequence[Mapping[str, Any]], policy: Policy, middles: list[Any] | None = None,
    words: list[str] | None = None,
) -> tuple[Any, list[str]]:
    """The feature rows of labelled records and the indicators used as features (those the
    rules found in at least MIN_RULE_COUNT of them: chosen from the words, never the labels).
    With a list as `middles`, what a tuned reader trains on is appended to it (see ``vectors``);
    with a list as `words`, each contact's ``words_of``."""
    from onedoor.triage import engine  # it imports this module

    read = [engine.rules_reading(text=r["text"], channel=r["channel"], answers=r.get("answers"), policy=policy) for r in records]
    counts: dict[str, int] = {}
    for _, reading in read:
        for rule in reading.rule_ids:
            counts[rule] = counts.get(rule, 0) + 1
    rule_ids = sorted(r for r, n in counts.items() if n >= MIN_RULE_COUNT)
    if words is not None:
        words.extend(words_of(text) for text, _ in read)
    features = vectors([t for t, _ in read], [r for _, r in read], rule_ids, middles)
    if features is None:
        raise RuntimeError("training needs the sentence model: install it with `make install ML=1`")
    return features, rule_ids


def as_json(
    fitted: Mapping[str, Any], *, version: str, rule_ids: Sequence[str], card: Mapping[str, Any] | None = None,
    layers_file: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """A fitted model as the JSON mapping ``load_model`` reads (`layers_file`: the name and
    SHA-256 of the file its tuned reader's layers were saved in, ``write_model``)."""

    def rounded(array: Any) -> Any:
        return [[round(float(x), 6) for x in row] for row in array] if array.ndim == 2 else [round(float(x), 6) for x in array]

    return {
        "format": MODEL_FORMAT,
        "version": version,
        "features": FEATURES,
        "rules": list(rule_ids),
        "grade": {"classes": fitted["grade"]["classes"], "weights": rounded(fitted["grade"]["weights"]),
                  "bias": rounded(fitted["grade"]["bias"]),
                  **({"tuned": {"file": layers_file[0], "sha256": layers_file[1]}} if layers_file else {}),
                  **({"logistic": {"weights": rounded(logistic["weights"]), "bias": rounded(logistic["bias"])}}
                     if (logistic := fitted["grade"].get("logistic")) is not None else {})},
        "vulnerability": {"classes": fitted["vulnerability"]["classes"],
                          "weights": rounded(fitted["vulnerability"]["weights"]),
                          "bias": rounded(fitted["vulnerability"]["bias"]),
                          **({"words": {"vocabulary": list(words.vocabulary), "idf": [round(x, 6) for x in words.idf],
                                        "scale": words.scale}}
                             if (words := fitted["vulnerability"].get("words")) is not None else {})},
        "card": dict(card or {}),
    }


def write_model(
    fitted: Mapping[str, Any], path: str | Path, *, version: str, rule_ids: Sequence[str],
    card: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Write a fitted model to `path` (JSON) and its tuned reader's layers, if it has one, beside
    it (the same name, ``.onnx``); returns the JSON mapping."""
    path = Path(path)
    layers_file = None
    if fitted["grade"].get("layers") is not None:
        layers_path = path.with_suffix(".onnx")
        layers_file = (layers_path.name, tuned_reader.save(fitted["grade"]["layers"], layers_path))
    model = as_json(fitted, version=version, rule_ids=rule_ids, card=card, layers_file=layers_file)
    path.write_text(json.dumps(model, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    forget_models()
    return model


def train(
    paths: Sequence[str | Path], *, version: str, out: str | Path, c: float = 2.0, immediate_threshold: float = 0.15,
    vulnerability_threshold: float = 0.7, cross_validation: bool = True, records: list[dict[str, Any]] | None = None,
    tune: bool = True, average: bool = False,
) -> dict[str, Any]:
    """Train on labelled files (`records`: what ``read_labelled(paths)`` already returned) and
    write the model to `out` (``write_model``); returns its JSON mapping (with its card). With
    `tune` the grade classifier is a tuned reader (``onedoor.triage.tuned``; minutes, not seconds),
    with `average` averaged with logistic regression (``fit``)."""
    records = read_labelled(paths) if records is None else records
    if not records:
        raise ValueError("no labelled contacts to train on")
    middles: list[Any] | None = [] if tune else None
    words: list[str] = []
    features, rule_ids = training_features(records, load_policy(), middles, words)
    fitted = fit(features, records, c, middles, average=average, words=words)
    card: dict[str, Any] = {
        "trained_on": [
            {"file": Path(p).name, "sha256": file_digest(p), "contacts": sum(r["_file"] == Path(p).name for r in records)}
            for p in paths
        ],
        "contacts": len(records),
        "grades": {g: sum(r["expected"]["grade"] == g for r in records) for g in GRADES},
        "settings": {"C": c, "class_weight": "balanced", "immediate_threshold": immediate_threshold,
                     "vulnerability_threshold": vulnerability_threshold, "rules_scale": RULES_SCALE,
                     "min_rule_count": MIN_RULE_COUNT,
                     "grade_classifier": _grade_classifier(tune, average),
                     "vulnerability_words": {"max": WORDS_MAX, "scale": WORDS_SCALE, "ngrams": [1, 2], "min_df": 2},
                     **({"tuned": {"layers": tuned_reader.LAYERS, "epochs": tuned_reader.EPOCHS,
                                   "layer_rate": tuned_reader.LAYER_RATE, "head_rate": tuned_reader.HEAD_RATE,
                                   "rules_weight": tuned_reader.RULES_WEIGHT, "seed": tuned_reader.SEED}} if tune else {})},
    }
    if cross_validation:
        card["leave_one_file_out"] = cross_validate(
            features, records, c=c, immediate_threshold=immediate_threshold,
            vulnerability_threshold=vulnerability_threshold, rule_ids=rule_ids, middles=middles, average=average,
            words=words,
        )
    return write_model(fitted, out, version=version, rule_ids=rule_ids, card=card)


def _grade_classifier(tune: bool, average: bool) -> str:
    if not tune:
        return "logistic regression"
    return "tuned reader and logistic regression, averaged" if average else "tuned reader"


def describe_probability(p: float) -> str:
    return f"{round(p * 100)}%"
