import pyotp
import pytest

from onedoor.accounts.models import Role
from onedoor.audit.models import AuditEvent
from onedoor.cases.models import CaseEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("password", "token_ok"), [("wrong password", True), ("correct horse battery", False)])
def test_sign_in_needs_both_the_password_and_a_valid_totp_code(client, make_user, password, token_ok):
    user = make_user()
    token = pyotp.TOTP(user.totp_secret).now() if token_ok else "000000"
    response = client.post("/console/sign-in/", {"username": user.username, "password": password, "token": token})
    assert response.status_code == 200
    assert "The username, password or security code is not right." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_with_password_and_totp_code(client, make_user):
    user = make_user()
    response = client.post("/console/sign-in/", {
        "username": user.username, "password": "correct horse battery", "token": pyotp.TOTP(user.totp_secret).now()})
    assert response.status_code == 302 and response["Location"] == "/console/"


def test_the_console_sends_signed_out_people_to_sign_in(client):
    response = client.get("/console/queue/")
    assert response.status_code == 302 and "/console/sign-in/" in response["Location"]


@pytest.mark.parametrize(("role", "status"), [
    (Role.ADVISOR, 200), (Role.OFFICER, 200), (Role.SUPERVISOR, 200), (Role.ADMIN, 200), (Role.AUDITOR, 403),
])
def test_queue_access_by_role(staff_client, role, status):
    assert staff_client(role).get("/console/queue/").status_code == status


@pytest.mark.parametrize(("role", "status"), [
    (Role.AUDITOR, 200), (Role.ADMIN, 200), (Role.ADVISOR, 403), (Role.OFFICER, 403), (Role.SUPERVISOR, 403),
])
def test_audit_trail_access_by_role(staff_client, role, status):
    assert staff_client(role).get("/console/audit/").status_code == status


def test_the_queue_lists_the_most_urgent_first(staff_client, submit_contact):
    routine = submit_contact("Lost my wallet on the bus last week.")
    urgent = submit_contact("A man is stabbing someone outside the pub right now", answers={"in_danger_now": True})
    body = staff_client().get("/console/queue/").content.decode()
    assert body.index(urgent.case.display_reference) < body.index(routine.case.display_reference)


def test_the_queue_filters_by_grade(staff_client, submit_contact):
    routine = submit_contact("Lost my wallet on the bus last week.")
    urgent = submit_contact("A man is stabbing someone outside the pub right now", answers={"in_danger_now": True})
    body = staff_client().get("/console/queue/?grade=immediate").content.decode()
    assert urgent.case.display_reference in body and routine.case.display_reference not in body


def test_reading_a_case_not_allocated_to_you_asks_why_and_records_it(staff_client, submit_contact):
    case = submit_contact().case
    client = staff_client(Role.OFFICER)
    response = client.get(f"/console/cases/{case.public_reference}/")
    assert response.status_code == 302 and response["Location"].endswith("/justify/")
    assert not AuditEvent.objects.filter(action="case.view").exists()
    response = client.post(f"/console/cases/{case.public_reference}/justify/", {"justification": ""})
    assert "Enter why you need to see this case" in response.content.decode()
    client.post(f"/console/cases/{case.public_reference}/justify/", {"justification": "Linked to my enquiry 123"})
    response = client.get(f"/console/cases/{case.public_reference}/")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="case.view")
    assert event.justification == "Linked to my enquiry 123" and event.actor == client.user


def test_an_officer_reads_their_own_allocated_case_without_a_reason(staff_client, submit_contact, make_user, team):
    from onedoor.cases.services import Actor, case_allocate

    case = submit_contact().case
    officer = make_user(Role.OFFICER, team=team)
    case_allocate(case=case, actor=Actor(user=make_user()), officer=officer)
    response = staff_client(user=officer).get(f"/console/cases/{case.public_reference}/")
    assert response.status_code == 200


def test_an_auditor_cannot_read_case_contents(staff_client, submit_contact):
    case = submit_contact().case
    assert staff_client(Role.AUDITOR).get(f"/console/cases/{case.public_reference}/").status_code == 403


