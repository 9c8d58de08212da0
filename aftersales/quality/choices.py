"""Enumerations of quality feedback: the states of a quality case and the moves between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("a quality case's state", "Open")
    ANALYSING = "analysing", _("Analysing")
    DECIDED = "decided", _("Design change decided")
    RELEASED = "released", _("Change released")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")


# The only moves transition_case makes (STYLE.md 4): forward one step, or rejected before the release.
CASE_MOVES: dict[str, frozenset[str]] = {
    CaseStatus.OPEN: frozenset({CaseStatus.ANALYSING, CaseStatus.REJECTED}),
    CaseStatus.ANALYSING: frozenset({CaseStatus.DECIDED, CaseStatus.REJECTED}),
    CaseStatus.DECIDED: frozenset({CaseStatus.RELEASED, CaseStatus.REJECTED}),
    CaseStatus.RELEASED: frozenset({CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
    CaseStatus.REJECTED: frozenset(),
}

ACTIVE_STATUSES = (CaseStatus.OPEN, CaseStatus.ANALYSING, CaseStatus.DECIDED, CaseStatus.RELEASED)

CASE_STATUS_BADGES = {
    CaseStatus.OPEN: "text-bg-primary",
    CaseStatus.ANALYSING: "text-bg-info",
    CaseStatus.DECIDED: "text-bg-warning",
    CaseStatus.RELEASED: "text-bg-success",
    CaseStatus.CLOSED: "text-bg-secondary",
    CaseStatus.REJECTED: "text-bg-light border",
}


class CaseSource(models.TextChoices):
    REPEAT = "repeat", _("Repeat failure on one unit")
    GROUP = "group", _("Failure group")


class Breakdown(models.TextChoices):
    """The figures of the failure statistics; each is also the ``figure`` of its click-through list."""

    ALL = "all", _("All failures")
    UNITS = "units", _("Units that failed")
    MODEL = "model", _("Product model")
    PART = "part", _("Part")
    FAULT = "fault", _("Fault code")
    BATCH = "batch", _("Production batch")
    AGE = "age", _("Age at failure")
    REPEAT_30 = "repeat30", _("Repeat within 30 days")
    REPEAT_90 = "repeat90", _("Repeat within 90 days")


class AgeBucket(models.TextChoices):
    """Whole months from installation (else purchase) to the call, in half-open bands."""

    M0_3 = "0-3", _("Under 3 months")
    M3_6 = "3-6", _("3–6 months")
    M6_12 = "6-12", _("6–12 months")
    M12_24 = "12-24", _("12–24 months")
    M24_36 = "24-36", _("24–36 months")
    M36 = "36+", _("36 months and more")
    UNKNOWN = "unknown", _("Unknown (no installation or purchase date)")


# (upper bound in months, exclusive) → bucket; the last has none.
AGE_BANDS = (
    (3, AgeBucket.M0_3),
    (6, AgeBucket.M3_6),
    (12, AgeBucket.M6_12),
    (24, AgeBucket.M12_24),
    (36, AgeBucket.M24_36),
)
