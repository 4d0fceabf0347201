"""The learned layer (onedoor.triage.learned): configuration, the bundled model, how it changes a
grade, that the rules' emergencies always stand, and training."""

import json
import re
import shutil
from pathlib import Path

import pytest

from onedoor.triage import engine, learned, semantic
from onedoor.triage.context import RecordContext
from onedoor.triage.engine import assess
from onedoor.triage.policy import GRADES, VULNERABILITIES, PolicyError, load_policy
from tests.triage import MEASURED_SETS, policy_copy

DATA = Path(__file__).parent / "data"
needs_model = pytest.mark.skipif(not semantic.semantic_available(), reason="sentence model not installed (make install ML=1)")


def test_config_is_validated():
    assert not learned.build_config({}).enabled
    config = learned.build_config({"model": "learned_model.json", "grade": "advise", "immediate_threshold": 0.5})
    assert config.enabled and config.grade == "advise" and config.immediate_threshold == 0.5
    assert config.model == learned.DEFAULT_MODEL
    with pytest.raises(PolicyError, match="unknown key"):
        learned.build_config({"model": "x.json", "thresold": 0.5})
    with pytest.raises(PolicyError, match="decide"):
        learned.build_config({"model": "x.json", "grade": "overrule"})
    with pytest.raises(PolicyError, match="immediate_threshold"):
        learned.build_config({"model": "x.json", "immediate_threshold": 1.5})
    assert learned.build_config({"model": "x.json"}).immediate_threshold_if_other_resolution is None
    assert learned.build_config({"model": "x.json", "immediate_threshold_if_other_resolution": 0.2}
                                ).immediate_threshold_if_other_resolution == 0.2
    for bad in (0, 1.5, "high", True):
        with pytest.raises(PolicyError, match="immediate_threshold_if_other_resolution"):
            learned.build_config({"model": "x.json", "immediate_threshold_if_other_resolution": bad})
    assert learned.build_config({"model": "x.json", "min_words": 12}).min_words == 12
    for bad in (-1, 2.5, "twelve", True):
        with pytest.raises(PolicyError, match="min_words"):
            learned.build_config({"model": "x.json", "min_words": bad})


def test_overrule_config_is_validated(tmp_path):
    assert not learned.build_config({"model": "x.json"}).overrule_rules
    config = learned.build_config({"model": "x.json", "overrule": {"rules": ["override.life_threat"], "below": 0.05}})
    assert config.overrule_rules == {"override.life_threat"} and config.overrule_below == 0.05
    assert config.overrule_floor == "prompt"
    assert config.overrule_bar("override.life_threat") == 0.05 and config.overrule_bar("override.domestic_live") is None
    # A rule the model may overrule only where it is all but sure has its own, lower bar.
    sure = learned.build_config({"model": "x.json", "overrule": {"rules": ["override.domestic_live"], "below": 0.2,
                                                                 "only_below": {"override.life_threat": 0.03}}})
    assert sure.overrule_bar("override.domestic_live") == 0.2 and sure.overrule_bar("override.life_threat") == 0.03
    for bad, message in (
        ({"rules": ["override.life_threat"]}, "below"),
        ({"rules": ["override.life_threat"], "below": 1.5}, "below"),
        ({"rules": ["override.life_threat"], "below": True}, "below"),
        ({"rules": [], "below": 0.05}, "rules"),
        ({"rules": "override.life_threat", "below": 0.05}, "rules"),
        ({"rules": ["override.answer_in_danger"], "below": 0.05}, "own answers"),
        ({"rules": ["override.life_threat"], "below": 0.05, "at_least": "immediate"}, "at_least"),
        ({"rules": ["override.life_threat"], "below": 0.05, "floor": "prompt"}, "unknown key"),
        (["override.life_threat"], "mapping"),
        ({"rules": ["override.domestic_live"], "below": 0.2, "only_below": ["override.life_threat"]}, "only_below"),
        ({"rules": ["override.domestic_live"], "below": 0.2, "only_below": {"override.life_threat": 0}}, "only_below"),
        ({"rules": ["override.domestic_live"], "below": 0.2, "only_below": {"override.life_threat": 0.3}}, "at most"),
        ({"rules": ["override.domestic_live"], "below": 0.2, "only_below": {"override.domestic_live": 0.1}}, "both"),
        ({"rules": ["override.domestic_live"], "below": 0.2, "only_below": {"override.answer_in_danger": 0.1}}, "own answers"),
    ):
        with pytest.raises(PolicyError, match=message):
            learned.build_config({"model": "x.json", "overrule": bad})
    # A rule that is not one of the policy's emergency rules is refused when the policy is used.
    copy = tmp_path / "policy.yaml"
    text = Path(load_policy().source).read_text()
    assert "  overrule:\n    rules: [" in text
    copy.write_text(text.replace("  overrule:\n    rules: [", "  overrule:\n    rules: [prompt.missing, "))
    with pytest.raises(PolicyError, match="prompt.missing"):
        learned.config_for(load_policy(str(copy)))
    copy.write_text(text.replace("  overrule:\n", "  overrule:\n    only_below: {prompt.missing: 0.01}\n"))
    with pytest.raises(PolicyError, match="prompt.missing"):
        learned.config_for(load_policy(str(copy)))


