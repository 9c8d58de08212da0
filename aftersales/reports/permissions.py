"""Who sees the reports: the desk's dispatchers (their centre), service managers (their centre),
finance (their centre), the general manager and administrators (every centre). What a figure counts is
further limited by each source app's own scope function (figures.py): a reader who may not see an
app's records sees that figure empty."""

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import capability, has_capability
from aftersales.accounts.choices import Role
from aftersales.accounts.models import User

if TYPE_CHECKING:
    from aftersales.reports.models import ReportSchedule

CAPABILITIES = (
    capability(
        "reports.view",
        _("See the report dashboards and periodic reports"),
        Role.DISPATCHER,
        Role.MANAGER,
        Role.FINANCE,
        Role.GENERAL_MANAGER,
        Role.ADMIN,
    ),
    capability(
        "reports.schedule",
        _("Schedule reports to be e-mailed"),
        Role.MANAGER,
        Role.GENERAL_MANAGER,
        Role.ADMIN,
    ),
)


def can_view_reports(user: User) -> bool:
    return has_capability(user, "reports.view")


def can_schedule_reports(user: User) -> bool:
    return has_capability(user, "reports.schedule")


def schedules_visible_to(user: User) -> "QuerySet[ReportSchedule]":
    """Managers see the schedules they or anyone of their centre made; the general manager all."""
    from aftersales.reports.models import ReportSchedule  # noqa: PLC0415 - models import periods, not this

    schedules = ReportSchedule.objects.all()
    if not can_schedule_reports(user):
        return schedules.none()
    if user.sees_all_centres:
        return schedules
    return schedules.filter(created_by__service_center_id=user.service_center_id)
