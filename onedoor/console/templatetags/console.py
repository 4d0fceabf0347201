"""Template helpers for the staff console."""

import re

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from onedoor.accounts.permissions import user_can
from onedoor.core.references import reference_normalise

register = template.Library()

VULNERABILITY_LABELS = {
    "domestic_abuse": "Domestic abuse",
    "child_at_risk": "Child at risk",
    "mental_health": "Mental health",
    "suicide_risk": "Suicide risk",
    "missing_person": "Missing person",
    "older_or_frail": "Older or frail",
    "sexual_offence": "Sexual offence",
    "hate_crime": "Hate crime",
    "exploitation": "Exploitation",
    "stalking_harassment": "Stalking or harassment",
    "disability": "Disability",
}


@register.filter
def vulnerability_label(code: str) -> str:
    return _(VULNERABILITY_LABELS.get(code, code.replace("_", " ").capitalize()))


@register.filter
def can(user, capability: str) -> bool:
    return user_can(user, capability)


def _duration(minutes: int) -> str:
    if minutes >= 48 * 60:
        return _("%(d)s days") % {"d": minutes // (24 * 60)}
    if minutes >= 60:
        return _("%(h)s h %(m)02d min") % {"h": minutes // 60, "m": minutes % 60}
    return _("%(m)s min") % {"m": minutes}


@register.simple_tag
def waited(since, now):
    """How long ago, e.g. "1 h 05 min"."""
    return _duration(max(0, int((now - since).total_seconds())) // 60)


@register.simple_tag
def time_left(due_at, now):
    """"2 h 05 min left" or, in red, "overdue by 12 min"."""
    seconds = int((due_at - now).total_seconds())
    text = _duration(abs(seconds) // 60)
    if seconds < 0:
        return format_html('<span class="onedoor-overdue">{}</span>', _("overdue by %(t)s") % {"t": text})
    return _("%(t)s left") % {"t": text}


ANSWER_LABELS = {
    "in_danger_now": "Anyone in danger now",
    "offender_present": "Person responsible still there",
    "injured": "Anyone injured",
    "weapons": "Weapons involved",
    "happened": "When",
}
HAPPENED_LABELS = {"now": "Happening now", "within_hour": "In the last hour", "today": "Earlier today", "earlier": "Before today"}


@register.filter
def answer_label(key: str) -> str:
    return _(ANSWER_LABELS.get(key, key.replace("_", " ").capitalize()))


@register.filter
def answer_value(value) -> str:
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    return _(HAPPENED_LABELS.get(str(value), str(value)))


LEVEL_LABELS = {"high": "High", "medium": "Medium", "low": "Low", "none": "None"}


@register.filter
def level_label(level) -> str:
    return _(LEVEL_LABELS.get(str(level), str(level or "–")))


@register.filter
def grade_label(grade) -> str:
    from onedoor.triage.models import Grade

    return Grade(grade).label if grade in Grade.values else "–"


@register.filter
def language_name(code: str) -> str:
    """"Polish" for "pl"; "not recognised" when the detector could not tell."""
    from onedoor.triage.language import NAMES

    return NAMES.get(code, code) if code else _("language not recognised")


_DISPLAYED_REFERENCE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]\b")


@register.filter
def rationale_lines(rationale: str) -> list[str]:
    """A stored rationale ("; "-joined) as its lines."""
    return [line for line in (rationale or "").split("; ") if line.strip()]


@register.filter
def link_references(line: str):
    """A rationale line, escaped, with each case reference it names ("records: an open case at the
    same address (ABCD-EFGH-J)") made a link to that case."""
    parts, last = [], 0
    for match in _DISPLAYED_REFERENCE.finditer(line):
        canonical = reference_normalise(match.group(0))
        if canonical is None:
            continue
        parts.append(line[last:match.start()])
        parts.append(format_html('<a class="govuk-link" href="{}">{}</a>', reverse("console:case", args=[canonical]), match.group(0)))
        last = match.end()
    parts.append(line[last:])
    return format_html("{}" * len(parts), *parts)  # text parts are escaped; links are built by format_html
