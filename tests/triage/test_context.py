"""assess(context=RecordContext(...)): what our records hold raises risk and is named, purely."""

from __future__ import annotations

import pytest

from onedoor.triage.context import RecordContext, public_rationale
from onedoor.triage.engine import assess
from onedoor.triage.policy import PolicyError, build_policy, load_policy

BIKE = "My bike was stolen from outside the library yesterday."
QUESTION = "What are the opening hours of the police station in Leith?"


def test_no_context_and_empty_context_change_nothing():
    plain = assess(text=BIKE, channel="web")
    assert assess(text=BIKE, channel="web", context=RecordContext()) == plain
    assert plain.grade == "other_resolution"
    assert "records:" not in plain.rationale_text


def test_one_repeat_contact_raises_risk_and_is_named_but_keeps_the_grade():
    context = RecordContext(repeat_contacts_30d=1, repeat_about="about EH6 5DA")
    plain = assess(text=BIKE, channel="web")
    assessment = assess(text=BIKE, channel="web", context=context)
    assert assessment.thrive["risk"]["score"] == plain.thrive["risk"]["score"] + 1
    assert "records: 1 other contact about EH6 5DA in the last 30 days (raises risk by 1)" in assessment.rationale
    assert "context.repeat_contacts" in assessment.rules_fired
    assert assessment.grade == plain.grade == "other_resolution"


def test_repeat_contacts_raise_risk_up_to_the_cap_and_set_a_floor():
    context = RecordContext(repeat_contacts_30d=5, repeat_about="about EH6 5DA")
    assessment = assess(text=BIKE, channel="web", context=context)
    assert assessment.thrive["risk"]["score"] >= 3
    assert assessment.grade == "standard"
    assert assessment.rules_grade == "other_resolution"
    assert assessment.rules_fired[-1] == "floor.repeat_contacts"
    assert assessment.rationale[0].startswith("Graded standard (local_policing_appointment) by floor.repeat_contacts: "
                                              "repeated contacts in our records, so at least standard")
    assert "records: 5 other contacts about EH6 5DA in the last 30 days (raises risk by 3)" in assessment.rationale


def test_a_floor_never_lowers_a_grade():
    context = RecordContext(repeat_contacts_30d=5)
    assessment = assess(text="there's a man with a knife outside my door right now", channel="web", context=context)
    assert assessment.grade == "immediate"
    assert assessment.rules_grade == ""


def test_an_open_case_at_the_same_place_raises_risk_and_names_the_case():
    context = RecordContext(open_case_same_place=True, open_case_references=("ABCD-EFGH-J",))
    assessment = assess(text=BIKE, channel="web", context=context)
    assert "records: an open case at the same address (ABCD-EFGH-J) (raises risk by 2)" in assessment.rationale
    assert assessment.thrive["risk"]["level"] != "none"
    assert assessment.grade == "other_resolution"  # policy: named for staff, grade unchanged


def test_a_person_marker_adds_its_vulnerability():
    context = RecordContext(person_markers=("mental_health",), references=("marker from NHS referral, review 2027-01-01",))
    assessment = assess(text=BIKE, channel="web", context=context)
    assert assessment.vulnerabilities == ["mental_health"]
    assert assessment.thrive["vulnerability"]["score"] >= 2
    assert "records: a vulnerability marker: mental health (raises vulnerability by 2)" in assessment.rationale
    assert "records: marker from NHS referral, review 2027-01-01" in assessment.rationale


def test_unknown_marker_or_wrong_context_type_is_refused():
    with pytest.raises(ValueError, match="person marker"):
        assess(text=BIKE, channel="web", context=RecordContext(person_markers=("grumpy",)))
    with pytest.raises(ValueError, match="RecordContext"):
        assess(text=BIKE, channel="web", context={"repeat_contacts_30d": 3})  # type: ignore[arg-type]


def test_records_do_not_turn_a_question_into_a_report():
    context = RecordContext(repeat_contacts_30d=4, repeat_about="from the same email address")
    assessment = assess(text=QUESTION, channel="web", context=context)
    assert assessment.grade == "other_resolution"
    assert assessment.response == "advice"
    assert "records: 4 other contacts from the same email address in the last 30 days (raises risk by 3)" in assessment.rationale


def test_public_rationale_leaves_out_the_records_lines():
    context = RecordContext(repeat_contacts_30d=2, repeat_about="about EH6 5DA", open_case_same_place=True)
    text = assess(text=BIKE, channel="web", context=context).rationale_text
    public = public_rationale(text)
    assert "records:" in text and "records:" not in public
    assert "EH6 5DA" not in public and "other contacts" not in public
    assert public.startswith("Graded standard")


def test_the_context_section_is_read_from_the_policy():
    raw = {"version": "t", "grade_rules": [{"id": "default", "when": {}, "grade": "other_resolution"}],
           "service_standards": {g: {"response": r, "target_minutes": 1} for g, r in (
               ("immediate", "emergency_response"), ("prompt", "prompt_response"),
               ("standard", "local_policing_appointment"), ("other_resolution", "resolution_team"))},
           "context": {"repeat_contacts": {"floor_min": 1, "floor": "prompt", "weight_each": 2}}}
    policy = build_policy(raw)
    assessment = assess(text="hello there my friend", channel="web", policy=policy,
                        context=RecordContext(repeat_contacts_30d=1))
    assert assessment.grade == "prompt"
    assert assessment.thrive["risk"]["score"] == 2
    with pytest.raises(PolicyError, match="floor"):
        build_policy(raw | {"context": {"repeat_contacts": {"floor": "urgent"}}})
    with pytest.raises(PolicyError, match="unknown key"):
        build_policy(raw | {"context": {"repeat_contact": {}}})
    assert load_policy().context.repeat_floor == "standard"
