"""Reads of the field workforce with domain names. The public ones other apps may use (pay reads
working hours and absence) are listed in docs/workforce.md."""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aftersales.accounts.capabilities import has_capability, users_with_capability
from aftersales.accounts.models import User
from aftersales.calendars.selectors import is_working_day
from aftersales.service.choices import OPEN_STATUSES
from aftersales.service.models import ServiceOrder, Visit
from aftersales.workforce.choices import AbsenceStatus, ExpenseClaimStatus, OvertimeStatus
from aftersales.workforce.common import working_hours
from aftersales.workforce.models import (
    Absence,
    Attendance,
    Certificate,
    DailyReport,
    ExpenseClaim,
    FieldTrip,
    Overtime,
    StoreVisit,
)
from aftersales.workforce.permissions import STEP_CAPABILITY, claims_visible_to, workforce_scope
from aftersales.workforce.rules import rules


def _month(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def hours_worked(*, person: User, year: int, month: int) -> Decimal:
    """Hours between check-in and check-out over the month's days (days without a check-out count 0)."""
    first, last = _month(year, month)
    rows = Attendance.objects.filter(person=person, day__range=(first, last), checked_out_at__isnull=False)
    return sum((row.hours for row in rows), Decimal("0.00"))


def days_absent(*, person: User, year: int, month: int) -> Decimal:
    """Approved absence in the month, in working days of the centre's pattern (hours ÷ the day's
    length), to two places: what the pay app reads. Only working days of the calendar count: a
    statutory holiday is no absence, a weekend worked in exchange (调休) is."""
    first, last = _month(year, month)
    start, end, _notice = working_hours(person.service_center_id)
    day_hours = (
        Decimal((datetime.datetime.combine(first, end) - datetime.datetime.combine(first, start)).seconds) / 3600
    )
    zone = timezone.get_current_timezone()
    month_start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    month_end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    total = Decimal(0)
    absences = Absence.objects.filter(
        person=person, status=AbsenceStatus.APPROVED, starts_at__lt=month_end, ends_at__gt=month_start
    )
    for absence in absences:
        cursor = max(absence.starts_at, month_start)
        stop = min(absence.ends_at, month_end)
        while cursor < stop:
            local = timezone.localtime(cursor)
            work_from = datetime.datetime.combine(local.date(), start, tzinfo=zone)
            work_to = datetime.datetime.combine(local.date(), end, tzinfo=zone)
            overlap = (min(stop, work_to) - max(cursor, work_from)).total_seconds()
            if overlap > 0 and is_working_day(day=local.date()):
                total += Decimal(overlap) / 3600
            cursor = datetime.datetime.combine(
                local.date() + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
            )
    return (total / day_hours).quantize(Decimal("0.01")) if day_hours else Decimal("0.00")


def overtime_days(*, person: User, year: int, month: int) -> int:
    """Approved (or exported) overtime days in the month."""
    first, last = _month(year, month)
    return Overtime.objects.filter(
        person=person, day__range=(first, last), status__in=(OvertimeStatus.APPROVED, OvertimeStatus.EXPORTED)
    ).count()


def store_days(*, person: User, year: int, month: int) -> tuple[int, int]:
    """A field trainer's days at stores in the month (distinct days) and the minimum (§4: 20)."""
    first, last = _month(year, month)
    days = StoreVisit.objects.filter(person=person, day__range=(first, last)).values("day").distinct().count()
    return days, rules().trainer_days_per_month


def valid_certificates(*, person: User, on: datetime.date | None = None) -> QuerySet[Certificate]:
    on = on or timezone.localdate()
    return Certificate.objects.filter(person=person, issued_on__lte=on, expires_on__gte=on, revoked_at__isnull=True)


def expiring_certificates(*, user: User, within_days: int | None = None) -> QuerySet[Certificate]:
    """Valid certificates of the people ``user`` sees that expire within the warning days (30)."""
    today = timezone.localdate()
    days = rules().certificate_warning_days if within_days is None else within_days
    return (
        workforce_scope(user, Certificate.objects.all())
        .filter(revoked_at__isnull=True, expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=days))
        .select_related("person", "course")
        .order_by("expires_on", "pk")
    )


