"""Customer care's settings, with the source's values as defaults (``settings.AFTERSALES``)."""

from django.conf import settings


def _value(name: str, default: int) -> int:
    return int(settings.AFTERSALES.get(name, default))


def low_score() -> int:
    """A score at or below this opens a complaint by itself (CARE_COMPLAINT_SCORE_AT_OR_BELOW, 2)."""
    return _value("CARE_COMPLAINT_SCORE_AT_OR_BELOW", 2)


def escalate_after_working_days() -> int:
    """Unresolved this many working days, a complaint goes up a level (domain.md Follow-up §15 4: 2)."""
    return _value("CARE_ESCALATE_WORKING_DAYS", 2)


def max_attempts() -> int:
    """Calls not reached before a task is given up as not reached (CARE_MAX_ATTEMPTS, 3)."""
    return _value("CARE_MAX_ATTEMPTS", 3)


def file_complete_within_working_days() -> int:
    """A customer file is complete within 2 working days of first contact (domain.md Follow-up §15 2)."""
    return _value("CARE_FILE_WORKING_DAYS", 2)
