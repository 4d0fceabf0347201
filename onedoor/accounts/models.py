"""Staff accounts: every member of staff has exactly one role and may belong to a team."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADVISOR = "advisor", _("Service advisor")
    OFFICER = "officer", _("Officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    division = models.ForeignKey("core.Area", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ADVISOR)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    # Service / collar number shown on timelines instead of the login name.
    collar_number = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    @property
    def display_name(self) -> str:
        name = self.get_full_name() or self.username
        return f"{name} ({self.collar_number})" if self.collar_number else name
