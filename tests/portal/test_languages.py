"""The public pages in Polish: choosing a language (footer switcher or the browser's
Accept-Language), the translated journey, and the fallback to English."""

import re

import pytest

from onedoor.cases.models import Case

pytestmark = pytest.mark.django_db(transaction=True)

HOME_999_EN = "If you are in danger now, call 999"
HOME_999_PL = "Jeśli grozi Ci teraz niebezpieczeństwo, zadzwoń pod numer 999"
GENITIVE_MONTHS = {"stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
                   "października", "listopada", "grudnia"}


def _lang(body: str) -> str:
    return re.search(r'<html lang="([^"]*)"', body).group(1)


def _choose(client, language: str, next_path: str = "/"):
    return client.post("/i18n/setlang/", {"language": language, "next": next_path})


def test_the_footer_offers_each_language_in_its_own_language(client):
    body = client.get("/").content.decode()
    assert _lang(body) == "en"
    assert 'action="/i18n/setlang/"' in body
    assert '<span class="onedoor-language-switcher__current" lang="en" aria-current="true">English</span>' in body
    assert re.search(r'<button type="submit" name="language" value="pl" lang="pl"[^>]*>Polski</button>', body)


def test_choosing_polski_translates_the_home_page(client):
    response = _choose(client, "pl")
    assert response.status_code == 302 and response["Location"] == "/"
    body = client.get("/").content.decode()
    assert _lang(body) == "pl"
    assert f'<h1 class="govuk-heading-l" id="emergency-heading">{HOME_999_PL}</h1>' in body
    assert "Zgłoś przestępstwo lub zdarzenie" in body
    assert HOME_999_EN not in body
    # Now Polski is the current language and English is the button.
    assert re.search(r'<button type="submit" name="language" value="en" lang="en"[^>]*>English</button>', body)
    assert 'lang="pl" aria-current="true">Polski</span>' in body


def test_the_switcher_returns_to_the_page_it_was_used_on(client):
    body = client.get("/advice/").content.decode()
    assert '<input type="hidden" name="next" value="/advice/">' in body
    response = _choose(client, "pl", "/advice/")
    assert response["Location"] == "/advice/"
    assert "Oszustwa i wyłudzenia" in client.get("/advice/").content.decode()


