"""What our records already hold about the person or place a new contact concerns.

``record_context_for(message)`` looks it up and returns a pure ``RecordContext`` for
``assess(context=...)``; the triage engine itself never queries the database.

- Repeat contacts: other contacts received in the last 30 days whose reporter gave the same email
  address or phone number, or whose location has the same full postcode.
- An open case at the same place: an open case with the same full postcode, or exactly the same
  address text (ignoring case, spacing and punctuation).
- Markers: reporters are never linked or merged with earlier people by a shared email or phone
  (households share them, and an abuser may know the victim's), so a supervisor places a marker
  on the email address or phone number itself (``onedoor.people.markers``), with a reason and a
  review date. A contact from a marked identifier gets the marker's vulnerability, named in a
  "records:" line for staff; intake audits each marker it applies.

Only counts and the matching postcode reach the engine, not the other contacts' content.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.utils import timezone

from onedoor.cases.models import OPEN_STATUSES, Case
from onedoor.core.geography import full_postcode
from onedoor.intake.models import Contact
from onedoor.people.markers import markers_for
from onedoor.people.models import Person
from onedoor.triage.context import RecordContext

REPEAT_WINDOW = timedelta(days=30)
MAX_OPEN_CASE_REFERENCES = 3
# A full UK postcode (outward and inward code): "EH6 5DA", "g2 3ab", "EH65DA".
_NOT_WORD = re.compile(r"[\W_]+")


def address_key(text: str) -> str:
    """Address text reduced for an exact comparison: lower case, words only, single spaces."""
    return " ".join(_NOT_WORD.sub(" ", (text or "").lower()).split())


def record_context_for(message, *, case: Case | None = None, received_at: datetime | None = None) -> RecordContext:
    """The RecordContext for an InboundMessage about to be stored (on `case`, if adding to one)."""
    now = received_at or message.received_at or timezone.now()
    postcode = full_postcode(message.location_text)
    reporter = None if message.anonymous else message.reporter

    recent = Contact.objects.filter(received_at__gte=now - REPEAT_WINDOW, received_at__lte=now).order_by()
    if case is not None:
        recent = recent.exclude(case=case)  # further contacts about the same matter are not repeats
    matched: set[int] = set()
    about: list[str] = []
    if postcode:
        ids = set(recent.filter(postcode=postcode).values_list("pk", flat=True))
        if ids:
            about.append(f"about {postcode}")
            matched |= ids
    # Two indexed steps (people, then their contacts) rather than one join: the planner's guess
    # for the join turned a lookup into a nested scan of every recent contact.
    for field, value, words in (
        ("email", (reporter.email or "").strip().lower() if reporter else "", "the same email address"),
        ("phone", reporter.phone if reporter else "", "the same phone number"),
    ):
        if value:
            people = list(Person.objects.filter(**{field: value}).values_list("pk", flat=True)[:1000])
            ids = set(recent.filter(reporter_id__in=people).values_list("pk", flat=True)) if people else set()
            if ids:
                about.append(f"from {words}")
                matched |= ids

    open_cases = Case.objects.filter(status__in=OPEN_STATUSES)
    if case is not None:
        open_cases = open_cases.exclude(pk=case.pk)
    same_place: list[Case] = []
    if postcode:
        same_place = list(open_cases.filter(postcode=postcode).only("pk", "public_reference"))
    key = address_key(message.location_text)
    if not same_place and len(key) >= 8:
        candidates = open_cases.filter(location_text__iexact=message.location_text.strip())
        if not candidates.exists():
            first_word = key.split()[0]
            candidates = open_cases.filter(location_text__icontains=first_word)[:200]
        same_place = [c for c in candidates if address_key(c.location_text) == key]
    same_place.sort(key=lambda c: c.pk)

    markers = markers_for(
        email=reporter.email if reporter else "", phone=reporter.phone if reporter else "", today=timezone.localdate(now)
    )
    return RecordContext(
        repeat_contacts_30d=len(matched),
        repeat_about=" or ".join(about),
        open_case_same_place=bool(same_place),
        open_case_references=tuple(c.display_reference for c in same_place[:MAX_OPEN_CASE_REFERENCES]),
        person_markers=tuple(sorted({m.category for m in markers})),
        references=tuple(m.describe() for m in markers),
        marker_ids=tuple(m.marker_id for m in markers),
    )