def test_a_public_update_from_the_console(staff_client, submit_contact):
    case = submit_contact().case
    client = staff_client(Role.ADVISOR)
    client.post(f"/console/cases/{case.public_reference}/justify/", {"justification": "Queue work"})
    response = client.post(f"/console/cases/{case.public_reference}/updates/", {"update-text": "We are looking at CCTV."})
    assert response.status_code == 302
    assert CaseEvent.objects.filter(case=case, kind="public_update", text="We are looking at CCTV.").exists()


def test_an_officer_cannot_regrade(staff_client, submit_contact, make_user, team):
    case = submit_contact().case
    client = staff_client(Role.OFFICER)
    response = client.post(f"/console/cases/{case.public_reference}/grade/", {"regrade-grade": "prompt", "regrade-reason": "x"})
    assert response.status_code == 403


def test_regrade_without_a_reason_shows_an_error_and_changes_nothing(staff_client, submit_contact):
    case = submit_contact().case
    client = staff_client(Role.SUPERVISOR)
    client.post(f"/console/cases/{case.public_reference}/justify/", {"justification": "Supervising the queue"})
    response = client.post(f"/console/cases/{case.public_reference}/grade/", {"regrade-grade": "prompt", "regrade-reason": ""})
    assert response.status_code == 400
    assert "Enter the reason for changing the grade" in response.content.decode()
    case.refresh_from_db()
    assert case.grade != "prompt"


def test_an_unknown_reference_is_not_found(staff_client):
    assert staff_client().get("/console/cases/ZZZZZZZZZ/").status_code == 404


def test_the_case_page_shows_other_reports_from_the_same_person(staff_client, submit_contact):
    earlier = submit_contact("Someone scratched my car last month.", email="repeat@example.com").case
    case = submit_contact("Someone scratched my car again last night.", email="repeat@example.com").case
    client = staff_client()
    client.post(f"/console/cases/{case.public_reference}/justify/", {"justification": "Queue work"})
    body = client.get(f"/console/cases/{case.public_reference}/").content.decode()
    assert "Other reports with the same email or phone" in body and earlier.display_reference in body


def test_sign_ins_and_failures_are_audited(client, make_user):
    user = make_user()
    client.post("/console/sign-in/", {"username": user.username, "password": "nope", "token": "123456"})
    assert AuditEvent.objects.filter(action="staff.sign_in_failed", object_id=user.username).exists()
    client.post("/console/sign-in/", {
        "username": user.username, "password": "correct horse battery", "token": pyotp.TOTP(user.totp_secret).now()})
    assert AuditEvent.objects.filter(action="staff.sign_in", actor=user).exists()
    client.post("/console/sign-out/")
    assert AuditEvent.objects.filter(action="staff.sign_out", actor=user).exists()


def test_a_closed_case_cannot_be_regraded(submit_contact, make_user):
    from django.core.exceptions import ValidationError

    from onedoor.cases.services import Actor, case_change_status, case_regrade

    case = submit_contact().case
    actor = Actor(user=make_user(Role.SUPERVISOR))
    case_change_status(case=case, actor=actor, status="closed")
    with pytest.raises(ValidationError):
        case_regrade(case=case, actor=actor, grade="immediate", reason="late info")


def test_a_contact_not_in_english_shows_an_interpreter_tag_in_the_queue_and_case(staff_client, submit_contact):
    case = submit_contact("Ktoś ukradł mój rower sprzed sklepu wczoraj wieczorem. Proszę o pomoc.").case
    assert case.interpreter_needed and case.language == "pl"
    client = staff_client()
    assert "Interpreter: Polish" in client.get("/console/queue/").content.decode()
    client.post(f"/console/cases/{case.public_reference}/justify/", {"justification": "Queue work"})
    assert "Interpreter needed: Polish" in client.get(f"/console/cases/{case.public_reference}/").content.decode()


def test_the_rationale_links_the_cases_its_records_lines_name(staff_client, submit_contact):
    first = submit_contact("Someone smashed the window of the close door last night.").case
    second = submit_contact("Youths were kicking the close door again tonight, it is hanging off now.").case
    client = staff_client(Role.ADVISOR)
    client.post(f"/console/cases/{second.public_reference}/justify/", {"justification": "Queue work"})
    body = client.get(f"/console/cases/{second.public_reference}/").content.decode()
    link = f'<a class="govuk-link" href="/console/cases/{first.public_reference}/">{first.display_reference}</a>'
    assert link in body
    assert "<li>records: an open case at the same address (" in body
