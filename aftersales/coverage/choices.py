from django.db import models
from django.utils.translation import gettext_lazy as _


class CoverageReason(models.TextChoices):
    """Why a unit is (not) covered. Stored on service orders (``warranty_reason``, at most 12 characters)."""

    IN_WARRANTY = "in_warranty", _("In warranty")
    NO_UNIT = "no_unit", _("No unit given")
    NO_PROOF = "no_proof", _("No proof of purchase")
    EXPIRED = "expired", _("Warranty expired")
    BEFORE_SALE = "before_sale", _("Before the purchase")
    MISUSE = "misuse", _("Damage by misuse")
    OVERRIDDEN = "overridden", _("Decided by the service manager")
    LIFETIME = "lifetime", _("Covered for life (listed item)")


class SerialDateFormat(models.TextChoices):
    """How the production date is written in a serial number, at ``SerialDateRule.date_position``."""

    YYMM = "YYMM", _("Year and month (YYMM)")
    YYYYMM = "YYYYMM", _("Year and month (YYYYMM)")
    YYMMDD = "YYMMDD", _("Year, month and day (YYMMDD)")
    YYWW = "YYWW", _("Year and ISO week (YYWW)")


DATE_FORMAT_DIGITS = {
    SerialDateFormat.YYMM: 4,
    SerialDateFormat.YYYYMM: 6,
    SerialDateFormat.YYMMDD: 6,
    SerialDateFormat.YYWW: 4,
}
