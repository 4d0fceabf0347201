"""How the learned layer's vulnerabilities combine with the lexicon's (policy ``learned:``
``vulnerabilities: decide | add`` and ``keep_lexicon``), with a model file whose vulnerability
classifiers are set by hand, so each test knows what the model says."""

import json
import shutil
from pathlib import Path

import pytest
import yaml

from onedoor.triage import learned, semantic
from onedoor.triage.context import RecordContext
from onedoor.triage.engine import assess
from onedoor.triage.policy import PolicyError, load_policy, read_policy_file

pytestmark = [
    pytest.mark.learned,
    pytest.mark.skipif(not semantic.semantic_available(), reason="sentence model not installed (make install ML=1)"),
]

# The lexicon finds child_at_risk and missing_person in this (12 words: the model reads it).
MISSING_CHILD = "My 12 year old son has not come home from school and is missing"


def _policy(tmp_path: Path, *, says: dict[str, float], **learned_settings) -> object:
    """A copy of the bundled policy whose model gives each vulnerability the probability in
    `says` (any other: about 0.2%), whatever the contact."""
    model = json.loads(learned.DEFAULT_MODEL.read_text())
    classes = model["vulnerability"]["classes"]
    width = len(model["vulnerability"]["weights"][0])
    model["vulnerability"]["weights"] = [[0.0] * width for _ in classes]
    model["vulnerability"]["bias"] = [_logit(says.get(c, 0.002)) for c in classes]
    (tmp_path / "model.json").write_text(json.dumps(model))
    shutil.copy(learned.DEFAULT_MODEL.with_suffix(".onnx"), tmp_path / model["grade"]["tuned"]["file"])  # its tuned layers
    source = Path(load_policy().source)
    raw = dict(read_policy_file(str(source)))
    raw["semantic"] = dict(raw["semantic"], descriptions=str(source.parent / raw["semantic"]["descriptions"]))
    raw["learned"] = dict(raw["learned"], model=str(tmp_path / "model.json"), **learned_settings)
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True))
    return load_policy(str(path))


def _logit(p: float) -> float:
    import math

    return math.log(p / (1 - p))


def test_the_lexicon_finds_both_without_the_learned_layer(monkeypatch):
    monkeypatch.setenv(learned.ENV_SWITCH, "off")
    result = assess(text=MISSING_CHILD, channel="web")
    assert {"child_at_risk", "missing_person"} <= set(result.vulnerabilities)


def test_decide_keeps_the_safeguarding_words_and_names_what_it_does_not_list(tmp_path):
    policy = _policy(tmp_path, says={"exploitation": 0.9}, vulnerabilities="decide", keep_lexicon=["child_at_risk"])
    result = assess(text=MISSING_CHILD, channel="web", policy=policy)
    assert "child_at_risk" in result.vulnerabilities  # the lexicon's word stands (keep_lexicon)
    assert "missing_person" not in result.vulnerabilities  # the model does not confirm it
    assert "exploitation" in result.vulnerabilities  # the model's own
    assert any(line.startswith("not listed: missing_person (the words suggested it; the learned model gives 0%")
               for line in result.rationale)
    assert "learned vulnerability: exploitation (90%)" in result.rationale


def test_add_only_adds(tmp_path):
    policy = _policy(tmp_path, says={"exploitation": 0.9}, vulnerabilities="add")
    result = assess(text=MISSING_CHILD, channel="web", policy=policy)
    assert {"child_at_risk", "missing_person", "exploitation"} <= set(result.vulnerabilities)
    assert not any(line.startswith("not listed:") for line in result.rationale)


def test_what_our_records_say_always_stands(tmp_path):
    policy = _policy(tmp_path, says={}, vulnerabilities="decide", keep_lexicon=[])
    context = RecordContext(person_markers=("missing_person",))
    if not policy.context.marker_adds_vulnerability:
        pytest.skip("the policy's markers do not add vulnerabilities")
    result = assess(text=MISSING_CHILD, channel="web", policy=policy, context=context)
    assert "missing_person" in result.vulnerabilities
    assert "child_at_risk" not in result.vulnerabilities


def test_the_model_confirming_a_category_lists_it_once(tmp_path):
    policy = _policy(tmp_path, says={"missing_person": 0.95, "child_at_risk": 0.95}, vulnerabilities="decide")
    result = assess(text=MISSING_CHILD, channel="web", policy=policy)
    assert {"child_at_risk", "missing_person"} <= set(result.vulnerabilities)
    assert not any(line.startswith(("not listed:", "learned vulnerability: missing_person")) for line in result.rationale)


def test_short_messages_are_left_to_the_lexicon(tmp_path):
    policy = _policy(tmp_path, says={}, vulnerabilities="decide", keep_lexicon=[])
    result = assess(text="my son is missing", channel="sms", policy=policy)  # under min_words
    assert "missing_person" in result.vulnerabilities


def test_the_settings_are_validated():
    with pytest.raises(PolicyError, match="decide"):
        learned.build_config({"model": "x.json", "vulnerabilities": "replace"})
    with pytest.raises(PolicyError, match="keep_lexicon"):
        learned.build_config({"model": "x.json", "keep_lexicon": ["child_at_risk", "pickpocketing"]})
    with pytest.raises(PolicyError, match="keep_lexicon"):
        learned.build_config({"model": "x.json", "keep_lexicon": "child_at_risk"})
    config = learned.build_config({"model": "x.json", "keep_lexicon": ["child_at_risk"]})
    assert config.vulnerabilities == "decide" and config.keep_lexicon == frozenset({"child_at_risk"})
