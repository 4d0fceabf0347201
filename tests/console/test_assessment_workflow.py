"""The advisor's THRIVE assessment: prefilled by the engine, confirmed or changed, both kept."""

import pytest

from onedoor.accounts.models import Role
from onedoor.audit.models import AuditEvent
from onedoor.cases.models import CaseEvent
from onedoor.triage.policy import FACTORS

pytestmark = pytest.mark.django_db(transaction=True)

PROMPT_TEXT = "A man hit me outside the pub ten minutes ago and my child saw it"


def _url(case) -> str:
    return f"/console/cases/{case.public_reference}/assess/"


def _justified(client, case):
    client.post(f"/console/cases/{case.public_reference}/justify/", {"justification": "Working the queue"})
    return client


def _prefilled(case) -> dict:
    """What the form holds when it opens: the engine's levels, vulnerabilities and grade."""
    engine = case.assessments.get(made_by="engine")
    data = {factor: detail["level"] for factor, detail in engine.thrive.items()}
    data.update(vulnerabilities=list(engine.vulnerabilities), grade=case.grade, response="resolution_team", reason="")
    return data


def test_the_form_is_prefilled_with_the_engines_levels_and_shows_its_reasons(staff_client, submit_contact):
    case = submit_contact(PROMPT_TEXT).case
    body = _justified(staff_client(Role.ADVISOR), case).get(_url(case)).content.decode()
    engine = case.assessments.get(made_by="engine")
    assert engine.thrive["harm"]["level"] == "low" and engine.thrive["vulnerability"]["level"] == "medium"
    assert 'name="harm" type="radio" value="low" checked' in body
    assert 'name="vulnerability" type="radio" value="medium" checked' in body
    assert 'name="threat" type="radio" value="none" checked' in body
    assert 'name="vulnerabilities" type="checkbox" value="child_at_risk" checked' in body
    assert 'name="grade" type="radio" value="prompt" checked' in body
    assert "an assault is described" in body  # the engine's reason, as the hint


def test_confirming_keeps_the_grade_and_records_a_staff_assessment(staff_client, submit_contact):
    case = submit_contact(PROMPT_TEXT).case
    client = _justified(staff_client(Role.ADVISOR), case)
    due_at = case.due_at
    response = client.post(_url(case), _prefilled(case))
    assert response.status_code == 302 and response["Location"] == f"/console/cases/{case.public_reference}/"
    case.refresh_from_db()
    assert case.grade == "prompt" and case.due_at == due_at
    staff = case.assessments.get(made_by="staff")
    assert staff.author == client.user and staff.grade == "prompt" and staff.previous_grade == "prompt"
    assert staff.reason == "Confirmed engine assessment"
    assert staff.thrive["harm"]["level"] == "low" and staff.thrive["harm"]["advisor"] == "confirmed"
    assert staff.thrive["harm"]["reasons"]  # the engine's evidence is kept beside the advisor's level
    assert list(case.assessments.values_list("made_by", flat=True)) == ["staff", "engine"]
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ASSESSMENT).exists()
    assert AuditEvent.objects.filter(action="case.assess", object_id=case.public_reference, actor=client.user).exists()


def test_changing_a_factor_with_the_same_grade_needs_no_reason_and_is_summarised(staff_client, submit_contact):
    case = submit_contact(PROMPT_TEXT).case
    client = _justified(staff_client(Role.ADVISOR), case)
    data = _prefilled(case) | {"threat": "high", "vulnerabilities": ["child_at_risk", "domestic_abuse"]}
    assert client.post(_url(case), data).status_code == 302
    case.refresh_from_db()
    staff = case.assessments.get(made_by="staff")
    assert staff.thrive["threat"] == {"level": "high", "reasons": [], "engine_level": "none", "advisor": "changed from none"}
    assert "threat from none to high" in staff.reason and "domestic_abuse" in staff.reason
    assert case.vulnerabilities == ["domestic_abuse", "child_at_risk"]


