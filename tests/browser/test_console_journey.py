"""The staff console in a real browser: sign in with a password and a TOTP code, find a case in
the queue, give a reason to open it, publish an update, and see the update as the public does.
axe-core checks each console page."""

import re

import pyotp
import pytest
from playwright.sync_api import Page, expect

from onedoor.cases.models import CaseEvent
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and correct browser password"
UPDATE = "We have looked at the CCTV from the library and an officer will call you tomorrow."


@pytest.fixture
def advisor():
    from onedoor.accounts.services import user_create

    user, secret = user_create(username="browser-advisor", password=PASSWORD, role="advisor", totp_secret_b32=None,
                               first_name="Alex", last_name="Advisor")
    return user, secret


def _sign_in(page: Page, username: str, secret: str) -> None:
    page.goto("/console/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the staff console")
    assert_accessible(page, label="console sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Security code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_sign_in_with_a_wrong_code_shows_one_error(page, advisor):
    user, _secret = advisor
    page.goto("/console/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("The username, password or security code is not right.")
    expect(page.get_by_label("Username")).to_have_value(user.username)
    # The password typed is never sent back in the page.
    expect(page.get_by_label("Password")).to_have_value("")
    assert PASSWORD not in page.content()
    assert_accessible(page, label="console sign-in (error)")


def test_an_advisor_publishes_an_update_that_the_reporter_sees(page, new_context, advisor, submit_contact):
    result = submit_contact("My bike was stolen from outside the library yesterday.", email="jane@example.com")
    case = result.case
    user, secret = advisor

    _sign_in(page, user.username, secret)
    expect(page).to_have_url(re.compile(r"/console/queue/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Queue")
    case_link = page.get_by_role("link", name=case.display_reference)
    expect(case_link).to_be_visible()
    assert_accessible(page, label="console queue")

    case_link.click()
    expect(page).to_have_url(re.compile(rf"/console/cases/{case.public_reference}/justify/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Why do you need to see this case?")
    assert_accessible(page, label="console justify")
    page.get_by_role("button", name="Continue to the case").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you need to see this case")
    assert_accessible(page, label="console justify (error)")
    page.get_by_label("Why do you need to see this case?").fill("Working the unallocated queue for Edinburgh.")
    page.get_by_role("button", name="Continue to the case").click()

    expect(page).to_have_url(re.compile(rf"/console/cases/{case.public_reference}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.display_reference)
    expect(page.locator("main")).to_contain_text("My bike was stolen from outside the library yesterday.")
    assert_accessible(page, label="console case")

    page.get_by_label("Update for the reporter").fill(UPDATE)
    page.get_by_role("button", name="Publish update").click()
    expect(page).to_have_url(re.compile(rf"/console/cases/{case.public_reference}/$"))
    expect(page.get_by_role("alert")).to_contain_text("Update published to the reporter.")
    expect(page.locator(".onedoor-timeline")).to_contain_text(UPDATE)
    assert_accessible(page, label="console case (after update)")
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.PUBLIC_UPDATE, text=UPDATE, public=True).exists()

    # The reporter, in their own browser, opens the private link from their confirmation.
    public = new_context().new_page()
    public.goto(f"/track/{result.tracking_token}/")
    expect(public.get_by_role("heading", level=1)).to_have_text("Your report")
    expect(public.locator("main")).to_contain_text(case.display_reference)
    expect(public.locator(".onedoor-timeline")).to_contain_text(UPDATE)
    assert_accessible(public, label="public tracking page (after update)")