def test_the_bundled_policy_names_the_bundled_model_and_it_loads():
    policy = load_policy()
    config = learned.config_for(policy)
    assert config.enabled and config.model == learned.DEFAULT_MODEL
    model = learned.load_model(str(config.model))
    assert set(model.grades) == set(GRADES)
    assert set(model.vulnerabilities) <= set(VULNERABILITIES)
    card = model.card
    assert card["contacts"] >= 500
    # Every training file is in the repository, unchanged since the model was trained.
    for entry in card["trained_on"]:
        assert learned.file_digest(DATA / entry["file"]) == entry["sha256"], f"{entry['file']} changed: retrain"
    # The held-out sets still measured on are never trained on (heldout_b to heldout_e were spent
    # and have been training data since cam-2026.12.6b).
    assert not MEASURED_SETS & {Path(e["file"]).stem for e in card["trained_on"]}


@pytest.mark.parametrize(
    "content",
    ["not json", json.dumps({"format": 1}), json.dumps({"format": 99, "features": learned.FEATURES})],
)
def test_a_broken_model_file_is_refused_with_a_clear_error(tmp_path, content):
    path = tmp_path / "model.json"
    path.write_text(content)
    with pytest.raises(learned.ModelError):
        learned.load_model(str(path))


@pytest.mark.learned
def test_a_broken_model_leaves_the_rules_to_decide(tmp_path, monkeypatch, caplog):
    broken = tmp_path / "policy.yaml"
    text = Path(load_policy().source).read_text().replace("model: learned_model.json", "model: missing-model.json")
    broken.write_text(text)
    (tmp_path / "vulnerability_descriptions.yaml").write_text(
        (Path(load_policy().source).parent / "vulnerability_descriptions.yaml").read_text()
    )
    policy = load_policy(str(broken))
    result = assess(text="My bike was stolen from the station yesterday.", channel="web", policy=policy)
    assert result.grade == "other_resolution"
    assert not any(line.startswith("learned:") for line in result.rationale)


@needs_model
@pytest.mark.learned
def test_an_emergency_in_words_the_rules_do_not_know_is_caught():
    text = "my dad's taken all of his tablets and is really sleepy, keeps nodding off mid sentence"
    result = assess(text=text, channel="sms")
    assert result.grade == "immediate" and result.call_999_advice
    assert result.rules_grade != "immediate"  # the rules alone missed it
    assert "learned.immediate" in result.rules_fired
    assert result.rationale[0].startswith("Graded immediate (emergency_response) by learned.immediate")
    assert any(line.startswith("learned: reviewers graded contacts like this") for line in result.rationale)
    assert "learned model learned-" in result.rationale[-2]


@needs_model
@pytest.mark.learned
def test_the_rules_emergencies_always_stand():
    result = assess(text="there's a man with a knife outside my door right now", channel="web")
    assert result.grade == "immediate"
    assert "learned.immediate" not in result.rules_fired and "learned.grade" not in result.rules_fired


def _predicting(monkeypatch, immediate: float, likeliest: str = "prompt") -> None:
    """Make the learned layer give `immediate`, and most of the rest to `likeliest`."""
    rest = {g: 0.0 for g in GRADES if g != "immediate"}
    rest[likeliest] = 1.0 - immediate
    prediction = learned.Prediction(model_version="learned-test", grade_probabilities={"immediate": immediate, **rest},
                                    vulnerability_probabilities={"domestic_abuse": 0.99})
    monkeypatch.setattr(engine.learned, "predict", lambda *args, **kwargs: prediction)
    # The words reader agrees, so the chance the layer grades by is `immediate` (test_words_reader
    # tests the two weighted).
    monkeypatch.setattr(engine, "_words_chance", lambda *args, **kwargs: immediate)