@dataclass
class Profile:
    """A technician's profile: centre, region, skills (certificate categories), working pattern, load."""

    person: User
    skills: list[Certificate]
    day_start: datetime.time
    day_end: datetime.time
    open_orders: int
    checked_in: Attendance | None
    trip: FieldTrip | None
    tools: list[Any] = field(default_factory=list)  # from the parts area when it registers them

    @property
    def region(self) -> str:
        return self.person.service_center.region if self.person.service_center else ""


def technician_profile(*, person: User) -> Profile:
    start, end, _notice = working_hours(person.service_center_id)
    return Profile(
        person=person,
        skills=list(valid_certificates(person=person).order_by("category")),
        day_start=start,
        day_end=end,
        open_orders=ServiceOrder.objects.filter(technician=person, status__in=OPEN_STATUSES).count(),
        checked_in=Attendance.objects.filter(person=person, day=timezone.localdate()).first(),
        trip=FieldTrip.objects.filter(person=person, status="out").first(),
    )


def people_visible_to(user: User) -> QuerySet[User]:
    """The field staff ``user`` sees (themselves; a centre's for its managers) with their open load."""
    qs = workforce_scope(user, users_with_capability("workforce.keep_own_records"), person="pk")
    return (
        qs.select_related("service_center")
        .annotate(open_load=Count("assigned_orders", filter=Q(assigned_orders__status__in=OPEN_STATUSES)))
        .order_by("service_center__code", "username")
    )


def draft_weekly_summary(*, person: User, week_start: datetime.date) -> str:
    """A first draft of the week's summary from its visits, daily reports and claims, for the person
    to edit and hand in (§12: 每周给部门经理上交一份工作总结)."""
    week_end = week_start + datetime.timedelta(days=6)
    lines = [_("Week of %(start)s to %(end)s") % {"start": week_start, "end": week_end}, ""]
    visits = (
        Visit.objects.filter(technician=person, arrived_at__date__range=(week_start, week_end))
        .select_related("order__customer")
        .order_by("arrived_at")
    )
    lines.append(_("Visits:"))
    for visit in visits:
        lines.append(
            f"- {timezone.localtime(visit.arrived_at):%m-%d} {visit.order.number} {visit.order.customer.name}"
            + (pgettext("before the work done in a summary line", ": ") + visit.work_done if visit.work_done else "")
            # A trip left unfinished reads as one (QA 2026-12-07: both trips of an order read alike).
            + (
                _(" (ended without a signature: %(reason)s)") % {"reason": visit.get_unsigned_reason_display()}
                if visit.unsigned_reason
                else ""
            )
        )
    if not visits:
        lines.append(_("- none"))
    lines += ["", _("Daily reports:")]
    reports = DailyReport.objects.filter(person=person, day__range=(week_start, week_end)).order_by("day")
    for report in reports:
        lines.append(f"- {report.day:%m-%d} {report.text}")
    if not reports:
        lines.append(_("- none"))
    claims = ExpenseClaim.objects.filter(person=person, lines__spent_on__range=(week_start, week_end)).distinct()
    if claims:
        lines += ["", _("Expense claims:")]
        # An amount as every screen writes it (¥86.40), in either language (found by a probe in English,
        # 2026-12-06: "86.40 元 Draft").
        lines += [f"- {c.number} ¥{c.total:,.2f} {c.get_status_display()}" for c in claims]
    return "\n".join(lines)


def claims_waiting_for(user: User) -> QuerySet[ExpenseClaim]:
    """Submitted claims of the people ``user`` sees whose current step ``user`` may decide (never their
    own): the approvers' home panel and list. A stand-in sees the steps of whom they stand in for."""
    allowed = [role for role, name in STEP_CAPABILITY.items() if has_capability(user, name)]
    return (
        claims_visible_to(user)
        .filter(status=ExpenseClaimStatus.SUBMITTED, step_role__in=allowed)
        .exclude(person=user)
        .order_by("submitted_at", "pk")
    )


def absence_list(*, user: User) -> QuerySet[Absence]:
    """The absences screen's rows and its export's: those ``user`` sees (``workforce_scope``), latest
    start first, with the person, their centre and who decided read along."""
    return workforce_scope(user, Absence.objects.select_related("person", "service_center", "decided_by")).order_by(
        "-starts_at", "-pk"
    )


def overtime_list(*, user: User) -> QuerySet[Overtime]:
    """The overtime screen's rows and its export's: the overtime days ``user`` sees, latest first."""
    return workforce_scope(
        user, Overtime.objects.select_related("person", "service_center", "order", "decided_by")
    ).order_by("-day", "-pk")
