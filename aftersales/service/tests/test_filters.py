import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory
from aftersales.service.filters import ServiceOrderFilter
from aftersales.service.models import ServiceOrder
from aftersales.service.tests.factories import make_order

SHANGHAI = ZoneInfo("Asia/Shanghai")


def filtered(**data):
    return set(ServiceOrderFilter(data=data, queryset=ServiceOrder.objects.all()).qs)


@pytest.mark.django_db
def test_received_dates_are_local_days(users, centre):
    late = make_order(
        by=users[Role.AGENT],
        customer=CustomerFactory(service_center=centre),
        received_at=datetime.datetime(2026, 11, 26, 23, 30, tzinfo=SHANGHAI),
    )

    assert late in filtered(received_to="2026-11-26")
    assert late in filtered(received_from="2026-11-26")
    assert late not in filtered(received_from="2026-11-27")
    assert late not in filtered(received_to="2026-11-25")


@pytest.mark.django_db
def test_received_dates_compare_the_column_with_local_midnight(users, centre):
    day = timezone.localdate() - datetime.timedelta(days=3)
    next_day = day + datetime.timedelta(days=1)
    customer = CustomerFactory(service_center=centre)
    late = make_order(by=users[Role.AGENT], customer=customer, received_at=_at(day, 23, 30))  # 15:30 UTC
    early = make_order(by=users[Role.AGENT], customer=customer, received_at=_at(next_day, 0, 10))  # 16:10 UTC, day

    assert filtered(received_from=next_day.isoformat(), received_to=next_day.isoformat()) == {early}
    assert filtered(received_from=day.isoformat(), received_to=day.isoformat()) == {late}

    query = ServiceOrderFilter(data={"received_from": day, "received_to": day}, queryset=ServiceOrder.objects.all()).qs
    with CaptureQueriesContext(connection) as captured:
        list(query)
    sql = captured.captured_queries[-1]["sql"].lower()
    # The column is compared as stored (an index range), never converted to a local date first.
    for conversion in ("django_datetime_cast_date", "at time zone", "::date", "cast("):
        assert conversion not in sql, sql
    assert '"received_at" >=' in sql and '"received_at" <' in sql, sql


def _at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


@pytest.mark.django_db
def test_search_finds_serial_customer_name_and_contact_phone(users, centre):
    customer = CustomerFactory(service_center=centre, name="华通机电设备有限公司")
    ContactFactory(customer=customer, mobile="+8613812345678")
    order = make_order(by=users[Role.AGENT], customer=customer, reporter_phone="13900000000")
    other = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre, name="北方重工"))

    assert filtered(q=order.unit.serial_number.lower()) == {order}
    assert filtered(q="华通") == {order}
    assert filtered(q="138 1234 5678") == {order}
    assert filtered(q="13900000000") == {order}
    assert filtered(q="139-0000-1111") == {other}
    assert filtered(q=order.number) == {order}
