import datetime as dt

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.calendars.choices import DayKind
from aftersales.calendars.models import CalendarDay, CalendarYear
from aftersales.calendars.selectors import is_working_day, year_is_known
from aftersales.calendars.services import mark_year_entered, remove_calendar_day, set_calendar_day
from aftersales.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.models import AuditLog


@pytest.mark.django_db
def test_set_calendar_day_creates_holiday_and_audits():
    day = set_calendar_day(day=dt.date(2026, 11, 30), kind=DayKind.HOLIDAY, name=" company day ", by=None)

    assert (day.date, day.kind, day.name) == (dt.date(2026, 11, 30), DayKind.HOLIDAY, "company day")
    assert is_working_day(day=dt.date(2026, 11, 30)) is False
    log = AuditLog.objects.get()
    assert log.action == "calendars.set_calendar_day"
    assert log.detail["date"] == "2026-11-30"
    assert log.detail["previous"] is None


@pytest.mark.django_db
def test_set_calendar_day_existing_day_is_updated_in_place():
    first = set_calendar_day(day=dt.date(2027, 2, 6), kind=DayKind.WORKDAY, name="调休", by=None)

    second = set_calendar_day(day=dt.date(2027, 2, 6), kind=DayKind.HOLIDAY, name="春节", by=None)

    assert second.pk == first.pk
    assert CalendarDay.objects.get().kind == DayKind.HOLIDAY
    assert AuditLog.objects.order_by("-id").first().detail["previous"] == {"kind": "workday", "name": "调休"}


@pytest.mark.django_db
def test_set_calendar_day_holiday_on_weekend_is_allowed():
    set_calendar_day(day=dt.date(2027, 2, 7), kind=DayKind.HOLIDAY, by=None)  # a Sunday

    assert CalendarDay.objects.filter(date=dt.date(2027, 2, 7)).exists()


@pytest.mark.django_db
def test_set_calendar_day_workday_on_ordinary_weekday_is_redundant():
    with pytest.raises(ValidationFailed) as error:
        set_calendar_day(day=dt.date(2027, 3, 3), kind=DayKind.WORKDAY, by=None)  # a Wednesday

    assert error.value.code == "calendar_day_redundant"
    assert error.value.field == "kind"
    assert not CalendarDay.objects.exists()
    assert not AuditLog.objects.exists()


@pytest.mark.django_db
def test_set_calendar_day_workday_on_bundled_holiday_weekday_is_allowed():
    # Mon Oct 5 2026 is a National Day holiday in the bundled data; an admin may correct it.
    set_calendar_day(day=dt.date(2026, 10, 5), kind=DayKind.WORKDAY, by=None)

    assert is_working_day(day=dt.date(2026, 10, 5)) is True


@pytest.mark.django_db
def test_set_calendar_day_workday_on_weekend_is_allowed():
    set_calendar_day(day=dt.date(2027, 2, 20), kind=DayKind.WORKDAY, name="调休", by=None)  # a Saturday

    assert is_working_day(day=dt.date(2027, 2, 20)) is True


@pytest.mark.django_db
@pytest.mark.parametrize("day", [dt.date(1999, 12, 31), dt.date(2101, 1, 3)])
def test_set_calendar_day_out_of_range_year_is_refused(day):
    with pytest.raises(ValidationFailed) as error:
        set_calendar_day(day=day, kind=DayKind.HOLIDAY, by=None)

    assert error.value.code == "calendar_year_out_of_range"


@pytest.mark.django_db
def test_set_calendar_day_unknown_kind_is_refused():
    with pytest.raises(ValidationFailed) as error:
        set_calendar_day(day=dt.date(2027, 2, 8), kind="vacation", by=None)

    assert error.value.code == "calendar_day_kind_invalid"


@pytest.mark.django_db
def test_set_calendar_day_long_name_is_refused():
    with pytest.raises(ValidationFailed) as error:
        set_calendar_day(day=dt.date(2027, 2, 8), kind=DayKind.HOLIDAY, name="x" * 101, by=None)

    assert error.value.code == "calendar_day_name_too_long"


