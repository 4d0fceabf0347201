"""Contacts as received: one approach by the public, from any channel, kept as it arrived."""

from django.db import models


class Contact(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="contacts")
    channel = models.CharField(max_length=16)
    text = models.TextField(blank=True)
    answers = models.JSONField(default=dict, blank=True)
    when_text = models.CharField(max_length=200, blank=True)
    location_text = models.CharField(max_length=300, blank=True)
    # The full postcode in location_text, normalised ("EH6 5DA"), so repeat contact is one index lookup.
    postcode = models.CharField(max_length=8, blank=True, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    reporter = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="contacts")
    anonymous = models.BooleanField(default=False)
    received_at = models.DateTimeField(db_index=True)
    # The provider's own id for the message (SMS id, email Message-ID...): retries carry the same one.
    provider_message_id = models.CharField(max_length=200, blank=True)
    raw_payload = models.JSONField(default=dict, blank=True)
    # The language the text is written in (ISO 639-1, "" if not recognised; onedoor.triage.language)
    # and whether a person who reads it must assess it.
    language = models.CharField(max_length=8, blank=True)
    interpreter_needed = models.BooleanField(default=False)

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "provider_message_id"],
                condition=~models.Q(provider_message_id=""),
                name="contact_unique_provider_message",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} contact {self.pk}"


class IdempotencyRecord(models.Model):
    """The first response to an Idempotency-Key, replayed for every retry with the same body."""

    api_key = models.ForeignKey("api.ApiKey", on_delete=models.CASCADE)
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["api_key", "key"], name="idempotency_unique_key")]

    def __str__(self) -> str:
        return f"Idempotency-Key {self.key}"