@needs_model
@pytest.mark.learned
@pytest.mark.parametrize("likeliest, graded", [("prompt", "prompt"), ("other_resolution", "prompt"), ("standard", "prompt")])
def test_the_model_may_overrule_a_rule_emergency_it_is_sure_is_none(monkeypatch, likeliest, graded):
    """Where a rule the policy names made a contact immediate and the model gives immediate less
    than the policy allows, the model's grade stands, no lower than the policy's floor, and the
    rationale names the rule it overruled."""
    config = learned.config_for(load_policy())
    assert config.overrule_rules and config.overrule_floor == "prompt" and 0 < config.overrule_below <= 0.2
    text = "my husband has been shouting at me all evening and I'm scared, he's downstairs"
    assert assess(text=text, channel="sms").rules_fired[-1] == "override.domestic_live"
    _predicting(monkeypatch, config.overrule_below / 2, likeliest)
    result = assess(text=text, channel="sms")
    assert result.grade == graded and not result.call_999_advice
    assert result.rules_grade == "immediate" and "learned.overruled" in result.rules_fired
    assert result.rationale[0].startswith(f"Graded {graded} (prompt_response) by learned.overruled: the learned model "
                                          f"and the words reader together give an emergency only")
    assert "the rules alone gave immediate by rule override.domestic_live" in result.rationale[0]


@needs_model
@pytest.mark.learned
def test_a_threat_to_life_an_answer_and_a_likely_emergency_are_never_overruled(monkeypatch):
    config = learned.config_for(load_policy())
    # A threat to life found in the words stands unless the model itself is all but sure (5% or less).
    assert "override.life_threat" not in config.overrule_rules
    assert 0 < config.overrule_bar("override.life_threat") <= 0.05
    assert not any(rule.startswith("override.answer") for rule in [*config.overrule_rules, *config.overrule_only_below])
    assert "override.high_risk_missing" not in [*config.overrule_rules, *config.overrule_only_below]
    _predicting(monkeypatch, config.overrule_bar("override.life_threat"))
    knife = assess(text="there's a man with a knife outside my door right now, he is trying to get in", channel="web")
    assert knife.grade == "immediate" and knife.call_999_advice
    _predicting(monkeypatch, 0.01)
    answered = assess(text="I would like some advice about my neighbour's car parked across my drive every evening",
                      channel="web", answers={"in_danger_now": True})
    assert answered.grade == "immediate"
    _predicting(monkeypatch, config.overrule_below)  # at the threshold the rule's emergency stands
    text = "my husband has been shouting at me all evening and I'm scared, he's downstairs"
    assert assess(text=text, channel="sms").grade == "immediate"


@needs_model
@pytest.mark.learned
def test_a_rule_the_model_may_overrule_only_where_it_is_all_but_sure(monkeypatch, tmp_path):
    """``overrule.only_below``: a rule's emergency the model overrules only under that rule's
    own, lower bar; the rationale names the bar."""

    def edit(text: str) -> str:
        text = re.sub(r"\n    only_below: .*\n", "\n", text)
        return text.replace("  overrule:\n", "  overrule:\n    only_below: {override.life_threat: 0.03}\n", 1)

    policy = load_policy(policy_copy(tmp_path, edit))
    text = "there's a man with a knife outside my door right now, he is trying to get in"
    _predicting(monkeypatch, 0.05)  # under `below`, not under the rule's own bar
    stands = assess(text=text, channel="web", policy=policy)
    assert stands.grade == "immediate" and stands.rules_fired[-1] == "override.life_threat" and stands.call_999_advice
    _predicting(monkeypatch, 0.02)
    overruled = assess(text=text, channel="web", policy=policy)
    assert overruled.grade == "prompt" and not overruled.call_999_advice
    assert overruled.rules_grade == "immediate" and overruled.rules_fired[-1] == "learned.overruled"
    assert "the learned model gives immediate only 2%, below the 3% under which the policy lets the learned layer overrule" in overruled.rationale[0]
    assert "the rules alone gave immediate by rule override.life_threat" in overruled.rationale[0]
    # The bar is the model's own chance: the words reader reads the rule that fired and is not asked.
    monkeypatch.setattr(engine, "_words_chance", lambda *args, **kwargs: 0.9)
    assert assess(text=text, channel="web", policy=policy).grade == "prompt"


