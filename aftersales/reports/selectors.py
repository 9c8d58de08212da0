"""Reads of the reports app's own records: the report schedules' latest changes."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from aftersales.accounts.models import User
from aftersales.history.models import Activity
from aftersales.reports.models import ReportSchedule
from aftersales.reports.permissions import can_schedule_reports, schedules_visible_to


def schedule_changes(user: User, *, limit: int = 10) -> list[Activity]:
    """The latest changes to the schedules ``user`` may keep, deleted ones included: a deleted schedule
    is no longer in ``schedules_visible_to``, so its rows go by the centre they recorded. One query."""
    if not can_schedule_reports(user):
        return []
    changes = Activity.objects.filter(target_type=ContentType.objects.get_for_model(ReportSchedule))
    if not user.sees_all_centres:
        visible = schedules_visible_to(user).values("pk")
        gone = Q(data__centre=user.service_center_id) & ~Q(target_id__in=ReportSchedule.objects.values("pk"))
        changes = changes.filter(Q(target_id__in=visible) | gone)
    return list(changes.order_by("-id")[:limit])
