"""The report journey without JavaScript, as a browser without scripts would post it."""

import pytest
from django.core import mail

from onedoor.cases.models import Case

pytestmark = pytest.mark.django_db(transaction=True)


def _walk(client, text="My bike was stolen from outside the library yesterday afternoon.", *, danger="no", anonymous=False):
    steps = [
        ("what-happened", {"text": text}),
        ("when", {"happened": "earlier", "when_text": "yesterday 2pm"}),
        ("where", {"location_text": "Leith Walk, Edinburgh EH6 5DA"}),
        ("in-danger", {"answer": danger}),
        ("offender-present", {"answer": "no"}),
        ("injured", {"answer": "no"}),
        ("weapons", {"answer": "unsure"}),
        ("about-you", {"anonymous": "yes" if anonymous else "no"}),
    ]
    if not anonymous:
        steps.append(("your-details", {"name": "Jane Doe", "email": "jane@example.com", "phone": "07700 900982",
                                       "preferred_contact": "email", "preferred_language": "pl", "accessibility_needs": ""}))
    last = None
    for slug, data in steps:
        last = client.post(f"/report/{slug}/", data)
        assert last.status_code == 302, (slug, last.content.decode()[:2000])
    return last


def test_home_page_puts_emergency_guidance_first(client):
    body = client.get("/").content.decode()
    assert body.index("call 999") < body.index("Report a crime or incident")
    for text in ("101", "18000", "18001 101", "BSL"):
        assert text in body


def test_report_a_crime_from_start_to_confirmation(client):
    last = _walk(client)
    assert last["Location"] == "/report/check/"
    check = client.get("/report/check/").content.decode()
    assert "My bike was stolen" in check and "Jane Doe" in check and "Polish" in check
    response = client.post("/report/check/")
    assert response.status_code == 302 and response["Location"] == "/report/confirmation/"
    case = Case.objects.get()
    assert case.reporter.phone == "+447700900982"
    assert case.reporter.preferred_language == "pl"
    confirmation = client.get("/report/confirmation/").content.decode()
    assert case.display_reference in confirmation
    assert "We aim to respond by" in confirmation
    assert "/track/" in confirmation
    assert len(mail.outbox) == 1


def test_each_question_page_shows_an_error_summary_when_unanswered(client):
    client.post("/report/what-happened/", {"text": "Something happened to my car"})
    response = client.post("/report/when/", {})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Select when it happened" in body
    assert "<title>Error:" in body


def test_every_journey_page_has_exit_this_page_and_a_back_link(client):
    client.post("/report/what-happened/", {"text": "Something happened"})
    for slug in ("what-happened", "when", "where", "in-danger"):
        body = client.get(f"/report/{slug}/").content.decode()
        assert "Exit this page" in body and "govuk-back-link" in body


def test_skipping_ahead_by_url_goes_back_to_the_first_question(client):
    response = client.get("/report/weapons/")
    assert response.status_code == 302 and response["Location"] == "/report/what-happened/"


def test_saying_someone_is_in_danger_shows_call_999_at_once_and_saves_the_report(client):
    client.post("/report/what-happened/", {"text": "I want to report something about my neighbour"})
    client.post("/report/when/", {"happened": "now"})
    client.post("/report/where/", {"location_text": "EH6 5DA"})
    response = client.post("/report/in-danger/", {"answer": "yes"})
    assert response["Location"] == "/report/emergency/"
    page = client.get("/report/emergency/").content.decode()
    assert "Call 999 now" in page
    case = Case.objects.get()
    assert case.grade == "immediate"
    assert case.display_reference in page


def test_an_emergency_described_in_the_text_alone_shows_call_999(client):
    response = client.post("/report/what-happened/", {"text": "Someone is trying to kick my front door in right now, I'm hiding upstairs"})
    assert response["Location"] == "/report/emergency/"
    assert Case.objects.get().grade == "immediate"


def test_continuing_after_an_emergency_adds_to_the_same_case(client):
    client.post("/report/what-happened/", {"text": "Someone is trying to kick my front door in right now"})
    _walk(client, text="Someone is trying to kick my front door in right now", danger="yes")
    client.post("/report/check/")
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert case.contacts.count() == 2
    assert case.grade == "immediate" and case.reporter.name == "Jane Doe"


def test_an_anonymous_report_gets_a_secret_code(client):
    _walk(client, anonymous=True)
    client.post("/report/check/")
    page = client.get("/report/confirmation/").content.decode()
    assert "secret code" in page
    case = Case.objects.get()
    assert case.anonymous and case.reporter is None


def test_details_need_an_email_or_a_phone(client):
    _walk(client, anonymous=True)
    client.post("/report/about-you/", {"anonymous": "no"})
    response = client.post("/report/your-details/", {"name": "Jane", "preferred_contact": "email", "preferred_language": "en"})
    assert "Enter an email address or a phone number" in response.content.decode()


def test_too_many_reports_from_one_address_get_a_friendly_429(client):
    for _ in range(20):
        client.post("/report/check/")
    response = client.post("/report/check/")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_sending_the_same_report_twice_stores_it_once(client):
    _walk(client)
    first = client.post("/report/check/")
    # The browser retries (double click, network): the journey is gone, so it is sent back to the start.
    second = client.post("/report/check/")
    assert first.status_code == 302 and second.status_code == 302
    assert Case.objects.count() == 1


def test_a_replayed_submission_of_the_same_journey_stores_nothing_new(client):
    from onedoor.portal.journey import SESSION_KEY

    _walk(client)
    saved = client.session[SESSION_KEY]
    client.post("/report/check/")
    session = client.session
    session[SESSION_KEY] = saved  # as a concurrent request carrying the same session would
    session.save()
    response = client.post("/report/check/")
    assert response["Location"] == "/report/confirmation/"
    assert Case.objects.count() == 1


def test_more_information_after_staff_closed_the_emergency_opens_a_new_case(client, make_user):
    from onedoor.cases.services import Actor, case_change_status

    client.post("/report/what-happened/", {"text": "Someone is trying to kick my front door in right now"})
    emergency = Case.objects.get()
    case_change_status(case=emergency, actor=Actor(user=make_user()), status="closed")
    _walk(client, text="Someone is trying to kick my front door in right now", danger="yes")
    client.post("/report/check/")
    assert Case.objects.count() == 2
    assert Case.objects.exclude(pk=emergency.pk).get().is_open


def test_the_confirmation_is_not_shown_again_after_ten_minutes(client):
    from datetime import timedelta

    from django.utils import timezone

    from onedoor.portal.journey import CONFIRMATION_KEY

    _walk(client)
    client.post("/report/check/")
    assert client.get("/report/confirmation/").status_code == 200
    session = client.session
    session[CONFIRMATION_KEY]["shown_until"] = (timezone.now() - timedelta(seconds=1)).isoformat()
    session.save()
    assert client.get("/report/confirmation/")["Location"] == "/"


def test_a_location_from_the_browser_is_enough_for_where(client):
    client.post("/report/what-happened/", {"text": "My bike was stolen yesterday"})
    client.post("/report/when/", {"happened": "earlier"})
    response = client.post("/report/where/", {"location_text": "", "latitude": "55.9533", "longitude": "-3.1883"})
    assert response.status_code == 302 and response["Location"] == "/report/in-danger/"
    response = client.post("/report/where/", {"location_text": ""})
    assert "Enter where it happened" in response.content.decode()
