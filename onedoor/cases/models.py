"""Cases: the matter a contact is about, its public reference, lifecycle and timeline."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onedoor.triage.models import Grade, Response


class CaseKind(models.TextChoices):
    CRIME = "crime", _("Crime")
    INCIDENT = "incident", _("Incident")
    CONCERN_FOR_PERSON = "concern_for_person", _("Concern for a person")
    ANTISOCIAL_BEHAVIOUR = "asb", _("Antisocial behaviour")
    LOST_PROPERTY = "lost_property", _("Lost or found property")
    ENQUIRY = "enquiry", _("Enquiry")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("Being dealt with")
    AWAITING_INFORMATION = "awaiting_information", _("Waiting for information from you")
    REFERRED = "referred", _("Passed to a partner agency")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# The lifecycle: from each status, where a case may go next. Anything else is refused.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.RECEIVED: frozenset({CaseStatus.IN_PROGRESS, CaseStatus.REFERRED, CaseStatus.RESOLVED, CaseStatus.CLOSED}),
    CaseStatus.IN_PROGRESS: frozenset({CaseStatus.AWAITING_INFORMATION, CaseStatus.REFERRED, CaseStatus.RESOLVED}),
    CaseStatus.AWAITING_INFORMATION: frozenset({CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED}),
    CaseStatus.REFERRED: frozenset({CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED}),
    CaseStatus.RESOLVED: frozenset({CaseStatus.CLOSED, CaseStatus.IN_PROGRESS}),
    CaseStatus.CLOSED: frozenset(),
}
OPEN_STATUSES = [CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS, CaseStatus.AWAITING_INFORMATION, CaseStatus.REFERRED]


class Case(models.Model):
    public_reference = models.CharField(max_length=9, unique=True)
    kind = models.CharField(max_length=24, choices=CaseKind.choices, default=CaseKind.INCIDENT)
    status = models.CharField(max_length=24, choices=CaseStatus.choices, default=CaseStatus.RECEIVED, db_index=True)
    summary = models.CharField(max_length=200)
    channel = models.CharField(max_length=16)
    # The current grade (the latest assessment's); kept here so the queue sorts in the database.
    grade = models.CharField(max_length=20, choices=Grade.choices, db_index=True)
    grade_rank = models.PositiveSmallIntegerField(db_index=True)
    response = models.CharField(max_length=32, choices=Response.choices)
    vulnerabilities = models.JSONField(default=list, blank=True)
    call_999_advice = models.BooleanField(default=False)
    # The language of the first contact (ISO 639-1, "" if not recognised), and whether any
    # contact on the case needs an interpreter.
    language = models.CharField(max_length=8, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    area = models.ForeignKey("core.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    location_text = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8, blank=True, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    reporter = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    anonymous = models.BooleanField(default=False)
    allocated_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="allocated_cases"
    )
    allocated_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="allocated_cases"
    )
    due_at = models.DateTimeField(db_index=True)
    # What the reporter has been told (intake.services.PublicView): the grade of their own words
    # and the time we promised, never what our records added (a marker raises `grade` and
    # `due_at`, and the tracking page must not show it). Empty for cases from before these fields.
    told_grade = models.CharField(max_length=20, choices=Grade.choices, blank=True)
    told_response = models.CharField(max_length=32, choices=Response.choices, blank=True)
    told_due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Only hashes: the private tracking link and an anonymous reporter's code are shown once.
    tracking_token_hash = models.CharField(max_length=64, unique=True)
    secret_code_hash = models.CharField(max_length=64, blank=True)
    # A supervisor's review of a prompt case not attended within the review time (see
    # cases.selectors.cases_due_for_review); set by cases.services.case_review.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="reviewed_cases"
    )

    class Meta:
        ordering = ["grade_rank", "due_at"]
        indexes = [models.Index(fields=["status", "grade_rank", "due_at"])]

    def __str__(self) -> str:
        return self.display_reference

    @property
    def display_reference(self) -> str:
        from onedoor.core.references import reference_display

        return reference_display(self.public_reference)

    @property
    def public_due_at(self):
        """The time the reporter was promised (the tracking page's "we aim to respond by")."""
        return self.told_due_at or self.due_at

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def can_move_to(self, status: str) -> bool:
        return status in STATUS_TRANSITIONS.get(self.status, frozenset())


class CaseEvent(models.Model):
    """One entry on a case's append-only timeline."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Report received")
        CONTACT = "contact", _("Further contact")
        NOTE = "note", _("Internal note")
        PUBLIC_UPDATE = "public_update", _("Update")
        STATUS = "status", _("Status changed")
        REGRADE = "regrade", _("Regraded")
        ASSESSMENT = "assessment", _("Assessed")
        REVIEW = "review", _("Supervisor review")
        ALLOCATION = "allocation", _("Allocated")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.TextField()
    public = models.BooleanField(default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    at = models.DateTimeField(db_index=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.kind} {self.at:%Y-%m-%d %H:%M}"
