"""The absence and overtime exports (workforce/exports.py): the list screens' rows in the reader's scope
(``workforce_scope``: a technician their own, a manager their centre's), with the allowance as money."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.workforce.services import attendance, overtime

pytestmark = pytest.mark.django_db


def _url(kind):
    return reverse("exchange:export", kwargs={"kind": kind, "fmt": "xlsx"})


def _rows(client, kind):
    answer = client.get(_url(kind))
    assert answer.status_code == 200, answer.content
    return list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(min_row=2, values_only=True))


def _absence(person, days, reason="事假"):
    starts = timezone.now() + datetime.timedelta(days=days)
    return attendance.request_absence(
        by=person, starts_at=starts, ends_at=starts + datetime.timedelta(hours=4), reason=reason
    )


@pytest.fixture
def staff(users, other_centre):
    tech = users[Role.TECHNICIAN]
    mate = UserFactory(role=Role.TECHNICIAN, service_center=tech.service_center, first_name="同事", last_name="")
    far = UserFactory(role=Role.TECHNICIAN, service_center=other_centre, first_name="北京", last_name="")
    return {"tech": tech, "mate": mate, "far": far}


def test_the_absence_export_is_the_lists_absences_in_scope(client, users, staff):
    approved = _absence(staff["tech"], 3, "看病")
    attendance.decide_absence(absence_id=approved.pk, by=users[Role.MANAGER], approve=True)
    _absence(staff["mate"], 4)
    _absence(staff["far"], 5, "北京的假")
    client.force_login(users[Role.MANAGER])

    page = client.get(reverse("workforce:absences")).content.decode()
    rows = _rows(client, "absences")

    assert 'href="/exports/absences.xlsx"' in page
    assert [row[4] for row in rows] == ["事假", "看病"]  # latest start first; not the other centre's
    seen = rows[1]
    assert seen[0] == str(staff["tech"]) and seen[5] == "已批准" and seen[6] == str(users[Role.MANAGER])
    assert isinstance(seen[2], datetime.datetime) and seen[7] is not None
    client.force_login(staff["tech"])
    assert [row[4] for row in _rows(client, "absences")] == ["看病"]  # a technician: their own only


def test_the_overtime_export_has_the_allowance_as_money_in_scope(client, users, staff):
    today = timezone.localdate()
    overtime.record_overtime(by=staff["tech"], day=today, note="周末抢修")
    overtime.record_overtime(by=staff["far"], day=today, note="北京")
    client.force_login(users[Role.MANAGER])

    page = client.get(reverse("workforce:overtime")).content.decode()
    [row] = _rows(client, "overtime")

    assert 'href="/exports/overtime.xlsx"' in page
    assert (row[0], row[2].date(), Decimal(str(row[3])), row[5]) == (str(staff["tech"]), today, Decimal(60), "周末抢修")


def test_roles_outside_the_workforce_export_neither(client, users):
    client.force_login(users[Role.AGENT])

    assert client.get(_url("absences")).status_code == 403
    assert client.get(_url("overtime")).status_code == 403


@pytest.mark.parametrize("kind", ["absences", "overtime"])
def test_the_exports_queries_do_not_grow_with_their_rows(client, users, staff, kind):
    client.force_login(users[Role.MANAGER])

    def add(n):
        for i in range(n):
            person = UserFactory(role=Role.TECHNICIAN, service_center=staff["tech"].service_center)
            record = (
                _absence(person, 3 + i)
                if kind == "absences"
                else overtime.record_overtime(by=person, day=timezone.localdate() - datetime.timedelta(days=i))
            )
            decide = attendance.decide_absence if kind == "absences" else overtime.decide_overtime
            decide(
                **{f"{'absence' if kind == 'absences' else 'overtime'}_id": record.pk},
                by=users[Role.MANAGER],
                approve=True,
            )

    add(1)
    with CaptureQueriesContext(connection) as few:
        _rows(client, kind)
    add(5)
    with CaptureQueriesContext(connection) as many:
        rows = _rows(client, kind)

    assert len(rows) == 6
    assert len(many.captured_queries) == len(few.captured_queries)
