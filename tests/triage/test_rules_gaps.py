"""Rule gaps found by a new user trying the demo in lexicon mode (the default `make run`, no
sentence model): each case is written in new words, with a near miss that must not fire. They
hold in both modes: the rules alone, and with the semantic and learned layers."""

from __future__ import annotations

import pytest

from onedoor.triage import semantic
from onedoor.triage.engine import assess

# (text, grade, vulnerabilities that must be found, vulnerabilities that must not)
CASES = [
    ("Man acting strangely at the railway station, talking about jumping in front of a train.",
     "immediate", {"suicide_risk"}, set()),
    ("my brother keeps texting that he is going to end it all tonight, he is not answering his phone",
     "immediate", {"suicide_risk"}, set()),
    ("A woman is standing at the bus stop saying she will jump off the bridge if her boyfriend leaves her",
     "immediate", {"suicide_risk"}, set()),
    ("My grandad with dementia walked out of the care home an hour ago and we can't find him.",
     "immediate", {"missing_person", "older_or_frail"}, set()),
    ("mum has alzheimers and she slipped out while I was in the shower, we cannot find her anywhere",
     "immediate", {"missing_person", "older_or_frail"}, set()),
    ("Group of men drinking and shouting abuse at people going into the mosque.",
     None, {"hate_crime"}, set()),
    ("Someone sprayed graffiti on the wall of the synagogue overnight.", None, {"hate_crime"}, set()),
    # Near misses.
    ("The dog got out of the garden this morning and we can't find him anywhere.", None, set(), {"missing_person"}),
    ("We went to the film about a man who jumps off a bridge, is it suitable for a 12 year old?",
     None, set(), {"suicide_risk"}),
    ("There is a car parked across the entrance to the mosque car park again.", None, set(), {"hate_crime"}),
]


@pytest.mark.parametrize("mode", ["lexicon", "default"])
@pytest.mark.parametrize(("text", "grade", "found", "not_found"), CASES, ids=[c[0][:40] for c in CASES])
def test_rule_gaps(monkeypatch, mode, text, grade, found, not_found):
    if mode == "lexicon":
        monkeypatch.setenv(semantic.ENV_SWITCH, "off")
    result = assess(text=text, channel="web")
    if grade is not None:
        assert result.grade == grade, result.rationale
    assert found <= set(result.vulnerabilities), result.rationale
    assert not (not_found & set(result.vulnerabilities)), result.rationale
