"""Contracts' settings, with defaults a user would expect (``settings.AFTERSALES``)."""

from django.conf import settings


def _value(name: str, default: int) -> int:
    return int(settings.AFTERSALES.get(name, default))


def max_visits_per_day() -> int:
    """A contract's plans may put at most this many visits on one day (CONTRACT_MAX_VISITS_PER_DAY, 2)."""
    return _value("CONTRACT_MAX_VISITS_PER_DAY", 2)


def max_visits_per_plan() -> int:
    """A rule generating more visits than this over the term is refused (CONTRACT_MAX_VISITS_PER_PLAN, 400)."""
    return _value("CONTRACT_MAX_VISITS_PER_PLAN", 400)


def order_lead_working_days() -> int:
    """A visit's service order is opened this many working days before its day (CONTRACT_ORDER_LEAD_DAYS, 5)."""
    return _value("CONTRACT_ORDER_LEAD_DAYS", 5)


def missed_after_working_days() -> int:
    """A visit not done this many working days after its day is missed (CONTRACT_MISSED_AFTER_DAYS, 3)."""
    return _value("CONTRACT_MISSED_AFTER_DAYS", 3)


def sweep_seconds() -> int:
    return _value("CONTRACT_VISIT_SWEEP_SECONDS", 3600)
