"""The reader of contacts not in English (onedoor.triage.other_languages): its n-grams, the bundled
reader and its card, how the policy names it, how it grades, and training it."""

import importlib.util
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from onedoor.triage import ngram_reader, other_languages
from onedoor.triage.engine import assess
from onedoor.triage.policy import PolicyError, load_policy

DATA = Path(__file__).parent / "data"
needs_sklearn = pytest.mark.skipif(importlib.util.find_spec("sklearn") is None, reason="scikit-learn not installed (make install ML=1)")
# Emergencies in languages the rules have few words for; the rules alone leave each at the floor.
EMERGENCIES = [
    "Cứu với! Có một người đàn ông lạ đang cố phá cửa nhà tôi, tôi đang trốn trong phòng ngủ với con. 5 Leith Walk, Edinburgh",
    "Ayúdenme, mi vecino está golpeando a su mujer ahora mismo, se oyen gritos y golpes. Glasgow, Byres Road 20, piso 3",
]
ORDINARY = [
    "Dzień dobry, chciałabym zapytać, jak mogę zgłosić kradzież roweru sprzed tygodnia spod bloku w Dundee.",
    "Bună ziua, vecinul meu parchează mereu mașina în fața garajului meu. Ce pot face?",
]


@needs_sklearn
@pytest.mark.parametrize("text", [*EMERGENCIES, *ORDINARY, "a", "  Two   spaces\tand\na NEWLINE  ", "", "ab cde fghijk"])
def test_ngrams_are_scikit_learns(text):
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=other_languages.NGRAMS).build_analyzer()
    assert other_languages.char_ngrams(text) == analyzer(text)


