from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeSlot(models.TextChoices):
    """When the customer would like the technician to come (a wish the dispatcher reads)."""

    ANY = "any", _("Any time")
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