def test_the_report_journey_asks_and_explains_errors_in_polish(client):
    _choose(client, "pl")
    body = client.get("/report/what-happened/").content.decode()
    assert _lang(body) == "pl"
    assert "Co się stało?" in body
    assert "Opisz własnymi słowami" in body

    response = client.post("/report/what-happened/", {"text": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Błąd: Co się stało?" in body
    assert "Wystąpił problem" in body
    assert "Napisz, co się stało" in body
    assert '<span class="govuk-visually-hidden">Błąd:</span>' in body
    assert "Tell us what happened" not in body

    client.post("/report/what-happened/", {"text": "Ktoś ukradł mój rower sprzed biblioteki."})
    body = client.post("/report/when/", {}).content.decode()
    assert "Wybierz, kiedy to się stało" in body
    assert "Przed dzisiejszym dniem" in body


def test_yes_no_questions_and_the_emergency_page_are_in_polish(client):
    _choose(client, "pl")
    # Not an emergency on its words (the engine may grade a neighbour shouting at his wife, now,
    # an emergency before this question is asked): the answer "yes" is what makes it one here.
    client.post("/report/what-happened/", {"text": "Sąsiad od tygodnia gra bardzo głośno muzykę w nocy"})
    client.post("/report/when/", {"happened": "now"})
    client.post("/report/where/", {"location_text": "EH6 5DA"})
    body = client.get("/report/in-danger/").content.decode()
    assert "Czy ktoś jest teraz w niebezpieczeństwie?" in body
    assert all(answer in body for answer in ("Tak", "Nie", "Nie wiem"))
    response = client.post("/report/in-danger/", {"answer": "yes"})
    assert response["Location"] == "/report/emergency/"
    body = client.get("/report/emergency/").content.decode()
    assert "Zadzwoń teraz pod numer 999" in body
    assert Case.objects.get().display_reference in body


def test_details_check_and_confirmation_pages_are_in_polish(client):
    _choose(client, "pl")
    for slug, data in [
        ("what-happened", {"text": "Ktoś ukradł mój rower sprzed biblioteki wczoraj po południu."}),
        ("when", {"happened": "earlier", "when_text": "wczoraj około 14:00"}),
        ("where", {"location_text": "Leith Walk, Edinburgh EH6 5DA"}),
        ("in-danger", {"answer": "no"}),
        ("offender-present", {"answer": "no"}),
        ("injured", {"answer": "no"}),
        ("weapons", {"answer": "unsure"}),
        ("about-you", {"anonymous": "no"}),
    ]:
        assert client.post(f"/report/{slug}/", data).status_code == 302, slug
    body = client.get("/report/your-details/").content.decode()
    assert "W jakim języku wolisz się z nami porozumiewać?" in body
    assert ">Polski</option>" in body and ">Angielski</option>" in body
    assert ">Rozmowa telefoniczna</label>" in body
    response = client.post("/report/your-details/", {"name": "Anna Nowak", "email": "anna@example.com", "phone": "",
                                                     "preferred_contact": "email", "preferred_language": "pl",
                                                     "accessibility_needs": ""})
    assert response["Location"] == "/report/check/"
    body = client.get("/report/check/").content.decode()
    assert "Sprawdź swoje odpowiedzi przed wysłaniem zgłoszenia" in body
    assert "Nie wiem" in body and "Przed dzisiejszym dniem" in body and ">Polski<" in body
    assert "Wyślij zgłoszenie" in body
    assert client.post("/report/check/")["Location"] == "/report/confirmation/"
    body = client.get("/report/confirmation/").content.decode()
    assert "Zgłoszenie wysłane" in body
    assert Case.objects.get().display_reference in body
    assert re.search(r"Planowany termin odpowiedzi: <strong>\w+, \d{1,2} (\w+) \d{4} o \d\d:\d\d</strong>", body), body
    assert Case.objects.get().reporter.preferred_language == "pl"


def test_tracking_shows_the_status_and_dates_in_polish(client, submit_contact):
    result = submit_contact()
    _choose(client, "pl")
    body = client.get(f"/track/{result.tracking_token}/").content.decode()
    assert _lang(body) == "pl"
    assert "Twoje zgłoszenie" in body
    assert "<strong class=\"govuk-tag\">Przyjęte</strong>" in body
    # Polish dates use the genitive month name ("28 listopada 2026"), not the English format.
    month = re.search(r"Data zgłoszenia</dt><dd class=\"govuk-summary-list__value\">\d{1,2} (\w+) \d{4}, \d\d:\d\d<", body)
    assert month and month.group(1) in GENITIVE_MONTHS, body


def test_accept_language_polish_is_honoured(client):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="pl-PL,pl;q=0.9,en;q=0.5").content.decode()
    assert _lang(body) == "pl"
    assert HOME_999_PL in body


def test_the_chosen_language_beats_accept_language(client):
    _choose(client, "en")
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert _lang(body) == "en" and HOME_999_EN in body


@pytest.mark.parametrize("accept", ["de-DE,de;q=0.9", "cy", "xx"])
def test_an_unsupported_browser_language_falls_back_to_english(client, accept):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert _lang(body) == "en"
    assert HOME_999_EN in body


def test_choosing_an_unsupported_language_changes_nothing(client):
    response = _choose(client, "de")
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert _lang(body) == "en" and HOME_999_EN in body


def test_the_staff_console_has_no_language_switcher(client):
    body = client.get("/console/sign-in/", follow=True).content.decode()
    assert "onedoor-language-switcher" not in body