@needs_sklearn
def test_probabilities_are_scikit_learns():
    """The reader's arithmetic (standard library only) gives what scikit-learn's pipeline gives."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [*EMERGENCIES, *ORDINARY] * 2
    labels = [True, True, False, False] * 2
    fitted = other_languages.fit(texts, labels)
    reader = other_languages.EmergencyReader.from_fitted(fitted, "t")
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=other_languages.NGRAMS, min_df=other_languages.MIN_DF,
                                 sublinear_tf=True)
    model = LogisticRegression(C=other_languages.C, class_weight="balanced", max_iter=5000).fit(
        vectorizer.fit_transform(texts), labels)
    for text in [*texts, "Pomocy, ktoś jest w domu"]:
        expected = model.predict_proba(vectorizer.transform([text]))[0, 1]
        assert reader.probability(text) == pytest.approx(expected, abs=1e-4)


def test_the_bundled_policy_names_the_bundled_reader_and_its_card_is_true():
    policy = load_policy()
    assert other_languages.model_path(policy) == other_languages.DEFAULT_MODEL
    assert 0 < policy.language.emergency_threshold < 1
    reader = other_languages.load(str(other_languages.DEFAULT_MODEL))
    (block,) = reader.blocks
    assert reader.version and block.kind == "char_wb" and len(block.terms) == len(block.idf) == len(block.weights) > 10_000
    card = reader.card
    assert card["contacts"] >= 1000 and 0 < card["emergencies"] < card["contacts"]
    # Every training file is in the repository, unchanged since the reader was trained, and no
    # held-out set it is measured on is among them.
    from tests.triage import MEASURED_SETS

    for entry in card["trained_on"]:
        assert other_languages.file_hash(DATA / entry["file"]) == entry["sha256"], entry["file"]
        assert Path(entry["file"]).stem not in MEASURED_SETS


@pytest.mark.parametrize("text", EMERGENCIES)
def test_an_emergency_the_rules_cannot_read_is_graded_immediate(text):
    """It needs no sentence model: the reader is arithmetic over the characters."""
    result = assess(text=text, channel="sms")
    assert result.interpreter_needed and result.grade == "immediate" and result.call_999_advice
    assert result.rules_fired[-1] == other_languages.RULE_ID
    assert result.rules_grade in ("prompt", "standard", "other_resolution")
    assert result.rationale[0].startswith(
        "Graded immediate (emergency_response) by language.emergency_reader: the reader of contacts not in English "
        "gives an emergency ")
    assert "at or above the policy's 40%" in result.rationale[0]


@pytest.mark.parametrize("text", ORDINARY)
def test_an_ordinary_contact_stays_at_the_language_floor(text):
    result = assess(text=text, channel="web")
    assert result.interpreter_needed and result.grade == "prompt" and result.rules_fired[-1] == "floor.not_english"
    assert any(line.startswith("the reader of contacts not in English gives an emergency ")
               and line.endswith("under the policy's 40%") for line in result.rationale)


def test_english_is_not_read_by_it(monkeypatch):
    monkeypatch.setattr(other_languages.EmergencyReader, "probability", lambda self, text: 1.0)
    result = assess(text="Could you tell me how to report a lost bike from last week?", channel="web")
    assert not result.interpreter_needed and result.grade != "immediate"
    result = assess(text=ORDINARY[0], channel="web")
    assert result.grade == "immediate"  # the same reader on a contact not in English


def test_the_policy_names_it_with_checks(tmp_path):
    text = Path(load_policy().source).read_text()
    reader = "  emergency_reader:\n    model: other_languages_model.json\n    threshold: 0.4\n"
    assert reader in text
    for number, (bad, message) in enumerate((
        ("    threshold: 1.5\n", "threshold must be a number in"),
        ("    threshold: yes\n", "threshold must be a number in"),
        ("    model: ''\n    threshold: 0.4\n", "model must name"),
        ("    model: x.json\n    limit: 0.4\n", "mapping with model and threshold"),
    )):
        copy = tmp_path / f"policy{number}.yaml"  # policies are read once per path
        copy.write_text(text.replace(reader, "  emergency_reader:\n" + (bad if "model" in bad else
                                                                      "    model: other_languages_model.json\n" + bad)))
        with pytest.raises(PolicyError, match=message):
            load_policy(str(copy))
    copy = tmp_path / "without.yaml"
    copy.write_text(text.replace(reader, ""))
    policy = load_policy(str(copy))
    assert other_languages.model_path(policy) is None
    result = assess(text=EMERGENCIES[0], channel="sms", policy=policy)
    assert result.grade == "prompt"  # without a reader: the language floor


def test_a_broken_reader_file_does_not_stop_intake(tmp_path, caplog):
    """The rules and the language floor still grade; the failure is logged (once per file)."""
    text = Path(load_policy().source).read_text()
    (tmp_path / "broken.json").write_text('{"format": 1, "ngrams": ["ab"]}')
    copy = tmp_path / "policy.yaml"
    copy.write_text(text.replace("    model: other_languages_model.json\n", "    model: broken.json\n"))
    policy = load_policy(str(copy))
    with caplog.at_level("ERROR", logger="onedoor.triage.ngram_reader"):
        first = assess(text=EMERGENCIES[0], channel="sms", policy=policy)
        assess(text=EMERGENCIES[1], channel="sms", policy=policy)
    assert first.interpreter_needed and first.grade == "prompt" and first.rules_fired[-1] == "floor.not_english"
    assert [r.getMessage() for r in caplog.records if "broken.json" in r.getMessage()] == [
        f"triage reader of contacts not in English off: {tmp_path / 'broken.json'}: malformed reader of contacts not in "
        "English (KeyError('idf'))"]


def test_a_broken_reader_file_is_refused(tmp_path):
    for content, message in (("not json", "cannot read"), ('{"format": 99}', "format"),
                             ('{"format": 1, "ngrams": ["ab"], "idf": [1.0], "weights": []}', "malformed|differ")):
        path = tmp_path / f"reader{len(content)}.json"
        path.write_text(content)
        with pytest.raises(other_languages.ReaderError, match=message):
            other_languages.load(str(path))
    with pytest.raises(other_languages.ReaderError, match="cannot read"):
        other_languages.load(str(tmp_path / "missing.json"))


@needs_sklearn
def test_training_writes_a_reader_with_its_card(tmp_path):
    out = tmp_path / "reader.json"
    files = [str(DATA / "dev_aw.jsonl"), str(DATA / "dev_ax.jsonl")]
    call_command("triage_train_languages", *files, "--model-version", "languages-test", "--out", str(out))
    raw = json.loads(out.read_text())
    assert raw["format"] == ngram_reader.FORMAT and raw["version"] == "languages-test"
    assert [e["file"] for e in raw["card"]["trained_on"]] == ["dev_aw.jsonl", "dev_ax.jsonl"]
    assert raw["card"]["contacts"] == sum(e["contacts"] for e in raw["card"]["trained_on"]) > 50
    reader = other_languages.load(str(out))
    assert 0 <= reader.probability(EMERGENCIES[0]) <= 1


def test_training_refuses_a_bad_file_before_any_work(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"channel": "fax", "text": "x", "expected": {"grade": "prompt"}}\n')
    with pytest.raises(CommandError, match="line 1"):
        call_command("triage_train_languages", str(bad), "--model-version", "v", "--out", str(tmp_path / "r.json"))


@needs_sklearn
def test_scoring_out_of_fold_prints_the_rules_alone_and_each_threshold(tmp_path):
    from io import StringIO

    out = StringIO()
    files = [str(DATA / name) for name in ("dev_aw.jsonl", "dev_ax.jsonl", "dev_av.jsonl")]
    call_command("triage_train_languages", *files, "--folds", "3", "--threshold", "0.4", "0.9",
                 "--out", str(tmp_path / "never.json"), stdout=out)
    lines = out.getvalue().splitlines()
    assert "3 folds of files" in lines[0]
    assert lines[1].split()[:3] == ["the", "rules", "alone"]
    assert [line.split()[4] for line in lines[2:]] == ["0.4", "0.9"]
    found = [int(line.split("found")[1].split(",")[0]) for line in lines[1:]]
    assert found[0] <= found[2] <= found[1]  # the reader only adds, and fewer at a higher threshold
    assert not (tmp_path / "never.json").exists()  # scoring writes no reader
    with pytest.raises(CommandError, match="--folds must be from 2"):
        call_command("triage_train_languages", *files, "--folds", "9")
    with pytest.raises(CommandError, match="--model-version is needed"):
        call_command("triage_train_languages", *files)
