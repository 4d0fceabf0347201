"""Geography shared by every record: the force and its divisions, area commands and wards."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.Model):
    class Kind(models.TextChoices):
        FORCE = "force", _("Force")
        DIVISION = "division", _("Division")
        AREA_COMMAND = "area_command", _("Area command")
        WARD = "ward", _("Ward")

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # Postcode areas (the letters before the digits, e.g. "EH", "G") that fall in this division.
    postcode_areas = models.CharField(max_length=120, blank=True, help_text=_("Space-separated postcode areas."))
    rural = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
