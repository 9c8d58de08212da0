from django.db import models
from django.utils.translation import gettext_lazy as _


class CoverageReason(models.TextChoices):
    """Why a unit is (not) covered. Stored on service orders (``warranty_reason``, at most 12 characters)."""

    IN_WARRANTY = "in_warranty", _("In warranty")
    NO_UNIT = "no_unit", _("No unit given")
    NO_PROOF = "no_proof", _("No proof of purchase")
    EXPIRED = "expired", _("Warranty expired")
    MISUSE = "misuse", _("Damage by misuse")
    OVERRIDDEN = "overridden", _("Decided by the service manager")
