"""Behaviours added in policy cam-2026.11.2 to generalise beyond the shared dev set: ongoing
crimes without the word "now", hazards on roads and in water, partners waiting outside,
danger at the end of a long message, non-English contacts, and standard-grade leads.
Each case is a paraphrase written for the behaviour, not a copy of a development contact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from onedoor.triage.engine import assess, normalise

DATA = Path(__file__).resolve().parent / "data"

# (channel, text, grade, vulnerabilities)
BEHAVIOURS = [
    # a crime described as going on, without "now"
    ("sms", "three lads are trying car doors all along Fir Road and one is sitting in a red Corsa", "immediate", []),
    ("web", "I'm upstairs in the loft, I can hear men downstairs emptying the cupboards", "immediate", []),
    ("chat", "bloke at the tills in Spar with a hammer demanding money", "immediate", []),
    # hazards to life
    ("voice", "cows are loose on the A9 near Dunkeld and it's dark, cars are swerving round them", "immediate", []),
    ("web", "my friend jumped off the rocks into the loch and hasn't surfaced", "immediate", []),
    ("web", "thick black smoke is coming from under the door of the flat above", "immediate", []),
    # people present now
    ("sms", "my ex partner is parked across the road from my house again waiting for me, im scared", "immediate",
     ["domestic_abuse"]),
    ("web", "He raped me an hour ago and he is still here asleep on the sofa", "immediate", ["sexual_offence"]),
    ("web", "a man in a car keeps pulling up next to my son (11) asking him to get in", "immediate", ["child_at_risk"]),
    # danger at the end of a long message
    ("email", "I have a question about my parking permit and the bins. " * 12
     + "Sorry, my husband has just come in and is strangling my sister in the hall.", "immediate", ["domestic_abuse"]),
    # standard: a lead, or a long-past matter with no contact
    ("web", "My ex boyfriend slapped me six years ago. I have had no contact with him since and want it recorded.",
     "standard", ["domestic_abuse"]),
    ("web", "Someone smashed my shop window on Sunday night and the shop camera recorded it", "standard", []),
    # not a danger
    ("web", "A van driver flashed his headlights at me and sounded his horn, very aggressive driving", "other_resolution", []),
    ("web", "We are rehearsing a play next month in which an actor holds a replica gun. Should we tell the police?",
     "other_resolution", []),
    ("web", "My recycling bin was set alight overnight and the fire went out by itself, no one hurt", "other_resolution", []),
]


@pytest.mark.parametrize(("channel", "text", "grade", "vulnerabilities"), BEHAVIOURS, ids=[b[1][:40] for b in BEHAVIOURS])
def test_behaviour(channel, text, grade, vulnerabilities):
    assessment = assess(text=text, channel=channel)
    assert assessment.grade == grade, assessment.rationale
    assert assessment.vulnerabilities == sorted(vulnerabilities), assessment.rationale


# (text, at least this grade, vulnerabilities)
NON_ENGLISH = [
    ("Mój partner mnie bije, teraz, proszę szybko", "immediate", ["domestic_abuse"]),  # Polish
    ("Un bărbat cu un cuțit amenință oamenii în magazin", "immediate", []),  # Romanian
    ("میرا بیٹا اسکول سے گھر نہیں آیا", "immediate", ["child_at_risk", "missing_person"]),  # Urdu
    ("ساعدوني، جاري يضرب زوجته", "immediate", ["domestic_abuse"]),  # Arabic
    ("Wczoraj sąsiad groził mi nożem", "prompt", []),  # threat yesterday: never below prompt
]
RANK = {"immediate": 0, "prompt": 1, "standard": 2, "other_resolution": 3}


@pytest.mark.parametrize(("text", "grade", "vulnerabilities"), NON_ENGLISH, ids=[str(i) for i in range(len(NON_ENGLISH))])
def test_non_english_danger_is_graded_cautiously_and_flagged(text, grade, vulnerabilities):
    assessment = assess(text=text, channel="web")
    assert RANK[assessment.grade] <= RANK[grade], assessment.rationale
    assert set(vulnerabilities) <= set(assessment.vulnerabilities), assessment.rationale
    assert "needs an interpreter; urgent human review" in assessment.rationale_text
    assert "lang.not_english" in assessment.rules_fired
    assert assessment.interpreter_needed
    assert assessment.call_999_advice is (assessment.grade == "immediate")


def test_non_english_without_danger_is_at_least_prompt():
    # Until cam-2026.11.3 this was graded as usual (other_resolution); now no contact we cannot
    # read falls to the bottom of the queue: prompt, flagged for an interpreter.
    assessment = assess(text="Bună ziua, unde pot plăti o amendă de parcare?", channel="web")
    assert assessment.grade == "prompt"
    assert assessment.rules_grade == "other_resolution"
    assert assessment.rules_fired[-1] == "floor.not_english"
    assert "written in Romanian: needs an interpreter" in assessment.rationale_text


def test_english_is_not_flagged_as_foreign():
    assessment = assess(text="My café's window was smashed overnight, no cameras", channel="web")
    assert "not in English" not in assessment.rationale_text


def test_romanian_cedilla_letters_are_normalised():
    assert normalise("Amenință") == normalise("Ameninţă")


def test_arabic_punctuation_splits_clauses():
    assessment = assess(text="فقدت محفظتي أمس، هل سلمها أحد؟", channel="web")
    assert assessment.rules_grade == "other_resolution"  # the language floor then makes it prompt
    assert assessment.grade == "prompt"


def test_as_i_type_is_now():
    assessment = assess(text="As I type this someone is spraying paint on my car", channel="web")
    assert assessment.grade == "immediate"


def _records(name):
    with open(DATA / name, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
