"""Check-in and out, absences (2 hours ahead, the manager's approval), overtime (60 a day, flagged
without work), trips, daily reports and the weekly summary, and the selectors pay reads."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from aftersales.service.services import end_visit_unsigned, record_visit
from aftersales.workforce import selectors
from aftersales.workforce.choices import AbsenceStatus
from aftersales.workforce.common import week_start_of
from aftersales.workforce.models import Absence, Attendance, Overtime, WorkingPattern
from aftersales.workforce.services import attendance, overtime, trips
from aftersales.workforce.tests.factories import TUESDAY, at, job_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def tech(users):
    return users[Role.TECHNICIAN]


def test_check_in_and_out_with_position_and_the_working_pattern(tech, centre):
    WorkingPattern.objects.create(service_center=centre, day_start=datetime.time(8, 30), day_end=datetime.time(17, 0))

    row = attendance.check_in(
        by=tech, latitude=Decimal("31.230416"), longitude=Decimal("121.473701"), now=at(TUESDAY, 8, 45)
    )
    assert (row.day, row.late, row.in_latitude) == (TUESDAY, True, Decimal("31.230416"))
    row = attendance.check_out(by=tech, now=at(TUESDAY, 17, 30))
    assert (row.left_early, row.hours) == (False, Decimal("8.75"))


def test_check_in_for_someone_else_is_refused(tech, centre):
    other = UserFactory(username="tech-2", role=Role.TECHNICIAN, service_center=centre)
    with pytest.raises(PermissionDeniedError) as error:
        attendance.check_in(by=tech, person=other)
    assert error.value.code == "not_yourself"
    assert not Attendance.objects.exists()


def test_check_in_twice_and_bad_positions_are_refused(tech):
    with pytest.raises(ValidationFailed) as error:
        attendance.check_in(by=tech, latitude=Decimal("91"), longitude=Decimal("0"))
    assert error.value.code == "invalid_position"
    with pytest.raises(ValidationFailed):
        attendance.check_in(by=tech, latitude=Decimal("31"))
    assert not Attendance.objects.exists()
    attendance.check_in(by=tech, now=at(TUESDAY, 9))
    with pytest.raises(ConflictError) as error:
        attendance.check_in(by=tech, now=at(TUESDAY, 9, 5))
    assert error.value.code == "already_checked_in"
    with pytest.raises(ConflictError) as error:
        attendance.check_out(by=tech, now=at(TUESDAY + datetime.timedelta(days=1), 17))
    assert error.value.code == "not_checked_in"


def test_an_absence_is_asked_for_two_hours_ahead(tech):
    now = timezone.now()
    with pytest.raises(ValidationFailed) as error:
        attendance.request_absence(
            by=tech,
            starts_at=now + datetime.timedelta(minutes=90),
            ends_at=now + datetime.timedelta(hours=5),
            reason="看病",
        )
    assert (error.value.code, error.value.field) == ("short_notice", "starts_at")
    assert not Absence.objects.exists()

    absence = attendance.request_absence(
        by=tech,
        starts_at=now + datetime.timedelta(hours=2, minutes=1),
        ends_at=now + datetime.timedelta(hours=5),
        reason="看病",
    )
    assert absence.status == AbsenceStatus.REQUESTED
    with pytest.raises(ConflictError):
        attendance.request_absence(
            by=tech,
            starts_at=now + datetime.timedelta(hours=3),
            ends_at=now + datetime.timedelta(hours=4),
            reason="又一次",
        )


def test_the_notice_is_the_centres(tech, centre):
    WorkingPattern.objects.create(service_center=centre, absence_notice_hours=24)
    now = timezone.now()
    with pytest.raises(ValidationFailed) as error:
        attendance.request_absence(
            by=tech, starts_at=now + datetime.timedelta(hours=3), ends_at=now + datetime.timedelta(hours=5), reason="x"
        )
    assert error.value.extra["hours"] == 24


def test_the_manager_decides_absences_not_their_own_nor_twice(users, tech):
    now = timezone.now()
    absence = attendance.request_absence(
        by=tech, starts_at=now + datetime.timedelta(hours=3), ends_at=now + datetime.timedelta(hours=5), reason="x"
    )
    with pytest.raises(PermissionDeniedError):
        attendance.decide_absence(absence_id=absence.pk, by=users[Role.DISPATCHER], approve=True)
    with pytest.raises(ValidationFailed):
        attendance.decide_absence(absence_id=absence.pk, by=users[Role.MANAGER], approve=False)

    absence = attendance.decide_absence(absence_id=absence.pk, by=users[Role.MANAGER], approve=True)

    assert absence.status == AbsenceStatus.APPROVED
    with pytest.raises(ConflictError):
        attendance.decide_absence(absence_id=absence.pk, by=users[Role.MANAGER], approve=True)


def test_overtime_at_sixty_a_day_flagged_without_work(users, tech):
    today = timezone.localdate()
    flagged = overtime.record_overtime(by=tech, day=today - datetime.timedelta(days=1))
    assert (flagged.allowance, flagged.no_work_recorded) == (Decimal("60.00"), True)

    attendance.check_in(by=tech)
    worked = overtime.record_overtime(by=tech, day=today, note="周末抢修")
    assert worked.no_work_recorded is False
    with pytest.raises(ConflictError) as error:
        overtime.record_overtime(by=tech, day=today)
    assert error.value.code == "overtime_exists"
    with pytest.raises(PermissionDeniedError):
        overtime.decide_overtime(overtime_id=worked.pk, by=users[Role.FINANCE], approve=True)
    assert overtime.decide_overtime(overtime_id=worked.pk, by=users[Role.MANAGER], approve=True).status == "approved"
    assert Overtime.objects.count() == 2


@pytest.mark.parametrize("days_back", [None, 3650])
def test_overtime_older_than_the_claim_window_is_refused(tech, days_back):
    from aftersales.workforce.models import Overtime
    from aftersales.workforce.rules import rules

    days_back = days_back or rules().claim_within_days + 1
    with pytest.raises(ValidationFailed) as refused:
        overtime.record_overtime(by=tech, day=timezone.localdate() - datetime.timedelta(days=days_back))

    assert (refused.value.code, refused.value.field) == ("overtime_too_old", "day")
    assert not Overtime.objects.exists()
    assert overtime.record_overtime(
        by=tech, day=timezone.localdate() - datetime.timedelta(days=rules().claim_within_days)
    )


def test_overtime_in_the_future_is_refused(tech):
    with pytest.raises(ValidationFailed) as error:
        overtime.record_overtime(by=tech, day=timezone.localdate() + datetime.timedelta(days=1))
    assert error.value.code == "date_in_future"
    assert not Overtime.objects.exists()


def test_trip_daily_report_and_weekly_summary(users, tech):
    order = job_for(users)
    today = timezone.localdate()
    trip = trips.start_trip(by=tech, destination="苏州", starts_on=today, ends_on=today, order_ids=[order.pk])
    with pytest.raises(ConflictError):
        trips.start_trip(by=tech, destination="无锡", starts_on=today, ends_on=today)
    report = trips.submit_daily_report(by=tech, text="更换主板，试机正常")
    assert report.trip_id == trip.pk
    assert trips.submit_daily_report(by=tech, text="更正：更换电源").pk == report.pk

    monday = week_start_of(today)
    draft = selectors.draft_weekly_summary(person=tech, week_start=monday)
    assert "更正：更换电源" in draft
    with pytest.raises(ValidationFailed) as error:
        trips.submit_weekly_summary(by=tech, week_start=monday + datetime.timedelta(days=1), text=draft)
    assert error.value.code == "not_monday"
    summary = trips.submit_weekly_summary(by=tech, week_start=monday, text=draft)
    assert summary.submitted_at is not None

    trip = trips.return_from_trip(trip_id=trip.pk, by=tech, note="已返回")
    assert trip.status == "returned"
    with pytest.raises(ConflictError):
        trips.return_from_trip(trip_id=trip.pk, by=tech)


def test_a_trip_lists_only_ones_own_jobs(users, tech, centre):
    other = UserFactory(username="tech-2", role=Role.TECHNICIAN, service_center=centre)
    theirs = job_for(users, technician=other)
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as error:
        trips.start_trip(by=tech, destination="苏州", starts_on=today, ends_on=today, order_ids=[theirs.pk])
    assert error.value.code == "not_your_order"


def test_hours_worked_and_days_absent_for_pay(users, tech):
    attendance.check_in(by=tech, now=at(TUESDAY, 9))
    attendance.check_out(by=tech, now=at(TUESDAY, 17, 30))
    # A whole working day off (Wednesday), and half of Thursday.
    Absence.objects.create(
        person=tech,
        service_center=tech.service_center,
        status="approved",
        reason="x",
        starts_at=at(TUESDAY + datetime.timedelta(days=1), 0),
        ends_at=at(TUESDAY + datetime.timedelta(days=2), 13, 15),
    )

    assert selectors.hours_worked(person=tech, year=2026, month=12) == Decimal("8.50")
    assert selectors.days_absent(person=tech, year=2026, month=12) == Decimal("1.50")
    assert selectors.days_absent(person=tech, year=2026, month=11) == Decimal("0.00")


def test_days_absent_skips_statutory_holidays_and_counts_a_working_weekend(tech):
    # Thu 1 - Sun 11 Oct 2026: the National Day holidays (1-7 Oct) are no absence; Thu 8, Fri 9 and
    # Sat 10 Oct (a weekend worked in exchange, 调休) are three working days away.
    Absence.objects.create(
        person=tech,
        service_center=tech.service_center,
        status="approved",
        reason="x",
        starts_at=at(datetime.date(2026, 10, 1), 0),
        ends_at=at(datetime.date(2026, 10, 11), 23),
    )

    assert selectors.days_absent(person=tech, year=2026, month=10) == Decimal("3.00")


def test_the_weekly_summary_draft_reads_in_the_readers_language(users, tech):
    """Found by a probe in English, 2026-12-06: "- BX… 86.40 元 Draft" and "…有限公司：Replaced V-belt"."""
    from django.utils import translation

    from aftersales.service.services import record_visit
    from aftersales.workforce.services import claims

    order = job_for(users)
    record_visit(order, by=tech, work_done="Replaced the V-belt")
    claim = claims.create_claim(by=tech)
    claims.add_expense_line(
        claim_id=claim.pk,
        by=tech,
        kind="meals",
        spent_on=timezone.localdate(),
        amount="1086.40",
        description="dinner",
        order_id=order.pk,
    )
    monday = week_start_of(timezone.localdate())

    with translation.override("en"):
        draft = selectors.draft_weekly_summary(person=tech, week_start=monday)

    assert f"{order.customer.name}: Replaced the V-belt" in draft
    assert "¥1,086.40" in draft and "元" not in draft and "：" not in draft


def test_the_weeks_draft_says_which_visit_ended_without_a_signature(users, tech):
    order = job_for(users)
    visit = record_visit(order, by=tech)
    end_visit_unsigned(visit, by=tech, reason="return_needed")

    with translation.override("en"):
        draft = selectors.draft_weekly_summary(person=tech, week_start=week_start_of(timezone.localdate()))

    assert f"{order.number} " in draft
    assert "(ended without a signature: Not finished: another visit is needed)" in draft
