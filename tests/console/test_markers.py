"""Vulnerability markers on an email address or phone number: placed and withdrawn by supervisors,
applied by intake to new contacts from that identifier, every step in the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from onedoor.accounts.models import Role
from onedoor.audit.models import AuditEvent
from onedoor.people.markers import marker_place, marker_withdraw, markers_for
from onedoor.people.models import Marker

pytestmark = pytest.mark.django_db

TEXT = "My ex keeps turning up at my work and I'm frightened of what he might do, it's been going on for weeks."


def _today():
    return timezone.localdate()


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.SUPERVISOR)


def _place(supervisor, **overrides):
    values = {"kind": "email", "value": "Jane@Example.com", "category": "domestic_abuse",
              "reason": "MARAC referral, case PS-2026-1234", "review_by": _today() + timedelta(days=200)}
    values.update(overrides)
    return marker_place(actor=supervisor, **values)


# --------------------------------------------------------------------------- services


@pytest.mark.parametrize(("overrides", "field"), [
    ({"value": "not an email"}, "value"),
    ({"kind": "phone", "value": "12"}, "value"),
    ({"kind": "phone", "value": "12345"}, "value"),
    ({"kind": "fax"}, "kind"),
    ({"category": "angry"}, "category"),
    ({"reason": "   "}, "reason"),
    ({"review_by": timezone.localdate()}, "review_by"),
    ({"review_by": timezone.localdate() + timedelta(days=800)}, "review_by"),
])
def test_a_bad_marker_is_refused_with_a_message_and_nothing_is_kept(supervisor, overrides, field):
    with pytest.raises(ValidationError) as caught:
        _place(supervisor, **overrides)
    assert field in caught.value.message_dict
    assert not Marker.objects.exists()
    assert not AuditEvent.objects.filter(action="marker.place").exists()


def test_identifiers_are_stored_in_one_form_and_the_placing_is_audited(supervisor):
    email = _place(supervisor)
    phone = _place(supervisor, kind="phone", value="07700 900 982", category="suicide_risk")
    assert (email.value, phone.value) == ("jane@example.com", "+447700900982")
    events = AuditEvent.objects.filter(action="marker.place").order_by("pk")
    assert [e.object_id for e in events] == [str(email.pk), str(phone.pk)]
    assert events[0].actor == supervisor and events[0].detail["category"] == "domestic_abuse"
    assert events[1].detail["value"] == "+447700900982"
    assert [m.category for m in markers_for(phone="+447700900982")] == ["suicide_risk"]


def test_the_same_marker_twice_is_refused_until_the_first_is_withdrawn(supervisor):
    first = _place(supervisor, kind="phone", value="07700 900982", category="stalking_harassment")
    with pytest.raises(ValidationError, match="already has a stalking harassment marker in force"):
        _place(supervisor, kind="phone", value="+44 7700 900982", category="stalking_harassment")
    _place(supervisor, kind="phone", value="+447700900982", category="suicide_risk")  # another vulnerability is fine
    marker_withdraw(actor=supervisor, marker=first, reason="Replaced")
    _place(supervisor, kind="phone", value="+447700900982", category="stalking_harassment", reason="New risk assessment")
    assert Marker.objects.count() == 3


def test_withdrawn_and_overdue_markers_no_longer_apply(supervisor):
    withdrawn = _place(supervisor)
    marker_withdraw(actor=supervisor, marker=withdrawn, reason="Risk assessment closed")
    with pytest.raises(ValidationError):
        marker_withdraw(actor=supervisor, marker=withdrawn, reason="again")
    overdue = _place(supervisor, category="mental_health")
    assert [m.category for m in markers_for(email="jane@example.com")] == ["mental_health"]
    later = overdue.review_by + timedelta(days=1)
    assert markers_for(email="jane@example.com", today=later) == []
    assert AuditEvent.objects.filter(action="marker.withdraw", object_id=str(withdrawn.pk)).count() == 1


# --------------------------------------------------------------------------- intake


def test_a_contact_from_a_marked_email_is_assessed_with_the_marker(supervisor, submit_contact):
    marker = _place(supervisor)
    result = submit_contact("Someone took my bike from the stairwell last night, no idea who.", email="jane@example.com")
    case = result.case
    assert "domestic_abuse" in case.vulnerabilities
    rationale = result.assessment.rationale
    assert "records: a vulnerability marker: domestic abuse (raises vulnerability by 2)" in rationale
    assert f"records: a marker on the same email address: domestic abuse (added {timezone.localdate(marker.created_at):%d %b %Y}, review by {marker.review_by:%d %b %Y})" in rationale
    applied = AuditEvent.objects.get(action="marker.apply")
    assert (applied.object_type, applied.object_id) == ("case", case.public_reference)
    assert applied.detail == {"marker": marker.pk} and applied.actor_label == "intake"


def test_a_marker_keeps_a_contact_at_least_prompt_whatever_the_model_says(supervisor, submit_contact):
    """The learned layer does not know the marker: the policy's floor keeps the grade."""
    _place(supervisor, category="stalking_harassment")
    result = submit_contact("Someone keeps leaving notes on my car windscreen, it has been going on for weeks.",
                            email="jane@example.com")
    assert result.case.grade in ("prompt", "immediate")
    assert "floor.person_marker" in result.assessment.rationale or result.case.grade == "immediate" \
        or "prompt" in result.assessment.rationale.split(";")[0]


