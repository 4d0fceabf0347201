"""The report journey's state: answers kept in the session until the report is submitted."""

import uuid
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SESSION_KEY = "report"
CONFIRMATION_KEY = "report_confirmation"


@dataclass(frozen=True)
class YesNoQuestion:
    slug: str
    answer_key: str
    label: str
    hint: str
    error: str


YES_NO_QUESTIONS = [
    YesNoQuestion(
        "in-danger", "in_danger_now", _("Is anyone in danger right now?"),
        _("For example, someone is being threatened or hurt, or is about to be."),
        _("Select yes if anyone is in danger right now"),
    ),
    YesNoQuestion(
        "offender-present", "offender_present", _("Is the person responsible still there?"), "",
        _("Select yes if the person responsible is still there"),
    ),
    YesNoQuestion("injured", "injured", _("Is anyone injured?"), "", _("Select yes if anyone is injured")),
    YesNoQuestion(
        "weapons", "weapons", _("Were any weapons involved or mentioned?"),
        _("For example, a knife, a gun, a bat or a car used as a weapon."),
        _("Select yes if any weapons were involved or mentioned"),
    ),
]
QUESTIONS_BY_SLUG = {question.slug: question for question in YES_NO_QUESTIONS}

STEPS = ["what-happened", "when", "where", *[q.slug for q in YES_NO_QUESTIONS], "about-you", "your-details", "check"]


def journey_get(session) -> dict:
    return session.get(SESSION_KEY) or {}


def journey_update(session, **values) -> dict:
    data = journey_get(session)
    if "journey_id" not in data:
        # Names this journey's submissions, so a double-click or a retried POST stores one report.
        data["journey_id"] = uuid.uuid4().hex
        session.pop(CONFIRMATION_KEY, None)
    data.update(values)
    session[SESSION_KEY] = data
    return data


def journey_answers(data: dict) -> dict:
    """The structured answers in the triage contract's form; "I don't know" is left out."""
    answers = {}
    for question in YES_NO_QUESTIONS:
        value = data.get(question.answer_key)
        if value in ("yes", "no"):
            answers[question.answer_key] = value == "yes"
    if data.get("happened"):
        answers["happened"] = data["happened"]
    return answers


def step_next(slug: str, data: dict) -> str:
    index = STEPS.index(slug)
    following = STEPS[index + 1]
    if following == "your-details" and data.get("anonymous") == "yes":
        following = "check"
    return following


def step_previous(slug: str, data: dict) -> str | None:
    index = STEPS.index(slug)
    if index == 0:
        return None
    previous = STEPS[index - 1]
    if previous == "your-details" and data.get("anonymous") == "yes":
        previous = "about-you"
    return previous


def step_first_missing(data: dict) -> str | None:
    """The first step a person skipped (by typing a URL), so they are sent back to it."""
    required = {"what-happened": "text", "when": "happened", "where": "location_text", "about-you": "anonymous"}
    for slug in STEPS:
        key = required.get(slug) or (QUESTIONS_BY_SLUG[slug].answer_key if slug in QUESTIONS_BY_SLUG else None)
        if slug == "your-details" and data.get("anonymous") == "no" and not data.get("details"):
            return slug
        if slug == "where" and data.get("latitude") is not None:
            continue
        if key and not data.get(key):
            return slug
    return None
