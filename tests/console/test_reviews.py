"""Prompt cases nobody attends within the policy's review time (45 minutes) are due for a
supervisor's review: flagged in the queue, listed on /console/reviews/, cleared by a review."""

from datetime import timedelta

import pytest
from django.utils import timezone

from onedoor.accounts.models import Role
from onedoor.audit.models import AuditEvent
from onedoor.cases.models import Case, CaseEvent
from onedoor.cases.selectors import cases_due_for_review, review_minutes

pytestmark = pytest.mark.django_db(transaction=True)

PROMPT_TEXT = "A man hit me outside the pub ten minutes ago and my child saw it"
FLAG = "Due for supervisor review"


@pytest.fixture
def prompt_case(submit_contact):
    """A prompt case received `minutes` ago."""

    def make(minutes: int):
        case = submit_contact(PROMPT_TEXT).case
        assert case.grade == "prompt"
        Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))
        case.refresh_from_db()
        return case

    return make


def test_the_review_time_comes_from_the_policy():
    assert review_minutes() == 45


def test_an_unattended_prompt_case_older_than_45_minutes_is_due(staff_client, prompt_case):
    old, new = prompt_case(50), prompt_case(30)
    assert list(cases_due_for_review()) == [old]
    body = staff_client(Role.SUPERVISOR).get("/console/reviews/").content.decode()
    assert old.display_reference in body and new.display_reference not in body
    assert "50 min" in body  # how long it has waited


def test_the_queue_flags_cases_due_for_review(staff_client, prompt_case):
    old, new = prompt_case(50), prompt_case(30)
    body = staff_client(Role.ADVISOR).get("/console/queue/").content.decode()
    assert body.count(FLAG) == 1
    row = body[body.index(old.display_reference):]
    assert row.index(FLAG) < row.index("</tr>")
    assert new.display_reference in body


def test_an_allocated_case_is_not_due(prompt_case, make_user, team):
    from onedoor.cases.services import Actor, case_allocate

    case = prompt_case(50)
    case_allocate(case=case, actor=Actor(user=make_user()), team=team)
    assert not cases_due_for_review().exists()


def test_a_case_being_dealt_with_is_not_due(prompt_case, make_user):
    from onedoor.cases.services import Actor, case_change_status

    case = prompt_case(50)
    case_change_status(case=case, actor=Actor(user=make_user()), status="in_progress")
    assert not cases_due_for_review().exists()


def test_other_grades_are_not_due(submit_contact):
    case = submit_contact("Lost my wallet on the bus last week.").case
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - timedelta(hours=3))
    assert not cases_due_for_review().exists()


def test_marking_reviewed_needs_a_note_then_clears_the_flag(staff_client, prompt_case):
    case = prompt_case(50)
    client = staff_client(Role.SUPERVISOR)
    url = f"/console/reviews/{case.public_reference}/"
    page = client.get(url)
    assert page.status_code == 200 and case.summary in page.content.decode()
    response = client.post(url, {"note": ""})
    assert response.status_code == 400 and "Enter what you found and what you have done" in response.content.decode()
    assert cases_due_for_review().exists()
    response = client.post(url, {"note": "Asked Edinburgh response to attend now."})
    assert response.status_code == 302 and response["Location"] == "/console/reviews/"
    assert not cases_due_for_review().exists()
    case.refresh_from_db()
    assert case.reviewed_by == client.user and case.reviewed_at is not None
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.REVIEW)
    assert "Asked Edinburgh response to attend now." in event.text and not event.public
    audit = AuditEvent.objects.get(action="case.review", object_id=case.public_reference)
    assert audit.actor == client.user and audit.justification == "Asked Edinburgh response to attend now."
    assert FLAG not in client.get("/console/queue/").content.decode()
    assert case.display_reference not in client.get("/console/reviews/").content.decode()


def test_a_closed_case_cannot_be_reviewed(prompt_case, make_user):
    from django.core.exceptions import ValidationError

    from onedoor.cases.services import Actor, case_change_status, case_review

    case = prompt_case(50)
    actor = Actor(user=make_user(Role.SUPERVISOR))
    case_change_status(case=case, actor=actor, status="closed")
    with pytest.raises(ValidationError):
        case_review(case=case, actor=actor, note="Too late")


@pytest.mark.parametrize(("role", "status"), [
    (Role.ADVISOR, 403), (Role.OFFICER, 403), (Role.SUPERVISOR, 200), (Role.AUDITOR, 403), (Role.ADMIN, 200),
])
def test_reviews_access_by_role(staff_client, prompt_case, role, status):
    case = prompt_case(50)
    client = staff_client(role)
    assert client.get("/console/reviews/").status_code == status
    assert client.get(f"/console/reviews/{case.public_reference}/").status_code == status
    response = client.post(f"/console/reviews/{case.public_reference}/", {"note": "Reviewed"})
    assert response.status_code == (302 if status == 200 else 403)