def test_no_marker_for_other_identifiers_anonymous_reports_or_after_withdrawal(supervisor, submit_contact):
    marker = _place(supervisor)
    assert "domestic_abuse" not in submit_contact(TEXT.replace("ex", "neighbour"), email="someone@example.com").case.vulnerabilities
    anonymous = submit_contact("Someone took my bike from the stairwell last night.", anonymous=True)
    assert anonymous.case.vulnerabilities == []
    marker_withdraw(actor=supervisor, marker=marker, reason="Moved away")
    after = submit_contact("Someone took my bike from the stairwell last night.", email="jane@example.com")
    assert "domestic_abuse" not in after.case.vulnerabilities
    assert not AuditEvent.objects.filter(action="marker.apply").exists()


# --------------------------------------------------------------------------- console


@pytest.mark.parametrize(("role", "status"), [
    (Role.ADVISOR, 403), (Role.OFFICER, 403), (Role.SUPERVISOR, 200), (Role.AUDITOR, 403), (Role.ADMIN, 200),
])
def test_only_supervisors_and_admins_manage_markers(staff_client, make_user, role, status):
    marker = _place(make_user(Role.SUPERVISOR))
    client = staff_client(role)
    assert client.get("/console/markers/").status_code == status
    assert client.get(f"/console/markers/{marker.pk}/withdraw/").status_code == status
    assert client.get("/console/markers/new/").status_code == status
    response = client.post("/console/markers/new/", {"kind": "phone", "value": "07700900123", "category": "disability",
                                                 "reason": "x", "review_by": str(_today() + timedelta(days=30))})
    assert response.status_code == (302 if status == 200 else 403)
    assert Marker.objects.count() == (2 if status == 200 else 1)


