"""The workforce rules that are configuration, with the source's values as defaults (domain.md "Field
staff" §12). Override any of them in ``settings.AFTERSALES["WORKFORCE"]``::

    AFTERSALES["WORKFORCE"] = {"CLAIM_WEEKDAYS": (1, 2), "LATE_LINES": "flag"}
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Claims are handed in on these weekdays (Monday = 0; §12: 每周周二 → Tuesday).
    "CLAIM_WEEKDAYS": (1,),
    # On another day a claim is "refuse"d (400 not_claim_day) or "flag"ged and accepted.
    "OFF_DAY_CLAIMS": "refuse",
    # An expense must be claimed within this many days (§12: 最迟不得超过一周).
    "CLAIM_WITHIN_DAYS": 7,
    # A line older than that is "refuse"d (400 expense_too_old, §12: 逾期将不予办理) or "flag"ged.
    "LATE_LINES": "refuse",
    # The overtime allowance per day (§12 第五节: 60 元/天).
    "OVERTIME_PER_DAY": "60.00",
    # A technician is offered an order on a product category only with a valid certificate for it.
    "CERTIFICATE_REQUIRED": True,
    # Certificates expiring within this many days are listed as about to expire.
    "CERTIFICATE_WARNING_DAYS": 30,
    # A field trainer's store days per month (§4: 不得少于20天).
    "TRAINER_DAYS_PER_MONTH": 20,
    # Defaults of a centre without a working pattern (§12: 9:00–17:30; absence 2 hours ahead).
    "DAY_START": "09:00",
    "DAY_END": "17:30",
    "ABSENCE_NOTICE_HOURS": 2,
}


@dataclass(frozen=True)
class Rules:
    claim_weekdays: tuple[int, ...]
    off_day_claims: str
    claim_within_days: int
    late_lines: str
    overtime_per_day: Decimal
    certificate_required: bool
    certificate_warning_days: int
    trainer_days_per_month: int
    day_start: datetime.time
    day_end: datetime.time
    absence_notice_hours: int


def _time(text: str) -> datetime.time:
    hours, minutes = text.split(":")
    return datetime.time(int(hours), int(minutes))


def rules() -> Rules:
    """The rules in force (read on each call, so a test's ``settings`` override applies)."""
    values = {**DEFAULTS, **settings.AFTERSALES.get("WORKFORCE", {})}
    return Rules(
        claim_weekdays=tuple(int(day) for day in values["CLAIM_WEEKDAYS"]),
        off_day_claims=str(values["OFF_DAY_CLAIMS"]),
        claim_within_days=int(values["CLAIM_WITHIN_DAYS"]),
        late_lines=str(values["LATE_LINES"]),
        overtime_per_day=Decimal(str(values["OVERTIME_PER_DAY"])).quantize(Decimal("0.01")),
        certificate_required=bool(values["CERTIFICATE_REQUIRED"]),
        certificate_warning_days=int(values["CERTIFICATE_WARNING_DAYS"]),
        trainer_days_per_month=int(values["TRAINER_DAYS_PER_MONTH"]),
        day_start=_time(str(values["DAY_START"])),
        day_end=_time(str(values["DAY_END"])),
        absence_notice_hours=int(values["ABSENCE_NOTICE_HOURS"]),
    )