@pytest.mark.django_db
def test_remove_calendar_day_falls_back_to_bundled():
    set_calendar_day(day=dt.date(2026, 11, 30), kind=DayKind.HOLIDAY, by=None)

    remove_calendar_day(day=dt.date(2026, 11, 30), by=None)

    assert is_working_day(day=dt.date(2026, 11, 30)) is True
    assert AuditLog.objects.order_by("-id").first().action == "calendars.remove_calendar_day"


@pytest.mark.django_db
def test_remove_calendar_day_missing_is_not_found():
    with pytest.raises(NotFoundError) as error:
        remove_calendar_day(day=dt.date(2026, 11, 30), by=None)

    assert error.value.code == "calendar_day_not_found"


@pytest.mark.django_db
def test_mark_year_entered_makes_year_known_and_upserts():
    assert year_is_known(year=2027) is False

    first = mark_year_entered(year=2027, note="draft", by=None)
    second = mark_year_entered(year=2027, note="State Council notice", by=None)

    assert second.pk == first.pk
    assert CalendarYear.objects.get().note == "State Council notice"
    assert year_is_known(year=2027) is True
    assert AuditLog.objects.filter(action="calendars.mark_year_entered").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("year", [1999, 2101])
def test_mark_year_entered_out_of_range_is_refused(year):
    with pytest.raises(ValidationFailed) as error:
        mark_year_entered(year=year, by=None)

    assert error.value.code == "calendar_year_out_of_range"
    assert error.value.field == "year"


@pytest.mark.django_db
def test_set_calendar_day_by_admin_records_actor():
    admin = User.objects.create_user(username="admin1", password="x", role=Role.ADMIN)

    set_calendar_day(day=dt.date(2026, 11, 30), kind=DayKind.HOLIDAY, by=admin)

    assert AuditLog.objects.get().user == admin


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.AGENT, Role.MANAGER, Role.GENERAL_MANAGER])
def test_calendar_services_non_admin_is_denied(role):
    user = User.objects.create_user(username="someone", password="x", role=role)

    with pytest.raises(PermissionDeniedError) as error:
        set_calendar_day(day=dt.date(2026, 11, 30), kind=DayKind.HOLIDAY, by=user)
    with pytest.raises(PermissionDeniedError):
        mark_year_entered(year=2027, by=user)

    assert error.value.code == "calendar_edit_denied"
    assert not CalendarDay.objects.exists()
    assert not CalendarYear.objects.exists()


# ---- a year marked entered by mistake can be unmarked (found by hand, 2026-12-07: only the Django admin could)
@pytest.mark.django_db
def test_unmark_year_entered_makes_the_year_unknown_again_audited_and_in_its_history():
    from aftersales.calendars.services import unmark_year_entered
    from aftersales.history.models import Activity

    admin = User.objects.create_user(username="admin1", password="x", role=Role.ADMIN)
    marked = mark_year_entered(year=2027, note="国办发明电", by=admin)

    unmark_year_entered(year=2027, by=admin)

    assert year_is_known(year=2027) is False
    assert not CalendarYear.objects.exists()
    log = AuditLog.objects.get(action="calendars.unmark_year_entered")
    assert (log.user, log.detail) == (admin, {"year": 2027, "note": "国办发明电"})
    activity = Activity.objects.filter(target_id=marked.pk).order_by("-id").first()
    assert (activity.type, activity.data["subject"]) == ("calendar_year.unmarked", "2027")


@pytest.mark.django_db
def test_unmark_a_year_never_marked_is_not_found_and_others_are_denied():
    from aftersales.calendars.services import unmark_year_entered

    with pytest.raises(NotFoundError) as error:
        unmark_year_entered(year=2027, by=None)
    assert (error.value.code, error.value.field) == ("calendar_year_not_entered", "year")

    mark_year_entered(year=2027, by=None)
    manager = User.objects.create_user(username="someone", password="x", role=Role.MANAGER)
    with pytest.raises(PermissionDeniedError):
        unmark_year_entered(year=2027, by=manager)
    assert CalendarYear.objects.filter(year=2027).exists()
