"""record_context_for(): repeat contacts and open cases at the same place, from the database,
passed to assess() at intake; people are never linked or merged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from onedoor.cases.models import Case, CaseStatus
from onedoor.intake.context import address_key, full_postcode, record_context_for
from onedoor.intake.models import Contact
from onedoor.intake.services import InboundMessage, Reporter, contact_add_to_case
from onedoor.people.models import Person
from onedoor.triage.models import Assessment

pytestmark = pytest.mark.django_db(transaction=True)

WALLET = "I lost my wallet on the bus last week."


def _rationale(result) -> str:
    return Assessment.objects.get(contact=result.contact).rationale


def test_postcodes_and_addresses_are_normalised():
    assert full_postcode("12 Leith Walk, Edinburgh eh65da") == "EH6 5DA"
    assert full_postcode("somewhere in KY16") == ""
    assert address_key(" 12, Leith  Walk. ") == "12 leith walk"


def test_a_second_report_about_the_same_postcode_raises_risk(submit_contact):
    first = submit_contact(WALLET, email="a@example.com", location_text="Leith Walk, Edinburgh EH6 5DA")
    assert "records:" not in _rationale(first)
    second = submit_contact(WALLET, email="b@example.com", location_text="12 leith walk eh65da")
    first_risk = Assessment.objects.get(contact=first.contact).thrive["risk"]["score"]
    second_risk = Assessment.objects.get(contact=second.contact).thrive["risk"]["score"]
    assert second_risk > first_risk
    assert "records: 1 other contact about EH6 5DA in the last 30 days" in _rationale(second)


def test_repeat_contacts_by_email_or_phone_are_counted_without_merging_people(submit_contact):
    for _ in range(3):
        result = submit_contact(WALLET, email="Same@Example.com", phone="+447700900123", location_text="")
    rationale = _rationale(result)
    assert ("records: 2 other contacts from the same email address or from the same phone number "
            "in the last 30 days") in rationale
    assert result.case.grade == "standard"  # policy: a third contact in 30 days is not left to the resolution team
    assert Person.objects.filter(email="same@example.com").count() == 3  # three reporters, never merged (emails are stored in lower case)


def test_three_other_contacts_about_a_postcode_are_named(submit_contact):
    for n in range(3):
        submit_contact(WALLET, email=f"p{n}@example.com", location_text="EH6 5DA")
    result = submit_contact("Someone spray painted the stair door.", email="new@example.com", location_text="EH6 5DA")
    assert "records: 3 other contacts about EH6 5DA in the last 30 days (raises risk by 3)" in _rationale(result)


def test_contacts_older_than_30_days_are_not_repeats(submit_contact):
    old = submit_contact(WALLET, email="a@example.com")
    Contact.objects.filter(pk=old.contact.pk).update(received_at=timezone.now() - timedelta(days=31))
    result = submit_contact(WALLET, email="a@example.com")
    assert "other contact" not in _rationale(result)


def test_an_open_case_at_the_same_address_appears_in_the_rationale(submit_contact):
    first = submit_contact("Someone keeps leaving rubbish in our back green.", anonymous=True,
                           location_text="Flat 3, 10 Great Junction Street, Edinburgh")
    second = submit_contact(WALLET, anonymous=True, location_text="flat 3 10 great junction street edinburgh")
    rationale = _rationale(second)
    assert f"records: an open case at the same address ({first.case.display_reference})" in rationale
    # Closed cases do not count.
    Case.objects.filter(pk__in=[first.case.pk, second.case.pk]).update(status=CaseStatus.CLOSED)
    third = submit_contact(WALLET, anonymous=True, location_text="Flat 3, 10 Great Junction Street, Edinburgh")
    assert "open case" not in _rationale(third)


def test_an_open_case_with_the_same_postcode_is_found(submit_contact):
    first = submit_contact(WALLET, email="a@example.com", location_text="Leith Walk EH6 5DA")
    context = record_context_for(InboundMessage(channel="web", text="x", location_text="Pilrig Street, eh6 5da"))
    assert context.open_case_same_place
    assert context.open_case_references == (first.case.display_reference,)
    assert context.repeat_contacts_30d == 1 and context.repeat_about == "about EH6 5DA"
    assert context.person_markers == ()  # no marker model yet


def test_further_contacts_on_the_same_case_are_not_repeats(submit_contact):
    first = submit_contact(WALLET, email="a@example.com")
    result = contact_add_to_case(case=first.case, message=InboundMessage(
        channel="web", text="It was a brown leather wallet.", reporter=Reporter(email="a@example.com"),
        location_text="Leith Walk, Edinburgh EH6 5DA"))
    rationale = _rationale(result)
    assert "other contact" not in rationale and "open case" not in rationale


def test_language_and_interpreter_need_are_recorded_on_contact_and_case(submit_contact):
    result = submit_contact("Dzień dobry, chciałbym zapytać, jak mogę zgłosić zgubiony paszport?", location_text="")
    contact, case = Contact.objects.get(pk=result.contact.pk), Case.objects.get(pk=result.case.pk)
    assert (contact.language, contact.interpreter_needed) == ("pl", True)
    assert (case.language, case.interpreter_needed) == ("pl", True)
    assert case.grade == "prompt"
    english = submit_contact(WALLET, email="other@example.com", location_text="")
    assert (english.contact.language, english.contact.interpreter_needed) == ("en", False)


def test_a_later_contact_needing_an_interpreter_flags_the_case(submit_contact):
    first = submit_contact(WALLET, email="a@example.com", location_text="")
    assert not first.case.interpreter_needed and first.case.language == "en"
    contact_add_to_case(case=first.case, message=InboundMessage(
        channel="web", text="Mój brat nie mówi po angielsku, portfel był brązowy", anonymous=True))
    case = Case.objects.get(pk=first.case.pk)
    assert case.interpreter_needed and case.language == "en"  # the case keeps its first contact's language
    assert case.grade == "prompt"