@needs_model
@pytest.mark.learned
def test_a_model_torn_between_an_emergency_and_no_police_response_needs_more_to_raise(monkeypatch):
    config = learned.config_for(load_policy())
    low, high = config.immediate_threshold, config.immediate_threshold_if_other_resolution
    assert high is not None and high > low
    text = "I'd like to ask about the noise from the building site next to the flats, it starts at six every morning"
    between = (low + high) / 2
    _predicting(monkeypatch, between, "prompt")
    assert assess(text=text, channel="web").grade == "immediate"  # torn with prompt: the usual threshold
    _predicting(monkeypatch, between, "other_resolution")
    torn = assess(text=text, channel="web")
    assert torn.grade == "other_resolution" and "learned.immediate" not in torn.rules_fired
    _predicting(monkeypatch, high, "other_resolution")
    assert assess(text=text, channel="web").grade == "immediate"


@needs_model
@pytest.mark.learned
@pytest.mark.parametrize("text, rule", [
    ("my flatmate punched me in the face an hour ago, I'm at my mum's now, he is still in the flat", "override.attacked_offender_still_there"),
])
def test_the_model_may_overrule_an_attacker_still_there(monkeypatch, text, rule):
    config = learned.config_for(load_policy())
    assert rule in config.overrule_rules
    assert assess(text=text, channel="sms").rules_fired[-1] == rule
    _predicting(monkeypatch, config.overrule_below / 2, "prompt")
    result = assess(text=text, channel="sms")
    assert result.grade == "prompt" and result.rules_grade == "immediate" and "learned.overruled" in result.rules_fired


@needs_model
@pytest.mark.learned
def test_the_model_may_raise_a_contact_not_in_english_to_immediate_and_nothing_more(monkeypatch, tmp_path):
    """With ``not_english_threshold`` (until cam-2026.12.12; the reader of other languages does it
    since) the model reads contacts not in English, but only to raise one to immediate."""
    text = Path(load_policy().source).read_text()
    reader = "  emergency_reader:\n    model: other_languages_model.json\n    threshold: 0.4\n"
    assert "    at_least: prompt\n" in text and reader in text
    copy = tmp_path / "policy.yaml"
    copy.write_text(text.replace("    at_least: prompt\n", "    at_least: prompt\n  not_english_threshold: 0.2\n")
                    .replace(reader, ""))
    policy = load_policy(str(copy))
    config = learned.config_for(policy)
    assert config.not_english_threshold == 0.2
    text = "Dzień dobry, sąsiad z góry od godziny puszcza bardzo głośno muzykę, czy ktoś może przyjechać porozmawiać?"
    _predicting(monkeypatch, config.not_english_threshold, "other_resolution")
    raised = assess(text=text, channel="sms", policy=policy)
    assert raised.interpreter_needed and raised.grade == "immediate" and raised.call_999_advice
    assert raised.rationale[0].startswith("Graded immediate (emergency_response) by learned.immediate_not_english")
    assert "learned: the model reads English, so here it may only raise the grade to immediate" in raised.rationale
    assert "domestic_abuse" not in raised.vulnerabilities  # it names no vulnerability in another language
    _predicting(monkeypatch, config.not_english_threshold / 2, "other_resolution")
    left = assess(text=text, channel="sms", policy=policy)
    assert left.grade == "prompt" and "floor.not_english" in left.rules_fired  # never lowered below the floor


@needs_model
@pytest.mark.learned
def test_the_model_can_settle_a_grade_the_rules_got_wrong_and_both_are_named():
    text = (
        "Member of the public reports that her purse was taken from her handbag while she was sitting in "
        "the cafe on Bridge Street on Saturday afternoon. The cafe owner has told her their CCTV shows a woman lifting it."
    )
    result = assess(text=text, channel="counter")
    assert result.grade == "standard"
    assert result.rules_grade == "other_resolution"
    assert "the rules alone gave other_resolution" in result.rationale[0]


