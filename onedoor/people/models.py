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
