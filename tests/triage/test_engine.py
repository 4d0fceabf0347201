"""Behaviours of assess(): negation, timing, questions, SMS style, answers, channels, defaults."""

from __future__ import annotations

import pytest

from onedoor.triage.engine import CHANNELS, assess, normalise
from onedoor.triage.policy import load_policy


def grade(text: str, channel: str = "web", answers: dict | None = None) -> str:
    return assess(text=text, channel=channel, answers=answers).grade


# --- negation


def test_negated_injury_is_not_counted():
    assessment = assess(text="My bag was snatched two days ago. No one is hurt.", channel="web")
    assert "harm.injury" not in assessment.rules_fired
    assert any("negated" in reason for reason in assessment.rationale)


def test_negated_weapon_does_not_make_it_an_emergency():
    assert grade("He didn't have a knife, he just shouted at me and walked off yesterday") != "immediate"


def test_weapon_negation_does_not_cross_but():
    assert grade("Nobody is hurt but he has a knife and is still outside") == "immediate"


def test_negation_reaches_only_its_own_clause():
    assessment = assess(text="He is not injured, and the man is bleeding heavily on the floor", channel="web")
    assert assessment.grade == "immediate"


@pytest.mark.parametrize("sign", ["not breathing", "not moving", "not responding", "unresponsive"])
def test_danger_signs_containing_not_are_not_negations(sign):
    assert grade(f"There is a man lying on the pavement, he is {sign}") == "immediate"


def test_nobody_was_there_is_a_negation():
    assert grade("Nobody was there when I got home but my back door had been forced.") == "other_resolution"


def test_no_cctv_removes_the_line_of_enquiry():
    with_cctv = grade("My bike was stolen from the station yesterday. There is CCTV.")
    without = grade("My bike was stolen from the station yesterday. There is no CCTV.")
    assert (with_cctv, without) == ("standard", "other_resolution")


def test_hedge_is_not_a_negation():
    assessment = assess(text="I'm not sure if he has a knife, he is outside my door shouting now", channel="chat")
    assert assessment.grade == "immediate"


# --- time and recency


def test_knife_now_is_immediate_but_last_year_is_not():
    assert grade("A man is threatening people with a knife right now") == "immediate"
    assert grade("A man threatened people with a knife in the street last year") != "immediate"


def test_minutes_ago_is_prompt_yesterday_is_not():
    assert grade("A man snatched my phone 10 minutes ago and ran towards the park") == "prompt"
    assert grade("A man snatched my phone yesterday and ran towards the park") != "prompt"


def test_historic_year_is_not_live():
    assert grade("I was threatened with a knife in 2019 by a man I didn't know") in {"standard", "other_resolution"}


def test_now_in_another_clause_does_not_make_the_past_live():
    assessment = assess(text="I was punched last week, my nose was bleeding but I'm ok now", channel="web")
    assert assessment.grade == "standard"


def _timings(text: str) -> list[str]:
    """How the engine dated each hit, as the rationale says it ("earlier today", "in the past")."""
    return [line for line in assess(text=text, channel="web").rationale if "(\u201c" in line]


def test_a_later_sentence_that_dates_the_story_applies_back():
    story = "I came home to find someone had broken into my house and taken my laptop."
    assert any("in the past" in line for line in _timings(story))
    assert any("earlier today" in line for line in _timings(story + " It must have happened this afternoon."))
    assert any("some time ago" in line for line in _timings(story + " It happened last month while I was away."))
    assert any("within the last hour" in line for line in _timings(
        "Someone smashed my car window and took my bag. This was about 10 minutes ago."))


def test_dating_back_stops_at_a_sentence_with_its_own_time_and_ignores_form_answers():
    # "right now" belongs to the first sentence; the dating sentence only reaches the second.
    lines = _timings("A man is in my garden right now. He smashed my shed window. It started an hour ago.")
    assert any("happening now" in line for line in lines)
    # A form answer about when it happened wins over the text.
    answered = assess(text="Someone took my bag. It happened last week.", channel="web", answers={"happened": "now"})
    assert not any("in the past" in line or "some time ago" in line for line in answered.rationale)


# --- questions and hypotheticals


@pytest.mark.parametrize(
    "question",
    [
        "Is it legal to carry a knife for fishing?",
        "What should I do if someone threatens me with a knife?",
        "How do I report a stolen bike?",
        "What happens if I report my neighbour for dealing drugs?",
        "Can I record the police on my phone?",
    ],
)
def test_questions_get_advice(question):
    assessment = assess(text=question, channel="web")
    assert (assessment.grade, assessment.response) == ("other_resolution", "advice")


def test_question_plus_live_danger_is_still_an_emergency():
    assert grade("What should I do? My ex is outside with a knife right now") == "immediate"


def test_if_clause_is_hypothetical_but_the_rest_is_not():
    assert grade("If he comes back I will call you. He is hitting her right now.") == "immediate"


