"""The public portal in a real browser: the report journey (with and without JavaScript, on a
small screen and by keyboard), the emergency path, tracking, and the information pages.
axe-core checks every page visited; any violation fails the test."""

import re

import pytest
from playwright.sync_api import Page, expect

from onedoor.cases.models import Case
from onedoor.portal.advice import ADVICE_PAGES
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFERENCE = re.compile(r"^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]$")
ROUTINE_TEXT = "My bike was stolen from outside the library yesterday afternoon. It was locked to the railings."
EMAIL = "jane.doe@example.com"


def _at(page: Page, path: str) -> None:
    # A fragment survives a POST-redirect-GET (the keyboard test follows the skip link first).
    expect(page).to_have_url(re.compile(re.escape(path) + r"(\?[^#]*)?(#.*)?$"))


def _continue(page: Page) -> None:
    page.get_by_role("button", name="Continue", exact=True).click()


def _no_check(page: Page, label: str) -> None:
    pass


def _axe_check(page: Page, label: str) -> None:
    assert_accessible(page, label=label)


def _walk_to_confirmation(page: Page, *, check=_no_check, show_errors: bool = False) -> str:
    """From "What happened?" to the confirmation page, answering as a person would, by label.
    `check(page, label)` runs on every page; `show_errors` also submits two pages empty first.
    Returns the reference shown on the confirmation page."""
    _at(page, "/report/what-happened/")
    expect(page.get_by_role("heading", level=1)).to_have_text("What happened?")
    check(page, "what happened")
    if show_errors:
        _continue(page)
        expect(page).to_have_title(re.compile(r"^Error: What happened\?"))
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("There is a problem")
        expect(summary.get_by_role("link", name="Tell us what happened")).to_be_visible()
        check(page, "what happened (error)")
    page.get_by_label("What happened?").fill(ROUTINE_TEXT)
    _continue(page)

    _at(page, "/report/when/")
    check(page, "when")
    if show_errors:
        _continue(page)
        expect(page.locator(".govuk-error-summary")).to_contain_text("Select when it happened")
        check(page, "when (error)")
    page.get_by_label("Before today").check()
    page.get_by_label("Date and time, if you know (optional)").fill("Yesterday, around 2pm")
    _continue(page)

    _at(page, "/report/where/")
    check(page, "where")
    page.get_by_label("Where did it happen?").fill("Outside the library on Leith Walk, Edinburgh EH6 5DA")
    _continue(page)

    for slug, question, answer in [
        ("in-danger", "Is anyone in danger right now?", "No"),
        ("offender-present", "Is the person responsible still there?", "No"),
        ("injured", "Is anyone injured?", "No"),
        ("weapons", "Were any weapons involved or mentioned?", "I don’t know"),
    ]:
        _at(page, f"/report/{slug}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(question)
        check(page, slug)
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
        _continue(page)

    _at(page, "/report/about-you/")
    check(page, "about you")
    page.get_by_label("Yes, give my details").check()
    _continue(page)

    _at(page, "/report/your-details/")
    check(page, "your details")
    page.get_by_label("Full name").fill("Jane Doe")
    page.get_by_label("Email address (optional if you give a phone number)").fill(EMAIL)
    phone = page.get_by_label("Phone number (optional if you give an email address)")
    expect(phone).to_have_attribute("type", "tel")  # the phone keypad on a mobile
    phone.fill("07700 900982")
    page.get_by_role("group", name="How should we contact you?").get_by_label("Email", exact=True).check()
    page.get_by_label("Which language do you prefer?").select_option(label="English")
    _continue(page)

    _at(page, "/report/check/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending your report")
    expect(page.locator("main")).to_contain_text("My bike was stolen")
    expect(page.locator("main")).to_contain_text("Jane Doe")
    expect(page.locator("main")).to_contain_text(EMAIL)
    check(page, "check answers")
    page.get_by_role("button", name="Send report").click()

    _at(page, "/report/confirmation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Report sent")
    reference = page.locator(".govuk-panel .onedoor-reference").inner_text().strip()
    assert REFERENCE.match(reference), reference
    expect(page.locator("main")).to_contain_text(f"We have sent a confirmation to {EMAIL}")
    expect(page.locator("main")).to_contain_text("We aim to respond by")
    check(page, "confirmation")
    return reference


def _start_report(page: Page, *, check=_no_check) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("If you are in danger now, call 999")
    check(page, "home")
    page.get_by_role("link", name="Report a crime or incident").click()
    _at(page, "/report/")
    check(page, "start")
    page.get_by_role("button", name="Start now").click()


def test_report_a_crime_from_home_to_confirmation_with_axe_on_every_page(page):
    _start_report(page, check=_axe_check)
    reference = _walk_to_confirmation(page, check=_axe_check, show_errors=True)
    case = Case.objects.get()
    assert case.display_reference == reference
    assert case.reporter.email == EMAIL and case.reporter.phone == "+447700900982"
    assert case.grade != "immediate"


def test_the_error_summary_takes_focus_and_links_to_the_field(page):
    page.goto("/report/what-happened/")
    _continue(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Tell us what happened").click()
    expect(page.get_by_label("What happened?")).to_be_focused()


def test_saying_someone_is_in_danger_shows_call_999_now(page):
    page.goto("/report/what-happened/")
    # Not an emergency on its words (lads drinking in a park, now, is one the learned model may
    # already grade an emergency): the answer "yes" is what makes it one here.
    page.get_by_label("What happened?").fill("Someone has dumped a pile of old furniture and bin bags in the lane behind our flats.")
    _continue(page)
    page.get_by_label("It is happening now").check()
    _continue(page)
    page.get_by_label("Where did it happen?").fill("EH6 5DA")
    _continue(page)
    _at(page, "/report/in-danger/")
    page.get_by_role("group", name="Is anyone in danger right now?").get_by_label("Yes", exact=True).check()
    _continue(page)

    _at(page, "/report/emergency/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Call 999 now")
    expect(page.get_by_role("link", name="999", exact=True)).to_have_attribute("href", "tel:999")
    case = Case.objects.get()
    assert case.grade == "immediate"
    expect(page.locator("main")).to_contain_text(case.display_reference)
    assert_accessible(page, label="emergency")

    page.get_by_role("button", name="I cannot call – continue my report").click()
    _at(page, "/report/offender-present/")


def test_an_emergency_described_in_words_shows_call_999_now(page):
    page.goto("/report/what-happened/")
    page.get_by_label("What happened?").fill("Someone is trying to kick my front door in right now, I'm hiding upstairs")
    _continue(page)
    _at(page, "/report/emergency/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Call 999 now")


def test_track_a_report_with_the_reference_and_email_given_in_the_journey(page):
    page.goto("/report/what-happened/")
    reference = _walk_to_confirmation(page)

    page.get_by_role("link", name="Track a report").click()
    _at(page, "/track/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Track a report")
    assert_accessible(page, label="track form")

    reference_box = page.get_by_label("Reference", exact=True)
    secret_box = page.get_by_label("Email address or phone number you gave us")
    reference_box.fill(reference)
    secret_box.fill("somebody.else@example.com")
    page.get_by_role("button", name="Track report").click()
    expect(page).to_have_title(re.compile(r"^Error: Track a report"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("We could not find a report with those details.")
    assert_accessible(page, label="track form (failed attempt)")

    page.get_by_label("Reference", exact=True).fill(reference.lower())
    page.get_by_label("Email address or phone number you gave us").fill(EMAIL.upper())
    page.get_by_role("button", name="Track report").click()
    case = Case.objects.get()
    _at(page, f"/track/case/{case.public_reference}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your report")
    main = page.locator("main")
    expect(main).to_contain_text(reference)
    expect(main.locator(".govuk-summary-list")).to_contain_text(case.get_status_display())
    expect(main.get_by_role("heading", name="Updates")).to_be_visible()
    expect(main.locator(".onedoor-timeline li")).to_have_count(1)
    expect(main.locator(".onedoor-timeline")).to_contain_text("We received your report.")
    assert_accessible(page, label="tracked case")


def test_an_unknown_private_link_says_so(page):
    page.goto("/track/not-a-real-token/")
    expect(page.get_by_role("heading", level=1)).to_have_text("We do not recognise that link")
    assert_accessible(page, label="link not found")


INFORMATION_PAGES = [
    ("/advice/", "Advice"),
    *[(f"/advice/{slug}/", str(advice.title)) for slug, advice in ADVICE_PAGES.items()],
    ("/privacy/", None),
    ("/accessibility/", None),
    ("/contact-us/", None),
]


@pytest.mark.parametrize(("path", "heading"), INFORMATION_PAGES, ids=[path for path, _ in INFORMATION_PAGES])
def test_information_pages_pass_axe(page, path, heading):
    response = page.goto(path)
    assert response.status == 200
    h1 = page.get_by_role("heading", level=1)
    expect(h1).to_have_count(1)
    if heading:
        expect(h1).to_contain_text(heading)
    assert_accessible(page, label=path)


def test_the_advice_index_links_to_every_advice_page(page):
    page.goto("/advice/")
    for advice in ADVICE_PAGES.values():
        expect(page.locator("main").get_by_role("link", name=str(advice.title), exact=True)).to_have_attribute(
            "href", f"/advice/{advice.slug}/"
        )


def test_the_whole_journey_works_without_javascript(no_js_page):
    page = no_js_page
    page.goto("/")
    page.get_by_role("link", name="Report a crime or incident").click()
    page.get_by_role("button", name="Start now").click()
    # Without JavaScript the body never gets the js-enabled class.
    assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")
    reference = _walk_to_confirmation(page, show_errors=True)
    assert Case.objects.get().display_reference == reference


def test_small_screen_home_and_a_question_page(small_page):
    page = small_page
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, label="home (small screen)")
    # Nothing wider than the screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.goto("/report/what-happened/")
    page.get_by_label("What happened?").fill(ROUTINE_TEXT)
    _continue(page)
    _at(page, "/report/when/")
    assert_accessible(page, label="when (small screen)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_label("Earlier today").tap()
    expect(page.get_by_label("Earlier today")).to_be_checked()


def _tab_to(page: Page, locator, *, limit: int = 15) -> int:
    """Press Tab until `locator` has focus; returns how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return presses
    raise AssertionError(f"{locator} not reached with {limit} presses of Tab")


def test_the_question_page_works_by_keyboard(page):
    page.goto("/report/what-happened/")
    skip_link = page.get_by_role("link", name="Skip to main content")
    assert _tab_to(page, skip_link, limit=1) == 1
    expect(skip_link).to_be_visible()  # visible when it has focus

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))

    textarea = page.get_by_label("What happened?")
    _tab_to(page, textarea)
    page.keyboard.type("my phone was taken from my bag on the bus this morning.")
    expect(textarea).to_have_value("my phone was taken from my bag on the bus this morning.")

    button = page.get_by_role("button", name="Continue", exact=True)
    _tab_to(page, button, limit=3)
    page.keyboard.press("Enter")
    _at(page, "/report/when/")
