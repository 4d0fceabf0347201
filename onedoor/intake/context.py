"""What our records already hold about the person or place a new contact concerns.

``record_context_for(message)`` looks it up and returns a pure ``RecordContext`` for
``assess(context=...)``; the triage engine itself never queries the database.

- Repeat contacts: other contacts received in the last 30 days whose reporter gave the same email
  address or phone number, or whose location has the same full postcode.
- An open case at the same place: an open case with the same full postcode, or exactly the same
  address text (ignoring case, spacing and punctuation).
- Person markers: there is no marker model yet, and reporters are never linked or merged with
  earlier people by a shared email or phone (households share them, and an abuser may know the
  victim's), so there is no person to hold a marker. This returns none until the CRM links
  people by a reviewed decision.

Only counts and the matching postcode reach the engine, not the other contacts' content.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from onedoor.cases.models import OPEN_STATUSES, Case
from onedoor.intake.models import Contact
from onedoor.triage.context import RecordContext

REPEAT_WINDOW = timedelta(days=30)
MAX_OPEN_CASE_REFERENCES = 3
# A full UK postcode (outward and inward code): "EH6 5DA", "g2 3ab", "EH65DA".
_FULL_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][0-9A-Z]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)
_NOT_WORD = re.compile(r"[\W_]+")


def full_postcode(text: str) -> str:
    """The first full postcode in `text`, normalised ("EH6 5DA"), or ""."""
    match = _FULL_POSTCODE.search(text or "")
    return f"{match.group(1).upper()} {match.group(2).upper()}" if match else ""


def address_key(text: str) -> str:
    """Address text reduced for an exact comparison: lower case, words only, single spaces."""
    return " ".join(_NOT_WORD.sub(" ", (text or "").lower()).split())


def _contacts_with_postcode(queryset, postcode: str):
    """Rows of `queryset` whose location_text holds `postcode`, however it was spaced or cased."""
    outward, inward = postcode.split()
    candidates = queryset.filter(location_text__icontains=inward).filter(location_text__icontains=outward)
    return [row for row in candidates if full_postcode(row.location_text) == postcode]


def record_context_for(message, *, case: Case | None = None, received_at: datetime | None = None) -> RecordContext:
    """The RecordContext for an InboundMessage about to be stored (on `case`, if adding to one)."""
    now = received_at or message.received_at or timezone.now()
    postcode = full_postcode(message.location_text)
    reporter = None if message.anonymous else message.reporter

    recent = Contact.objects.filter(received_at__gte=now - REPEAT_WINDOW, received_at__lte=now)
    if case is not None:
        recent = recent.exclude(case=case)  # further contacts about the same matter are not repeats
    matched: set[int] = set()
    about: list[str] = []
    if postcode:
        ids = {c.pk for c in _contacts_with_postcode(recent.only("pk", "location_text"), postcode)}
        if ids:
            about.append(f"about {postcode}")
            matched |= ids
    for field, value, words in (
        ("reporter__email__iexact", reporter.email if reporter else "", "the same email address"),
        ("reporter__phone", reporter.phone if reporter else "", "the same phone number"),
    ):
        if value:
            ids = set(recent.filter(Q(**{field: value})).values_list("pk", flat=True))
            if ids:
                about.append(f"from {words}")
                matched |= ids

    open_cases = Case.objects.filter(status__in=OPEN_STATUSES)
    if case is not None:
        open_cases = open_cases.exclude(pk=case.pk)
    same_place: list[Case] = []
    if postcode:
        same_place = _contacts_with_postcode(open_cases.only("pk", "public_reference", "location_text"), postcode)
    key = address_key(message.location_text)
    if not same_place and len(key) >= 8:
        candidates = open_cases.filter(location_text__iexact=message.location_text.strip())
        if not candidates.exists():
            first_word = key.split()[0]
            candidates = open_cases.filter(location_text__icontains=first_word)[:200]
        same_place = [c for c in candidates if address_key(c.location_text) == key]
    same_place.sort(key=lambda c: c.pk)

    return RecordContext(
        repeat_contacts_30d=len(matched),
        repeat_about=" or ".join(about),
        open_case_same_place=bool(same_place),
        open_case_references=tuple(c.display_reference for c in same_place[:MAX_OPEN_CASE_REFERENCES]),
        person_markers=(),
    )
