"""The order export's rows: each clock has its own column beside the combined SLA state, so a missed
response shows in the file as it does on the list and the order page."""

import datetime

import pytest
from django.utils import timezone
from django.utils.translation import override

from aftersales.accounts.choices import Role
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.exports import ORDER_COLUMNS, order_rows
from aftersales.service.tests.factories import make_order, set_order_times

pytestmark = pytest.mark.django_db


def _row(user, number):
    with override("en"):
        header = [str(c) for c in ORDER_COLUMNS]
        rows = [
            [c if c is None or isinstance(c, (bool, datetime.datetime)) else str(c) for c in r]
            for r in order_rows(user=user, params={}, now=timezone.now()).rows
        ]
    (row,) = [r for r in rows if r[0] == number]
    return dict(zip(header, row, strict=True))


def test_a_missed_response_shows_in_its_own_column_and_in_the_combined_state(users, centre):
    order = make_order(customer=CustomerFactory(service_center=centre), by=users[Role.AGENT])
    now = timezone.now()
    set_order_times(
        order,
        respond_by=now - datetime.timedelta(hours=1),
        at_risk_at=now + datetime.timedelta(days=3),
        due_at=now + datetime.timedelta(days=4),
    )

    row = _row(users[Role.AGENT], order.number)

    assert (row["Response state"], row["Resolution state"], row["SLA state"]) == ("Overdue", "On track", "Overdue")
    assert row["Responded at"] is None
    assert abs(row["Respond by"] - (now - datetime.timedelta(hours=1))) < datetime.timedelta(seconds=1)


def test_a_response_in_time_leaves_only_the_resolution_clock(users, centre):
    order = make_order(customer=CustomerFactory(service_center=centre), by=users[Role.AGENT])
    now = timezone.now()
    set_order_times(
        order,
        respond_by=now - datetime.timedelta(hours=1),
        responded_at=now - datetime.timedelta(hours=2),
        at_risk_at=now - datetime.timedelta(hours=1),
        due_at=now + datetime.timedelta(hours=5),
    )

    row = _row(users[Role.AGENT], order.number)

    assert (row["Response state"], row["Resolution state"], row["SLA state"]) == ("Done", "At risk", "At risk")
