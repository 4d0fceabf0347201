"""Switching the public pages to Polish in a real browser, by the footer's language buttons;
axe-core checks the Polish pages."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_switch_to_polski_and_back(page: Page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switcher = page.get_by_role("navigation", name="Language")
    expect(switcher.locator('[aria-current="true"]')).to_have_text("English")

    switcher.get_by_role("button", name="Polski").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jeśli grozi Ci teraz niebezpieczeństwo, zadzwoń pod numer 999")
    switcher = page.get_by_role("navigation", name="Język")
    expect(switcher.locator('[aria-current="true"]')).to_have_text("Polski")
    expect(switcher.get_by_role("button", name="English")).to_have_attribute("lang", "en")
    assert_accessible(page, label="home (Polish)")

    page.get_by_role("link", name="Zgłoś przestępstwo lub zdarzenie").click()
    page.get_by_role("button", name="Rozpocznij").click()
    expect(page).to_have_url(re.compile(r"/report/what-happened/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Co się stało?")
    assert_accessible(page, label="what happened (Polish)")
    page.get_by_role("button", name="Dalej", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Napisz, co się stało")
    assert_accessible(page, label="what happened, error (Polish)")

    # Back to English from the same page: the switcher returns to where it was used.
    page.get_by_role("navigation", name="Język").get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"/report/what-happened/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("What happened?")


def test_switching_works_without_javascript(no_js_page: Page):
    no_js_page.goto("/advice/")
    no_js_page.get_by_role("button", name="Polski").click()
    expect(no_js_page).to_have_url(re.compile(r"/advice/$"))
    expect(no_js_page.locator("html")).to_have_attribute("lang", "pl")
    expect(no_js_page.get_by_role("heading", level=1)).to_have_text("Porady")
