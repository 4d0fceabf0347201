"""Vulnerability markers on an email address or phone number: placing, withdrawing, finding.

Only supervisors place or withdraw markers (the console checks ``Capability.SUPERVISE``); every
change, and every time intake applies a marker to a new contact, is in the audit trail. A marker
applies until its review date: an overdue marker stops applying rather than living for ever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from onedoor.audit.services import audit_record
from onedoor.people.models import Marker, MarkerKind
from onedoor.people.phones import phone_to_e164
from onedoor.triage.policy import VULNERABILITIES

DEFAULT_REVIEW = timedelta(days=365)
LONGEST_REVIEW = timedelta(days=2 * 365)  # longer than this and nobody remembers why it is there


def normalise_identifier(kind: str, typed: str) -> str:
    """The stored form of an identifier, or a ValidationError saying what is wrong."""
    typed = (typed or "").strip()
    if kind == MarkerKind.EMAIL:
        try:
            validate_email(typed)
        except ValidationError as exc:
            raise ValidationError({"value": "Enter an email address in the correct format, like name@example.com"}) from exc
        return typed.lower()
    if kind == MarkerKind.PHONE:
        e164 = phone_to_e164(typed)
        # A UK number has ten digits after the 0; "possible" numbers can be much shorter.
        if e164 is None or len(e164) < (13 if e164.startswith("+44") else 9):
            raise ValidationError({"value": "Enter a phone number, like 07700 900 982 or +44 7700 900 982"})
        return e164
    raise ValidationError({"kind": "Choose an email address or a phone number"})


def identifier_forms(typed: str) -> set[str]:
    """The stored forms a typed search could mean: an email in lower case, a phone number in E.164."""
    typed = (typed or "").strip()
    forms = {typed.lower()}
    if phone := phone_to_e164(typed):
        forms.add(phone)
    return forms


def marker_place(*, actor, request=None, kind: str, value: str, category: str, reason: str, review_by: date | None = None) -> Marker:
    today = timezone.localdate()
    review_by = review_by or today + DEFAULT_REVIEW
    errors: dict[str, str] = {}
    if category not in VULNERABILITIES:
        errors["category"] = "Choose the vulnerability the marker records"
    if not (reason or "").strip():
        errors["reason"] = "Enter why the marker is needed and where it comes from"
    if review_by <= today:
        errors["review_by"] = "The review date must be in the future"
    elif review_by > today + LONGEST_REVIEW:
        errors["review_by"] = "The review date must be within two years"
    try:
        normalised = normalise_identifier(kind, value)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if not errors:
        same = markers_in_force(today).filter(kind=kind, value=normalised, category=category).first()
        if same is not None:
            errors["value"] = (
                f"This {MarkerKind(kind).label.lower()} already has a {category.replace('_', ' ')} marker "
                f"in force (review by {same.review_by:%d %b %Y}); withdraw it first to change it"
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        marker = Marker.objects.create(
            kind=kind, value=normalised, category=category, reason=reason.strip(), review_by=review_by, created_by=actor
        )
        audit_record(
            actor=actor, request=request, action="marker.place", object_type="marker", object_id=str(marker.pk),
            detail={"kind": kind, "value": normalised, "category": category, "review_by": review_by.isoformat()},
        )
    return marker


def marker_withdraw(*, actor, request=None, marker: Marker, reason: str) -> Marker:
    if marker.withdrawn_at is not None:
        raise ValidationError({"reason": "This marker has already been withdrawn"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the marker is withdrawn"})
    with transaction.atomic():
        marker.withdrawn_at = timezone.now()
        marker.withdrawn_by = actor
        marker.withdrawn_reason = reason.strip()
        marker.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
        audit_record(actor=actor, request=request, action="marker.withdraw", object_type="marker", object_id=str(marker.pk),
                     detail={"kind": marker.kind, "value": marker.value, "category": marker.category, "reason": marker.withdrawn_reason})
    return marker


def markers_in_force(today: date | None = None) -> QuerySet[Marker]:
    """Markers that apply now: not withdrawn, review date not passed."""
    return Marker.objects.filter(withdrawn_at__isnull=True, review_by__gte=today or timezone.localdate())


@dataclass(frozen=True)
class MarkerMatch:
    marker_id: int
    category: str
    on: str  # "the same email address" / "the same phone number"
    added: date
    review_by: date

    def describe(self) -> str:
        return (
            f"a marker on {self.on}: {self.category.replace('_', ' ')} "
            f"(added {self.added:%d %b %Y}, review by {self.review_by:%d %b %Y})"
        )


def markers_for(*, email: str = "", phone: str = "", today: date | None = None) -> list[MarkerMatch]:
    """The markers in force on this email address or phone number (already in stored form)."""
    wanted = [(MarkerKind.EMAIL, (email or "").strip().lower(), "the same email address"),
              (MarkerKind.PHONE, (phone or "").strip(), "the same phone number")]
    found: list[MarkerMatch] = []
    for kind, value, words in wanted:
        if not value:
            continue
        for marker in markers_in_force(today).filter(kind=kind, value=value):
            found.append(MarkerMatch(marker.pk, marker.category, words, timezone.localdate(marker.created_at), marker.review_by))
    return found


def markers_applied(marker_ids, *, case) -> None:
    """Audit that intake read these markers for a contact on `case` (a read of personal data),
    on the case, so that searching the audit trail by its reference finds them."""
    for marker_id in marker_ids:
        audit_record(
            actor_label="intake", action="marker.apply", object_type="case", object_id=case.public_reference,
            detail={"marker": marker_id},
        )