def test_news_hearsay_is_not_live():
    assert grade("I heard on the news there is a man with a gun in Glasgow, is it safe to travel?") != "immediate"


# --- SMS style and slips


@pytest.mark.parametrize(
    "text",
    ["theres a guy w a knife outside", "hes got a knife pls help", "sum1 is tryin to break in rn pls help"],
)
def test_sms_style_emergencies(text):
    assert grade(text, channel="sms") == "immediate"


def test_normalise_expands_contractions_and_sms():
    assert normalise("Hes got a knife, he didn't DROP it w/ u") == "he is got a knife, he did not drop it with you"


# --- answers


def test_in_danger_answer_overrides_calm_text():
    assert grade("I'd like to report something about my neighbour.", answers={"in_danger_now": True}) == "immediate"


def test_happened_answer_sets_timing():
    text = "Two men were punching each other outside the pub."
    assert grade(text, answers={"happened": "within_hour"}) == "prompt"
    assert grade(text, answers={"happened": "earlier"}) == "standard"


def test_no_weapons_answer_overrides_text():
    text = "A man threatened me with a knife and ran off"
    assert grade(text, answers={"happened": "within_hour"}) == "immediate"
    assessment = assess(text=text, channel="web", answers={"happened": "within_hour", "weapons": False})
    assert assessment.grade == "prompt"
    assert any("no weapons" in reason for reason in assessment.rationale)


def test_weapon_answer_with_offender_present_is_immediate():
    assert grade("There is a problem outside.", answers={"weapons": True, "offender_present": True}) == "immediate"


def test_answers_are_named_in_the_rationale():
    assessment = assess(text="fight", channel="web", answers={"happened": "now", "injured": True})
    assert "answer.injured" in assessment.rules_fired
    assert any("answer injured: true" in reason for reason in assessment.rationale)


@pytest.mark.parametrize("answers", [{"injured": "yes"}, {"happened": "last week"}, ["now"]])
def test_malformed_answers_raise(answers):
    with pytest.raises(ValueError, match="answer"):
        assess(text="help", channel="web", answers=answers)


# --- channels and call_999_advice


@pytest.mark.parametrize("channel", sorted(CHANNELS))
def test_call_999_advice_for_every_channel_but_the_phone(channel):
    emergency = assess(text="He has a gun and is shooting at people right now", channel=channel)
    routine = assess(text="My bike was stolen last week", channel=channel)
    assert emergency.grade == "immediate"
    assert emergency.call_999_advice is (channel != "phone")
    assert routine.call_999_advice is False


def test_unknown_channel_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown channel 'fax'"):
        assess(text="hello", channel="fax")


# --- defaults, versioning and output shape


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_empty_text_gets_the_cautious_default(text):
    assessment = assess(text=text, channel="web")
    assert (assessment.grade, assessment.response) == ("other_resolution", "resolution_team")
    assert "cautious default" in assessment.rationale_text


def test_policy_version_is_recorded():
    assessment = assess(text="my car was damaged", channel="web")
    assert assessment.policy_version == load_policy().version
    assert assessment.to_dict()["policy_version"] == load_policy().version


def test_to_dict_has_exactly_the_contract_keys():
    result = assess(text="someone stole my bike", channel="web").to_dict()
    assert set(result) == {"grade", "response", "vulnerabilities", "call_999_advice", "thrive", "rationale", "policy_version"}
    assert isinstance(result["rationale"], str)
    assert set(result["thrive"]) == {"threat", "harm", "risk", "investigation", "vulnerability", "engagement"}
    for factor in result["thrive"].values():
        assert factor["level"] in {"high", "medium", "low", "none"}


def test_rationale_names_the_grade_rule_and_indicators():
    assessment = assess(text="my ex is outside with a knife", channel="web")
    assert assessment.rules_fired[-1] == "override.life_threat"
    assert "threat.weapon" in assessment.rules_fired
    assert "override.life_threat" in assessment.rationale[0]
    assert assessment.reasons == assessment.rationale


def test_suicide_risk_implies_mental_health():
    assessment = assess(text="my friend says she is going to kill herself tonight", channel="chat")
    assert assessment.vulnerabilities == ["mental_health", "suicide_risk"]


def test_non_english_message_is_flagged_for_a_person():
    assessment = assess(text="Zgubiłem portfel w autobusie, czy ktoś go oddał?", channel="web")
    # cam-2026.11.3: never below prompt until a person who reads Polish has assessed it.
    assert assessment.grade == "prompt"
    assert assessment.rules_grade == "other_resolution"
    assert (assessment.language, assessment.language_name, assessment.interpreter_needed) == ("pl", "Polish", True)
    assert "written in Polish: needs an interpreter; urgent human review" in assessment.rationale_text


def test_assessment_is_frozen():
    assessment = assess(text="hello", channel="web")
    with pytest.raises(AttributeError):
        assessment.grade = "immediate"  # type: ignore[misc]