def test_a_supervisor_places_searches_and_withdraws_a_marker(staff_client):
    client = staff_client(Role.SUPERVISOR)
    page = client.get("/console/markers/")
    assert "No markers are in force." in page.content.decode()
    assert AuditEvent.objects.filter(action="marker.list").exists()

    blank = client.get("/console/markers/new/").content.decode()
    assert f'value="{(_today() + timedelta(days=365)).isoformat()}"' in blank  # the default, as a date input needs it
    bad = client.post("/console/markers/new/", {"kind": "email", "value": "nope", "category": "",
                                            "reason": "", "review_by": "2020-01-01"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "There is a problem" in body and "Choose the vulnerability the marker records" in body
    assert "Enter why the marker is needed and where it comes from" in body
    assert not Marker.objects.exists()

    response = client.post("/console/markers/new/", {"kind": "email", "value": "Jane@Example.com", "category": "stalking_harassment",
                                                 "reason": "Harassment warning issued to her ex", "review_by": str(_today() + timedelta(days=90))})
    assert response.status_code == 302
    marker = Marker.objects.get()
    assert marker.value == "jane@example.com" and marker.created_by == client.user

    listed = client.get("/console/markers/?value=JANE@example.com").content.decode()
    assert "jane@example.com" in listed and "Stalking or harassment" in listed
    assert "No marker in force on that email address or phone number." in client.get("/console/markers/?value=other@example.com").content.decode()

    assert client.post(f"/console/markers/{marker.pk}/withdraw/", {"reason": ""}).status_code == 400
    assert client.post(f"/console/markers/{marker.pk}/withdraw/", {"reason": "Ex has moved abroad"}).status_code == 302
    marker.refresh_from_db()
    assert marker.withdrawn_by == client.user and marker.withdrawn_reason == "Ex has moved abroad"
    assert client.get(f"/console/markers/{marker.pk}/withdraw/").status_code == 404


def test_the_case_page_offers_a_supervisor_a_marker_on_the_reporters_details(staff_client, submit_contact):
    case = submit_contact(TEXT, email="jane@example.com", phone="+447700900982").case
    supervisor = staff_client(Role.SUPERVISOR)
    supervisor.post(f"/console/cases/{case.public_reference}/justify/", {"justification": "Supervising the queue"})
    body = supervisor.get(f"/console/cases/{case.public_reference}/").content.decode()
    assert "/console/markers/new/?kind=phone&amp;value=%2B447700900982" in body
    assert "Place a marker on this email address" in body
    form = supervisor.get("/console/markers/new/?kind=phone&value=%2B447700900982").content.decode()
    assert 'value="+447700900982"' in form and 'value="phone" checked' in form
    advisor = staff_client(Role.ADVISOR)
    advisor.post(f"/console/cases/{case.public_reference}/justify/", {"justification": "Queue work"})
    assert "Place a marker" not in advisor.get(f"/console/cases/{case.public_reference}/").content.decode()



def test_what_the_reporter_is_told_does_not_show_the_marker(supervisor, submit_contact):
    """The public timeline's first entry and the acknowledgement give the next steps of the words
    alone; the force's case keeps the marker's grade."""
    from onedoor.cases.models import CaseEvent
    from onedoor.notify.models import Notification

    text = "My bike was stolen from outside the library yesterday afternoon."
    plain = submit_contact(text, email="someone@example.com").case
    _place(supervisor, category="domestic_abuse")
    marked = submit_contact(text, email="jane@example.com").case
    assert marked.grade == "prompt" and plain.grade != "prompt"
    first = CaseEvent.objects.get(case=marked, kind=CaseEvent.Kind.CREATED)
    assert first.public and first.text == CaseEvent.objects.get(case=plain, kind=CaseEvent.Kind.CREATED).text
    email = Notification.objects.get(case=marked)
    assert "domestic" not in email.body and "marker" not in email.body
    plain_email = Notification.objects.get(case=plain)
    assert email.body.split("What happens next:")[1].split("\n")[0] == plain_email.body.split("What happens next:")[1].split("\n")[0]


def test_the_tracking_page_and_a_later_contact_show_only_what_the_reporter_was_told(supervisor, submit_contact, client,
                                                                                 staff_client):
    """A marker raises the case's grade and due time; the tracking page promises the time the
    reporter was given, and a further contact's acknowledgement does not carry the raised grade."""
    from onedoor.intake.services import InboundMessage, Reporter, contact_add_to_case

    text = "My bike was stolen from outside the library yesterday afternoon."
    _place(supervisor, category="domestic_abuse")
    first = submit_contact(text, email="jane@example.com")
    case = first.case
    assert case.grade == "prompt" and case.told_grade == first.public_view.grade != "prompt"
    assert case.told_due_at == first.public_view.expected_contact_by > case.due_at
    page = client.get(f"/track/{first.tracking_token}/")
    assert page.status_code == 200
    told = timezone.localtime(case.told_due_at)
    raised = timezone.localtime(case.due_at)
    shown = page.content.decode()
    assert f"{told:%H:%M}" in shown and (f"{raised:%H:%M}" not in shown or f"{raised:%H:%M}" == f"{told:%H:%M}")

    more = contact_add_to_case(case=case, message=InboundMessage(
        channel="web", text="I have found the receipt for the bike now if you need it for the report.",
        reporter=Reporter(name="Someone Else", email="other@example.com", preferred_contact="email"),
    ))
    case.refresh_from_db()
    assert case.grade == "prompt"  # the force's grade stands
    assert more.public_view.grade == case.told_grade != "prompt"
    assert more.next_steps == first.public_view.next_steps
    assert case.told_due_at == first.public_view.expected_contact_by
    # Staff see both: the force's grade, and what the reporter was told.
    staff = staff_client(user=supervisor)
    staff.post(f"/console/cases/{case.public_reference}/justify/", {"justification": "Supervising the queue"})
    page = staff.get(f"/console/cases/{case.public_reference}/").content.decode()
    assert "Reporter was told" in page and case.get_told_grade_display() in page
