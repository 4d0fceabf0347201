"""The THRIVE assessment in a real browser: an advisor opens the assessment from the case page,
tries to change the grade without a reason, then gives one; a supervisor sees the reviews list
and the regrade report. axe-core checks every page, including the error state."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onedoor.cases.models import Case
from tests.browser.conftest import assert_accessible
from tests.browser.test_console_journey import PASSWORD, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROMPT_TEXT = "A man hit me outside the pub ten minutes ago and my child saw it"
REASON = "The caller says he is still outside with a knife."


def _staff(username: str, role: str):
    from onedoor.accounts.services import user_create

    return user_create(username=username, password=PASSWORD, role=role, totp_secret_b32=None,
                       first_name=role.capitalize(), last_name="Tester")


def test_an_advisor_changes_a_factor_and_the_grade_with_a_reason(page, new_context, submit_contact):
    case = submit_contact(PROMPT_TEXT).case
    waiting = submit_contact(PROMPT_TEXT).case
    Case.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(minutes=50))
    advisor, secret = _staff("browser-advisor", "advisor")

    _sign_in(page, advisor.username, secret)
    expect(page).to_have_url(re.compile(r"/console/queue/$"))
    expect(page.locator(".onedoor-review-due")).to_have_count(1)
    page.goto(f"/console/cases/{case.public_reference}/")
    page.get_by_label("Why do you need to see this case?").fill("Working the prompt queue.")
    page.get_by_role("button", name="Continue to the case").click()
    page.get_by_role("link", name="Assess the case").click()

    expect(page).to_have_url(re.compile(rf"/console/cases/{case.public_reference}/assess/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Assess the case (THRIVE)")
    threat = page.get_by_role("group", name="Threat")
    expect(threat.get_by_role("radio", name="None")).to_be_checked()
    expect(page.get_by_role("group", name="Harm")).to_contain_text("an assault is described")
    expect(page.get_by_role("group", name="Grade").get_by_role("radio", name="Prompt")).to_be_checked()
    assert_accessible(page, label="console assess")

    threat.get_by_role("radio", name="High").check()
    page.get_by_role("group", name="Grade").get_by_role("radio", name="Immediate").check()
    page.get_by_role("button", name="Save assessment").click()
    expect(page).to_have_title(re.compile(r"^Error: Assess"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason for changing the grade from Prompt to Immediate")
    expect(page.get_by_role("group", name="Threat").get_by_role("radio", name="High")).to_be_checked()
    assert_accessible(page, label="console assess (error)")

    page.get_by_label("Reason").fill(REASON)
    page.get_by_role("button", name="Save assessment").click()
    expect(page).to_have_url(re.compile(rf"/console/cases/{case.public_reference}/$"))
    expect(page.get_by_role("alert")).to_contain_text("Case regraded from Prompt to Immediate")
    expect(page.locator("#assessments ~ .onedoor-assessment")).to_have_count(2)
    expect(page.locator("main")).to_contain_text("Triage engine’s assessment")
    expect(page.locator("main")).to_contain_text(REASON)
    assert_accessible(page, label="console case (after assessment)")
    case.refresh_from_db()
    assert case.grade == "immediate"
    assert list(case.assessments.values_list("made_by", flat=True)) == ["staff", "engine"]

    supervisor, supervisor_secret = _staff("browser-supervisor", "supervisor")
    other = new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True).new_page()
    _sign_in(other, supervisor.username, supervisor_secret)
    other.goto("/console/reviews/")
    expect(other.get_by_role("heading", level=1)).to_have_text("Due for supervisor review")
    expect(other.locator("main")).to_contain_text(waiting.display_reference)
    assert_accessible(other, label="console reviews")
    other.get_by_role("link", name=f"Review {waiting.display_reference}").click()
    other.get_by_role("button", name="Mark as reviewed").click()
    expect(other.locator(".govuk-error-summary")).to_contain_text("Enter what you found and what you have done")
    assert_accessible(other, label="console review (error)")
    other.get_by_label("Review note").fill("Asked the response team to attend now.")
    other.get_by_role("button", name="Mark as reviewed").click()
    expect(other.get_by_role("alert")).to_contain_text("marked as reviewed")
    expect(other.locator("main")).to_contain_text("No prompt cases are waiting for a supervisor review.")

    other.goto("/console/reports/regrades/")
    expect(other.get_by_role("heading", level=1)).to_have_text("Regrade report")
    expect(other.locator("main")).to_contain_text(REASON)
    expect(other.get_by_role("link", name=case.display_reference)).to_be_visible()
    assert_accessible(other, label="console regrade report")
    other.get_by_label("From").fill("2026-11-29")
    other.get_by_label("To").fill("2026-11-01")
    other.get_by_role("button", name="Filter").click()
    expect(other.locator(".govuk-error-summary")).to_contain_text("The end date must be the same as or after the start date")
    assert_accessible(other, label="console regrade report (error)")

    # Vulnerability markers: an error first, then a marker placed and withdrawn, with the keyboard.
    other.goto("/console/markers/")
    expect(other.get_by_role("heading", level=1)).to_have_text("Vulnerability markers")
    expect(other.locator("main")).to_contain_text("No markers are in force.")
    assert_accessible(other, label="console markers")
    other.get_by_role("button", name="Place a marker").click()
    other.get_by_label("Review by").fill("")
    other.get_by_role("button", name="Place the marker").click()
    expect(other.locator(".govuk-error-summary")).to_contain_text("Choose the vulnerability the marker records")
    assert_accessible(other, label="console markers (error)")
    other.get_by_role("radio", name="Phone number").check()
    other.get_by_role("textbox", name="Email address or phone number").fill("07700 900 982")
    other.get_by_label("Vulnerability").select_option("suicide_risk")
    other.get_by_label("Reason and source").fill("Crisis team referral, case notes 29 Nov")
    other.get_by_label("Review by").fill((timezone.localdate() + timedelta(days=90)).isoformat())
    other.get_by_role("button", name="Place the marker").click()
    expect(other.get_by_role("alert")).to_contain_text("Marker placed")
    expect(other.locator("main table")).to_contain_text("+447700900982")
    other.get_by_role("link", name="Withdraw the marker on +447700900982").click()
    assert_accessible(other, label="console withdraw marker")
    other.get_by_label("Why is the marker withdrawn?").fill("Referral closed")
    other.get_by_role("button", name="Withdraw the marker").click()
    expect(other.locator("main")).to_contain_text("No markers are in force.")
