"""The people who contact us. This first cut holds what a reporter tells us about themselves;
matching one person across contacts (the CRM single view) builds on it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactMethod(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("Text message")


class Person(models.Model):
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True, db_index=True)
    # E.164, e.g. +447700900123.
    phone = models.CharField(max_length=20, blank=True, db_index=True)
    preferred_contact = models.CharField(max_length=8, choices=ContactMethod.choices, blank=True)
    preferred_language = models.CharField(max_length=16, blank=True)
    accessibility_needs = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name or self.email or self.phone or f"Person {self.pk}"


class MarkerKind(models.TextChoices):
    EMAIL = "email", _("Email address")
    PHONE = "phone", _("Phone number")


class Marker(models.Model):
    """A vulnerability marker on an email address or phone number, placed by a supervisor.

    People are never merged by a shared email or phone, so a marker is not on a person: it is on
    the identifier, with a reason and a date by which someone must review it. A contact that
    comes from a marked identifier is assessed with the marker (``intake.context``) and the
    rationale says so, for staff only. Withdrawn or overdue markers no longer apply, and are kept
    for the audit trail.
    """

    kind = models.CharField(max_length=8, choices=MarkerKind.choices)
    # Normalised: an email in lower case, a phone number in E.164.
    value = models.CharField(max_length=254)
    category = models.CharField(max_length=32)  # one of onedoor.triage.policy.VULNERABILITIES
    reason = models.TextField(help_text=_("Why the marker is needed and where it comes from (e.g. a MARAC referral)."))
    review_by = models.DateField()
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "value"], name="marker_identifier")]
        ordering = ["review_by", "pk"]

    def __str__(self) -> str:
        return f"{self.category} on {self.get_kind_display().lower()} {self.value}"

    def is_active(self, today) -> bool:
        return self.withdrawn_at is None and self.review_by >= today
