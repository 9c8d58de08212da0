"""Money's figures for pay (labour and parts revenue, 工时费产值 / 配件产值): booked lines only (approved or
invoiced; drafts and quotes not yet accepted do not count), at their gross, credited to whoever took
the order, in the centre asked for."""

import datetime

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.money import services
from aftersales.money.choices import ChargeKind
from aftersales.money.figures import measure_labour_revenue, measure_parts_revenue
from aftersales.money.tests.factories import order_with

pytestmark = pytest.mark.django_db


def rows(measure, **kwargs):
    today = timezone.localdate()
    return list(measure(start=today, end=today + datetime.timedelta(days=1), rules={}, **kwargs))


def test_only_booked_lines_count_at_their_gross_for_whoever_took_the_order(users, centre, other_centre):
    agent = users[Role.AGENT]
    booked = order_with("expired", by=agent)
    line = services.add_charge(booked, by=agent, kind=ChargeKind.LABOUR, description="人工", unit_price="100.00")
    services.answer_quote(services.send_quote(booked, by=agent), approve=True, name="王")
    services.add_charge(booked, by=agent, kind=ChargeKind.LABOUR, description="加班", unit_price="50.00")  # a draft
    waiting = order_with("expired", by=agent)
    services.add_charge(waiting, by=agent, kind=ChargeKind.LABOUR, description="人工", unit_price="80.00")
    services.send_quote(waiting, by=agent)  # not answered yet

    [row] = rows(measure_labour_revenue, centre_ids=None)

    line.refresh_from_db()
    assert (row.person_id, row.centre_id, row.record_id, row.reference) == (
        agent.pk,
        centre.pk,
        booked.pk,
        booked.number,
    )
    assert row.amount == line.gross and str(row.amount) == str(line.gross)
    assert rows(measure_parts_revenue, centre_ids=None) == []
    assert rows(measure_labour_revenue, centre_ids=[other_centre.pk]) == []