def test_changing_the_grade_without_a_reason_shows_an_error_and_changes_nothing(staff_client, submit_contact):
    case = submit_contact(PROMPT_TEXT).case
    client = _justified(staff_client(Role.ADVISOR), case)
    response = client.post(_url(case), _prefilled(case) | {"grade": "immediate", "threat": "high"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter the reason for changing the grade from Prompt to Immediate" in body
    assert "govuk-error-summary" in body and 'href="#id_reason"' in body
    # What the advisor chose is kept in the form.
    assert 'name="threat" type="radio" value="high" checked' in body
    case.refresh_from_db()
    assert case.grade == "prompt"
    assert not case.assessments.filter(made_by="staff").exists()
    assert not AuditEvent.objects.filter(action="case.assess").exists()


def test_changing_the_grade_with_a_reason_keeps_both_assessments_and_regrades(staff_client, submit_contact):
    case = submit_contact(PROMPT_TEXT).case
    client = _justified(staff_client(Role.ADVISOR), case)
    data = _prefilled(case) | {"grade": "immediate", "threat": "high", "reason": "He is still outside with a knife."}
    assert client.post(_url(case), data).status_code == 302
    case.refresh_from_db()
    assert case.grade == "immediate" and case.grade_rank == 0 and case.response == "emergency_response"
    assert (case.due_at - case.created_at).total_seconds() == 15 * 60
    engine, staff = case.assessments.get(made_by="engine"), case.assessments.get(made_by="staff")
    assert engine.grade == "prompt" and engine.thrive["threat"]["level"] == "none"
    assert staff.grade == "immediate" and staff.previous_grade == "prompt" and staff.thrive["threat"]["level"] == "high"
    assert staff.reason == "He is still outside with a knife." and staff.policy_version == engine.policy_version
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.REGRADE)
    assert "Prompt to Immediate" in event.text and event.detail["to"] == "immediate"
    page = client.get(f"/console/cases/{case.public_reference}/").content.decode()
    assert "Triage engine’s assessment" in page and "Staff assessment by" in page
    assert "He is still outside with a knife." in page


def test_other_resolution_keeps_the_chosen_response_and_other_grades_get_their_standard_one(staff_client, submit_contact):
    case = submit_contact("Lost my wallet on the bus last week.").case
    client = _justified(staff_client(Role.ADVISOR), case)
    assert client.post(_url(case), _prefilled(case) | {"response": "signpost"}).status_code == 302
    case.refresh_from_db()
    assert case.grade == "other_resolution" and case.response == "signpost"
    data = _prefilled(case) | {"grade": "standard", "response": "signpost", "reason": "A crime: the wallet was taken."}
    assert client.post(_url(case), data).status_code == 302
    case.refresh_from_db()
    assert case.grade == "standard" and case.response == "local_policing_appointment"


def test_an_officer_can_neither_see_nor_submit_the_assessment(staff_client, submit_contact):
    case = submit_contact(PROMPT_TEXT).case
    client = _justified(staff_client(Role.OFFICER), case)
    assert client.get(_url(case)).status_code == 403
    assert client.post(_url(case), _prefilled(case) | {"grade": "standard", "reason": "x"}).status_code == 403
    case.refresh_from_db()
    assert case.grade == "prompt" and not case.assessments.filter(made_by="staff").exists()
    assert "Assess the case" not in client.get(f"/console/cases/{case.public_reference}/").content.decode()


@pytest.mark.parametrize(("role", "status"), [
    (Role.ADVISOR, 200), (Role.OFFICER, 403), (Role.SUPERVISOR, 200), (Role.AUDITOR, 403), (Role.ADMIN, 200),
])
def test_assess_page_access_by_role(staff_client, submit_contact, role, status):
    case = submit_contact(PROMPT_TEXT).case
    client = _justified(staff_client(role), case)
    assert client.get(_url(case)).status_code == status


def test_opening_the_assessment_asks_why_first_and_comes_back(staff_client, submit_contact):
    case = submit_contact(PROMPT_TEXT).case
    client = staff_client(Role.ADVISOR)
    response = client.get(_url(case))
    assert response.status_code == 302 and response["Location"].endswith("/justify/?next=assess")
    response = client.post(response["Location"], {"justification": "Queue work"})
    assert response.status_code == 302 and response["Location"] == _url(case)


def test_a_closed_case_cannot_be_assessed(staff_client, submit_contact, make_user):
    from django.core.exceptions import ValidationError

    from onedoor.cases.services import Actor, case_assess, case_change_status

    case = submit_contact(PROMPT_TEXT).case
    data = _prefilled(case)
    case_change_status(case=case, actor=Actor(user=make_user(Role.SUPERVISOR)), status="closed")
    client = _justified(staff_client(Role.ADVISOR), case)
    response = client.get(_url(case))
    assert response.status_code == 409 and "Only open cases can be assessed" in response.content.decode()
    assert client.post(_url(case), data).status_code == 409
    with pytest.raises(ValidationError):
        case_assess(case=case, actor=Actor(user=client.user), grade="prompt",
                    levels={factor: data[factor] for factor in FACTORS}, vulnerabilities=[])
    assert not case.assessments.filter(made_by="staff").exists()


def test_case_assess_refuses_unknown_levels_and_vulnerabilities(submit_contact, make_user):
    from django.core.exceptions import ValidationError

    from onedoor.cases.services import Actor, case_assess

    case = submit_contact(PROMPT_TEXT).case
    levels = dict.fromkeys(FACTORS, "none")
    with pytest.raises(ValidationError) as excinfo:
        case_assess(case=case, actor=Actor(user=make_user()), grade="prompt", levels=levels | {"harm": "extreme"},
                    vulnerabilities=["aliens"])
    assert set(excinfo.value.message_dict) == {"harm", "vulnerabilities"}


def test_a_factor_with_reasons_but_no_level_says_they_were_only_noted(staff_client, submit_contact):
    case = submit_contact("I lost my purse on the number 22 bus yesterday afternoon, it is brown leather").case
    engine = case.assessments.get(made_by="engine")
    noted = [f for f, d in engine.thrive.items() if d["level"] == "none" and d["reasons"]]
    assert noted  # e.g. engagement: lost property, which weighs nothing
    page = _justified(staff_client(Role.ADVISOR), case).get(f"/console/cases/{case.public_reference}/").content.decode()
    assert "Noted, does not raise the level:" in page
