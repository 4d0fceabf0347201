import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from onedoor.audit.models import AuditEvent
from onedoor.cases.models import Case, CaseEvent
from onedoor.intake.models import Contact
from onedoor.intake.services import InboundMessage, intake_receive
from onedoor.notify.models import Notification
from onedoor.triage.models import Assessment

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_contact_opens_a_case_with_its_assessment_timeline_audit_and_acknowledgement(submit_contact, division):
    result = submit_contact()
    case = result.case
    assert result.created
    assert case.grade in {"standard", "other_resolution"}
    assert case.area == division
    assert Contact.objects.get(case=case).text.startswith("My bike")
    assessment = Assessment.objects.get(case=case)
    assert assessment.made_by == "engine" and assessment.policy_version and assessment.rationale
    assert CaseEvent.objects.filter(case=case, kind="created", public=True).exists()
    assert AuditEvent.objects.filter(action="contact.receive", object_id=case.public_reference).exists()
    notification = Notification.objects.get(case=case)
    assert notification.status == "sent"
    assert len(mail.outbox) == 1
    assert case.display_reference in mail.outbox[0].subject
    assert "/track/" in mail.outbox[0].body


def test_the_tracking_token_and_secret_code_are_stored_only_as_hashes(submit_contact):
    result = submit_contact(anonymous=True)
    case = result.case
    assert result.secret_code and result.tracking_token
    assert result.tracking_token not in case.tracking_token_hash
    assert case.secret_code_hash and result.secret_code not in case.secret_code_hash
    assert case.anonymous and case.reporter is None
    assert not Notification.objects.exists()


def test_an_emergency_is_graded_immediate_and_advised_to_call_999(submit_contact):
    result = submit_contact("There is a man with a knife outside my house right now threatening to kill me",
                            answers={"in_danger_now": True, "happened": "now"})
    assert result.case.grade == "immediate"
    assert result.case.call_999_advice is True
    assert "999" in mail.outbox[0].body


def test_a_provider_message_delivered_twice_is_stored_once(submit_contact):
    first = submit_contact(provider_message_id="SM123", channel="sms")
    second = submit_contact(provider_message_id="SM123", channel="sms")
    assert second.created is False
    assert second.case.pk == first.case.pk
    assert Case.objects.count() == 1 and Contact.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"text": "   "}, "text"),
        ({"text": "x" * 20001}, "text"),
        ({"channel": "carrier-pigeon"}, "channel"),
        ({"latitude": 123.0}, "latitude"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(fields, error_field):
    values = {"channel": "web", "text": "Something happened"} | fields
    with pytest.raises(ValidationError) as excinfo:
        intake_receive(message=InboundMessage(**values))
    assert error_field in excinfo.value.message_dict
    assert not Case.objects.exists() and not AuditEvent.objects.exists()


def test_reporters_sharing_a_phone_are_never_merged_or_sent_each_others_reports(submit_contact, client):
    from onedoor.intake.services import InboundMessage, Reporter

    jo = submit_contact(email="jo@example.com", phone="+447700900982")
    kim = intake_receive(message=InboundMessage(
        channel="web", text="My ex keeps turning up at my work.",
        reporter=Reporter(name="Kim", phone="+447700900982", preferred_contact="sms", preferred_language="pl"),
    ))
    jo.case.reporter.refresh_from_db()
    assert jo.case.reporter.name == "Jane Doe" and jo.case.reporter.preferred_language == ""
    assert kim.case.reporter.email == "" and kim.case.reporter_id != jo.case.reporter_id
    assert [m.to for m in mail.outbox] == [["jo@example.com"]]
    response = client.post("/track/", {"reference": kim.case.public_reference, "secret": "jo@example.com"})
    assert response.status_code == 200
