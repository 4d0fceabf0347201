import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from onedoor.audit.models import AuditEvent
from onedoor.cases.models import CaseStatus
from onedoor.cases.services import (
    Actor,
    case_add_note,
    case_add_public_update,
    case_allocate,
    case_change_status,
    case_regrade,
)
from onedoor.triage.models import Assessment

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_public_update_appears_on_the_timeline_and_is_sent_to_the_reporter(submit_contact, make_user):
    case = submit_contact().case
    mail.outbox.clear()
    event = case_add_public_update(case=case, actor=Actor(user=make_user("officer")), text="An officer will call you today.")
    assert event.public
    assert len(mail.outbox) == 1 and "An officer will call you today." in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="case.public_update", object_id=case.public_reference).exists()


def test_an_internal_note_is_not_public_and_sends_nothing(submit_contact, make_user):
    case = submit_contact().case
    mail.outbox.clear()
    event = case_add_note(case=case, actor=Actor(user=make_user()), text="Called back, no answer.")
    assert not event.public and not mail.outbox


def test_an_empty_note_is_refused(submit_contact, make_user):
    case = submit_contact().case
    with pytest.raises(ValidationError):
        case_add_note(case=case, actor=Actor(user=make_user()), text="  ")


def test_status_moves_along_the_lifecycle_and_invalid_transitions_are_refused(submit_contact, make_user):
    case = submit_contact().case
    actor = Actor(user=make_user())
    case_change_status(case=case, actor=actor, status=CaseStatus.IN_PROGRESS)
    case_change_status(case=case, actor=actor, status=CaseStatus.RESOLVED)
    case_change_status(case=case, actor=actor, status=CaseStatus.CLOSED)
    with pytest.raises(ValidationError) as excinfo:
        case_change_status(case=case, actor=actor, status=CaseStatus.IN_PROGRESS)
    assert "cannot be moved" in str(excinfo.value)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_regrading_needs_a_reason_and_keeps_both_assessments(submit_contact, make_user):
    case = submit_contact().case
    supervisor = make_user("supervisor")
    with pytest.raises(ValidationError) as excinfo:
        case_regrade(case=case, actor=Actor(user=supervisor), grade="prompt", reason="")
    assert "reason" in excinfo.value.message_dict
    case_regrade(case=case, actor=Actor(user=supervisor), grade="prompt", reason="Caller is 90 and distressed.")
    case.refresh_from_db()
    assert case.grade == "prompt" and case.grade_rank == 1
    assert list(Assessment.objects.filter(case=case).values_list("made_by", flat=True)) == ["staff", "engine"]
    audit = AuditEvent.objects.get(action="case.regrade")
    assert audit.justification == "Caller is 90 and distressed." and audit.actor == supervisor


def test_allocation_to_an_officer_takes_their_team(submit_contact, make_user, team):
    case = submit_contact().case
    officer = make_user("officer", team=team)
    case_allocate(case=case, actor=Actor(user=make_user()), officer=officer)
    case.refresh_from_db()
    assert case.allocated_officer == officer and case.allocated_team == team


def test_allocation_to_an_auditor_is_refused(submit_contact, make_user):
    case = submit_contact().case
    with pytest.raises(ValidationError):
        case_allocate(case=case, actor=Actor(user=make_user()), officer=make_user("auditor"))