@needs_model
@pytest.mark.learned
def test_not_english_is_left_to_the_rules_and_the_language_floor():
    text = "你好，我上周被电话诈骗了8000英镑，对方现在打不通了。请问我应该怎么报案？"
    result = assess(text=text, channel="web")
    assert result.interpreter_needed
    assert result.grade == "prompt"  # the floor, not the model's guess
    assert "learned: not used, the model reads English only" in result.rationale


@needs_model
@pytest.mark.learned
def test_a_few_words_are_left_to_the_rules():
    """On four words the model guesses from the tense alone ("someone is shouting outside" read as
    an emergency); it has seen few messages that short, so the policy leaves them to the rules."""
    result = assess(text="someone is shouting outside", channel="sms")
    assert result.grade != "immediate"
    assert "learned: not used, 4 words is too short for the model (it reads 8 or more)" in result.rationale
    assert not any(r.startswith("learned: reviewers") for r in result.rationale)


@needs_model
@pytest.mark.learned
def test_off_switch(monkeypatch):
    text = "my dad's taken all of his tablets and is really sleepy, keeps nodding off mid sentence"
    monkeypatch.setenv(learned.ENV_SWITCH, "off")
    result = assess(text=text, channel="sms")
    assert "learned.immediate" not in result.rules_fired
    assert not any(line.startswith("learned:") for line in result.rationale)


@needs_model
def test_training_writes_a_model_with_its_card(tmp_path):
    pytest.importorskip("sklearn")
    files = [DATA / "dev_c.jsonl", DATA / "dev_shared.jsonl"]
    path = tmp_path / "model.json"
    model = learned.train(files, version="test-1", cross_validation=True, out=path)
    assert json.loads(path.read_text()) == model
    loaded = learned.load_model(str(path))
    # The grade classifier is a tuned reader, its layers beside the model, named with their hash.
    assert model["grade"]["tuned"] == {"file": "model.onnx", "sha256": learned.file_digest(tmp_path / "model.onnx")}
    assert loaded.tuned is not None
    assert model["card"]["settings"]["grade_classifier"] == "tuned reader"
    assert "logistic" not in model["grade"] and loaded.logistic_arrays is None  # only with --average
    assert loaded.version == "test-1"
    assert [e["file"] for e in model["card"]["trained_on"]] == ["dev_c.jsonl", "dev_shared.jsonl"]
    assert model["card"]["contacts"] == 70
    assert set(model["card"]["leave_one_file_out"]) == {"dev_c.jsonl", "dev_shared.jsonl"}
    assert loaded.rule_ids and len(loaded.grade_weights[0]) == learned.tuned_width(loaded.rule_ids)
    # The vulnerability classifiers read the words too: their vocabulary is in the model.
    assert loaded.words is not None and 0 < len(loaded.words.vocabulary) <= learned.WORDS_MAX
    assert len(loaded.vulnerability_weights[0]) == learned.VULNERABILITY_WIDTH + len(loaded.words.vocabulary)
    assert model["card"]["settings"]["vulnerability_words"]["max"] == learned.WORDS_MAX
    text, reading = engine.rules_reading(text="someone has just stolen my bike", channel="web")
    assert text.sentences == ("someone has just stolen my bike",) and reading.grade in GRADES
    prediction = learned.predict(text, reading, loaded)
    assert abs(sum(prediction.grade_probabilities.values()) - 1) < 1e-3


def test_words_are_counted_as_scikit_learn_counts_them():
    """Training builds the vocabulary with scikit-learn; assessing counts the words without it,
    and must count them the same way."""
    pytest.importorskip("sklearn")
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = ["my gran has dementia and she has wandered off again", "he says he's going to end it all",
             "county lines: they've taken over my brother's flat", "the gran next door has been cuckooed",
             "Dementia, wandered off, gran, again and again", "nothing here at all"]
    words = learned._fit_words(texts)
    expected = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2, max_features=learned.WORDS_MAX).fit(texts)
    assert np.allclose(words.matrix(texts).toarray(), expected.transform(texts).toarray() * learned.WORDS_SCALE, atol=1e-6)
    assert words.row("zebra quagga okapi") == {}  # no word it knows


