"""Loading and validating the policy file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from onedoor.triage.policy import DEFAULT_POLICY_PATH, GRADES, PolicyError, load_policy


def test_bundled_policy_loads_and_is_cached():
    policy = load_policy()
    assert policy.version.startswith("cam-")
    assert load_policy() is policy


def test_service_standards_for_every_grade():
    policy = load_policy()
    immediate = policy.service_standard("immediate")
    assert (immediate.response, immediate.target_minutes, immediate.rural_target_minutes) == ("emergency_response", 15, 20)
    prompt = policy.service_standard("prompt")
    assert (prompt.target_minutes, prompt.review_minutes) == (60, 45)
    assert policy.service_standard("standard").target_minutes == 48 * 60
    assert policy.service_standard("other_resolution").target_minutes == 5 * 24 * 60
    assert policy.service_standard("other_resolution", "signpost").response == "signpost"
    for grade in GRADES:
        assert policy.service_standard(grade).next_steps_text


def test_unknown_grade_has_no_service_standard():
    with pytest.raises(ValueError, match="unknown grade"):
        load_policy().service_standard("urgent")


def _write(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_another_policy_file_can_be_loaded(tmp_path):
    path = _write(tmp_path, lambda raw: raw.update(version="cam-test.1"))
    assert load_policy(path).version == "cam-test.1"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw["grade_rules"][1].update(grade="urgent"), "grade must be one of"),
        (lambda raw: raw["grade_rules"][1]["when"].update(sunny=True), "unknown condition"),
        (lambda raw: raw["indicators"][0].update(factor="danger"), "factor must be one of"),
        (lambda raw: raw["indicators"][0].update(patterns=["(unclosed"]), "bad regular expression"),
        (lambda raw: raw["indicators"][0].update(patterns=[[]]), "non-empty list of regular expressions"),
        (lambda raw: raw["indicators"][0].update(patterns=[["fine", 7]]), "non-empty list of regular expressions"),
        (lambda raw: raw["indicators"][0].update(vulnerabilities=["grumpy"]), "unknown"),
        (lambda raw: raw["indicators"][0].update(other_language="yes"), "other_language must be true or false"),
        (lambda raw: raw["negation"].update(cues=[False, "not"]), "quoted strings"),
        (lambda raw: raw["grade_rules"].pop(), "last grade rule"),
        (lambda raw: raw.pop("version"), "version"),
    ],
)
def test_bad_policy_is_refused_at_load_time(tmp_path, change, message):
    with pytest.raises(PolicyError, match=message):
        load_policy(_write(tmp_path, change))


def test_a_pattern_list_may_hold_a_named_list_of_patterns(tmp_path):
    # A YAML anchor names a list of patterns (the other-language child words); an indicator may
    # list it among its own patterns, and a `with` group likewise.
    def change(raw):
        raw["indicators"][0].update(patterns=[["\\bgrumpy\\b", "\\bsulky\\b"], "\\bcross\\b"])
    policy = load_policy(_write(tmp_path, change))
    regex = policy.indicators[0].regex
    assert all(regex.search(word) for word in ("grumpy", "sulky", "cross"))
    assert not regex.search("cheerful")


def test_the_other_language_child_words_are_one_list():
    # lang.child, lang.child_taken, lang.child_missing and lang.child_at_risk read the same words
    # (until cam-2026.12.11 three lists, each a little different).
    by_id = {indicator.id: indicator for indicator in load_policy().indicators}
    for word in ("córka", "hijo", "сын", "بیٹی", "孩子", "fata mea", "الولد"):
        assert by_id["lang.child"].regex.search(word), word
        assert by_id["lang.child_at_risk"].regex.search(word), word
        for ident in ("lang.child_taken", "lang.child_missing"):
            assert by_id[ident].with_all[0].search(word), (ident, word)
    for age in ("15 lat", "14 ani", "16 años", "12 лет"):
        assert by_id["lang.child_at_risk"].regex.search(age), age
        assert by_id["lang.child_missing"].with_all[0].search(age), age
        assert not by_id["lang.child"].regex.search(age), age


def test_a_key_given_twice_is_refused_not_silently_dropped(tmp_path):
    # Plain YAML keeps the second `unless:` and forgets the first; the policy loader names it.
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    marker = "  - id: threat.weapon\n"
    assert marker in text
    path = tmp_path / "policy.yaml"
    path.write_text(text.replace(marker, marker + "    unless: ['x']\n", 1), encoding="utf-8")
    with pytest.raises(PolicyError, match=r"(?s)not valid YAML: .*the key 'unless' is given twice"):
        load_policy(path)
