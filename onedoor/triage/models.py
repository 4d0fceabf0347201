"""Assessments as recorded: the engine's first, and every staff override after it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate")
    PROMPT = "prompt", _("Prompt")
    STANDARD = "standard", _("Standard")
    OTHER_RESOLUTION = "other_resolution", _("Other resolution")


GRADE_RANK = {Grade.IMMEDIATE: 0, Grade.PROMPT: 1, Grade.STANDARD: 2, Grade.OTHER_RESOLUTION: 3}


class Response(models.TextChoices):
    EMERGENCY_RESPONSE = "emergency_response", _("Emergency response")
    PROMPT_RESPONSE = "prompt_response", _("Prompt response")
    LOCAL_POLICING_APPOINTMENT = "local_policing_appointment", _("Local policing appointment")
    RESOLUTION_TEAM = "resolution_team", _("Resolution team")
    ADVICE = "advice", _("Advice")
    SIGNPOST = "signpost", _("Signpost to another agency")


class Assessment(models.Model):
    class MadeBy(models.TextChoices):
        ENGINE = "engine", _("Triage engine")
        STAFF = "staff", _("Staff")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="assessments")
    contact = models.ForeignKey("intake.Contact", null=True, blank=True, on_delete=models.SET_NULL)
    made_by = models.CharField(max_length=8, choices=MadeBy.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    grade = models.CharField(max_length=20, choices=Grade.choices)
    response = models.CharField(max_length=32, choices=Response.choices)
    vulnerabilities = models.JSONField(default=list, blank=True)
    call_999_advice = models.BooleanField(default=False)
    thrive = models.JSONField(default=dict, blank=True)
    rationale = models.TextField(blank=True)
    policy_version = models.CharField(max_length=40)
    # Why staff changed the grade; required whenever made_by is staff.
    reason = models.TextField(blank=True)
    # The case's grade just before a staff assessment (blank for the engine's, and for staff
    # assessments recorded before this field existed): the regrade report's "from".
    previous_grade = models.CharField(max_length=20, choices=Grade.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(made_by="engine") | ~models.Q(reason=""),
                name="assessment_staff_override_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} by {self.made_by}"
