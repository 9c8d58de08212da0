import datetime as dt

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.calendars.choices import DayKind
from aftersales.calendars.models import CalendarDay, CalendarYear
from aftersales.core.models import AuditLog


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser(username="root", password="x", role=Role.ADMIN)
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_calendar_day_admin_add_goes_through_service(admin_client):
    response = admin_client.post(
        "/admin/calendars/calendarday/add/", {"date": "2026-11-30", "kind": DayKind.HOLIDAY, "name": "company day"}
    )

    assert response.status_code == 302
    assert CalendarDay.objects.get().date == dt.date(2026, 11, 30)
    assert AuditLog.objects.get().action == "calendars.set_calendar_day"


@pytest.mark.django_db
def test_calendar_day_admin_redundant_workday_shows_form_error(admin_client):
    response = admin_client.post("/admin/calendars/calendarday/add/", {"date": "2026-11-30", "kind": DayKind.WORKDAY})

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["kind"]
    assert "2026-11-30" in response.context["adminform"].form.errors["kind"][0]
    assert not CalendarDay.objects.exists()


@pytest.mark.django_db
def test_calendar_admin_lists_render(admin_client):
    CalendarDay.objects.create(date=dt.date(2026, 11, 30), kind=DayKind.HOLIDAY)
    CalendarYear.objects.create(year=2027)

    assert admin_client.get("/admin/calendars/calendarday/?kind=holiday").status_code == 200
    assert admin_client.get("/admin/calendars/calendaryear/").status_code == 200


@pytest.mark.django_db
def test_calendar_year_admin_add_goes_through_service(admin_client):
    response = admin_client.post("/admin/calendars/calendaryear/add/", {"year": "2027", "note": "entered"})

    assert response.status_code == 302
    assert CalendarYear.objects.get().year == 2027