@pytest.mark.parametrize(("words", "error"), [
    ({"vocabulary": ["gran", "dementia"], "idf": [1.5]}, "do not match"),
    ({"vocabulary": ["gran", "gran"], "idf": [1.5, 1.5]}, "do not match"),
    ({"vocabulary": ["gran"], "idf": [-1.0]}, "positive"),
    ({"vocabulary": ["gran", "dementia"], "idf": [1.5, 2.0]}, "vulnerability weights"),  # weights are one short
])
def test_a_model_whose_words_do_not_match_its_weights_is_refused(tmp_path, words, error):
    model = json.loads(learned.DEFAULT_MODEL.read_text())
    width = learned.VULNERABILITY_WIDTH + (len(model["vulnerability"]["words"]["vocabulary"])
                                           if "words" in model["vulnerability"] else 0)
    model["vulnerability"]["weights"] = [row[:width] + [0.1] for row in model["vulnerability"]["weights"]]
    model["vulnerability"]["words"] = {"scale": 2.0, **words}
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model))
    shutil.copy(learned.DEFAULT_MODEL.with_suffix(".onnx"), tmp_path / model["grade"]["tuned"]["file"])
    with pytest.raises(learned.ModelError, match=error):
        learned.load_model(str(path))


def test_a_model_for_other_features_is_refused(tmp_path):
    model = json.loads(learned.DEFAULT_MODEL.read_text())
    model["rules"] = model["rules"][:-1]  # one feature fewer than its weights
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model))
    shutil.copy(learned.DEFAULT_MODEL.with_suffix(".onnx"), tmp_path / model["grade"]["tuned"]["file"])
    with pytest.raises(learned.ModelError, match="features need"):
        learned.load_model(str(path))


def test_the_whole_message_is_read_in_windows_of_sentences():
    assert semantic.windows(["one sentence only"]) == ["one sentence only"]
    assert semantic.windows(["first part", "second part"]) == ["first part second part"]
    long = [" ".join(["word"] * 50)] * 3
    assert semantic.windows(long) == long  # 50 + 50 words would pass the window's 80
    assert semantic.windows([]) == ["(empty)"]
    assert len(semantic.windows(["a b"] * 1000)) == semantic.MAX_WINDOWS


@needs_model
@pytest.mark.learned
def test_the_learned_layer_reads_the_words_alone_never_our_records():
    """A marker raises the grade by the rules' floor; the model's reading of the words is the same."""
    text = "my neighbour keeps leaving notes on my car and watching me from his window, it has been weeks"
    plain = assess(text=text, channel="web")
    marked = assess(text=text, channel="web", context=RecordContext(person_markers=("stalking_harassment",)))
    learned_line = [line for line in plain.rationale if line.startswith("learned: reviewers")]
    assert learned_line and learned_line == [line for line in marked.rationale if line.startswith("learned: reviewers")]


def test_training_refuses_unlabelled_or_bad_lines(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "channel": "web", "text": "x", "expected": {"grade": "urgent"}}\n')
    with pytest.raises(ValueError, match=r"bad.jsonl has 1 malformed line\(s\):\n  line 1: \"expected\" must be"):
        learned.read_labelled([bad])
    unlabelled = tmp_path / "unlabelled.jsonl"
    unlabelled.write_text('{"id": "1", "channel": "web", "text": "x", "expected": {"grade": "standard"}}\n'
                          '{"id": "2", "channel": "web", "text": "y"}\n')
    with pytest.raises(ValueError, match="line 2: no \"expected\" field"):
        learned.read_labelled([unlabelled])


def test_train_command_names_a_bad_line_before_loading_anything(tmp_path):
    from django.core.management import CommandError, call_command

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "channel": "web", "text": "x", "expected": {"grade": "urgent"}}\n')
    with pytest.raises(CommandError, match="bad.jsonl has 1 malformed line"):
        call_command("triage_train", str(bad), "--model-version", "t", "--out", str(tmp_path / "m.json"))
    assert not (tmp_path / "m.json").exists()


@pytest.mark.learned
def test_a_broken_model_file_is_read_once_not_for_every_contact(tmp_path, monkeypatch):
    broken = tmp_path / "policy.yaml"
    broken.write_text(Path(load_policy().source).read_text().replace("model: learned_model.json", f"model: {tmp_path / 'bad.json'}"))
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "vulnerability_descriptions.yaml").write_text(
        (Path(load_policy().source).parent / "vulnerability_descriptions.yaml").read_text()
    )
    policy = load_policy(str(broken))
    reads = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda path, *a, **k: reads.append(str(path)) or real_open(path, *a, **k))
    for _ in range(3):
        assert learned.model_for(policy) is None
    assert reads.count(str(tmp_path / "bad.json")) <= 1
