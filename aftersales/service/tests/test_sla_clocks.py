"""The two SLA clocks of an order (domain.md Intake: respond within 24 hours; Repair §6 1.3.3:
resolve within N working days): each has its own state, the combined state is the worst of the two,
and the Python rule for one order agrees with the SQL condition behind the filters and the counts."""

import datetime
import itertools

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.choices import OrderStatus, SlaState
from aftersales.service.home import state_counts
from aftersales.service.models import ServiceOrder
from aftersales.service.sla import resolution_state, response_state, sla_state, sla_states
from aftersales.service.tests.factories import make_order, set_order_times

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def order(users, centre) -> ServiceOrder:
    return make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))


def test_response_missed_while_resolution_on_track_is_overdue(order):
    now = timezone.now()
    order = set_order_times(order, respond_by=now - HOUR, at_risk_at=now + 3 * DAY, due_at=now + 4 * DAY)

    states = sla_states(order, now=now)

    assert (states.response, states.resolution, states.combined) == ("overdue", "on_track", "overdue")
    assert list(ServiceOrder.objects.in_response_state("overdue", now=now)) == [order]
    assert list(ServiceOrder.objects.in_resolution_state("on_track", now=now)) == [order]
    assert list(ServiceOrder.objects.in_sla_state("overdue", now=now)) == [order]


def test_response_at_risk_in_the_last_four_hours(order):
    now = timezone.now()
    order = set_order_times(order, respond_by=now + 3 * HOUR, at_risk_at=now + 3 * DAY, due_at=now + 4 * DAY)

    assert response_state(order, now=now) == SlaState.AT_RISK
    assert resolution_state(order, now=now) == SlaState.ON_TRACK
    assert sla_state(order, now=now) == SlaState.AT_RISK


def test_responded_order_is_judged_by_its_resolution_clock(order):
    now = timezone.now()
    order = set_order_times(
        order, responded_at=now - DAY, respond_by=now - HOUR, at_risk_at=now - HOUR, due_at=now + DAY
    )

    assert response_state(order, now=now) == SlaState.DONE
    assert resolution_state(order, now=now) == SlaState.AT_RISK
    assert sla_state(order, now=now) == SlaState.AT_RISK


def test_resolution_overdue_after_due(order):
    now = timezone.now()
    order = set_order_times(order, responded_at=now - DAY, at_risk_at=now - 2 * DAY, due_at=now - HOUR)

    assert resolution_state(order, now=now) == SlaState.OVERDUE
    assert sla_state(order, now=now) == SlaState.OVERDUE


@pytest.mark.parametrize("status", [OrderStatus.COMPLETED, OrderStatus.CLOSED, OrderStatus.CANCELLED])
def test_both_clocks_done_once_the_order_is_no_longer_open(order, status):
    now = timezone.now()
    order = set_order_times(order, status=status, respond_by=now - DAY, due_at=now - HOUR, at_risk_at=now - DAY)

    assert sla_states(order, now=now).response == SlaState.DONE
    assert sla_states(order, now=now).resolution == SlaState.DONE
    assert sla_state(order, now=now) == SlaState.DONE


def test_python_and_sql_agree_on_every_combination(users, centre):
    """Every combination of open/closed, responded or not, and respond-by / at-risk / due before,
    at and after ``now`` (the boundaries included): each order's state computed in Python is the
    state whose SQL condition selects it, for each clock and for the combined state."""
    now = timezone.now().replace(microsecond=0)
    offsets = (-DAY, -datetime.timedelta(hours=4), datetime.timedelta(0), 3 * HOUR, 4 * HOUR, 5 * HOUR, DAY)
    customer = CustomerFactory(service_center=centre)
    template = make_order(by=users[Role.AGENT], customer=customer)
    rows = []
    for status, responded, respond, risk, due in itertools.product(
        (OrderStatus.DISPATCHED, OrderStatus.COMPLETED), (False, True), offsets, offsets, offsets
    ):
        if risk > due:
            continue  # at_risk_at is never after due_at
        rows.append(
            ServiceOrder(
                **{
                    f.attname: getattr(template, f.attname)
                    for f in ServiceOrder._meta.concrete_fields
                    if not f.primary_key
                },
            )
        )
        row = rows[-1]
        row.number = f"SO{len(rows):012d}"
        row.status, row.responded_at = status, (now - DAY if responded else None)
        row.respond_by, row.at_risk_at, row.due_at = now + respond, now + risk, now + due
    ServiceOrder.objects.bulk_create(rows)
    orders = list(ServiceOrder.objects.exclude(pk=template.pk))
    rules = (
        (response_state, ServiceOrder.objects.in_response_state),
        (resolution_state, ServiceOrder.objects.in_resolution_state),
        (sla_state, ServiceOrder.objects.in_sla_state),
    )

    for python_rule, sql_filter in rules:
        for state in SlaState.values:
            expected = {o.pk for o in orders if python_rule(o, now=now) == state}
            selected = set(sql_filter(state, now=now).exclude(pk=template.pk).values_list("pk", flat=True))
            assert selected == expected, (python_rule.__name__, state)
    assert {sla_state(o, now=now) for o in orders} == set(SlaState.values)


def test_api_shows_both_clocks_next_to_the_combined_state(order, users, api_client):
    now = timezone.now()
    order = set_order_times(order, respond_by=now - HOUR, at_risk_at=now + 3 * DAY, due_at=now + 4 * DAY)
    agent = api_client(users[Role.AGENT])

    listed = agent.get("/api/v1/orders").json()["items"][0]["sla"]
    detail = agent.get(f"/api/v1/orders/{order.pk}").json()["sla"]

    for sla in (listed, detail):
        assert (sla["state"], sla["response_state"], sla["resolution_state"]) == ("overdue", "overdue", "on_track")


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"response_state": "overdue"}, {"late_call"}),
        ({"response_state": "done"}, {"late_repair"}),
        ({"resolution_state": "overdue"}, {"late_repair"}),
        ({"resolution_state": "on_track"}, {"late_call"}),
        ({"sla_state": "overdue"}, {"late_call", "late_repair"}),
        ({"sla_state": "on_track"}, set()),
    ],
)
def test_api_filters_by_each_clock(users, centre, api_client, params, found):
    now = timezone.now()
    customer = CustomerFactory(service_center=centre)
    late_call = set_order_times(
        make_order(by=users[Role.AGENT], customer=customer),
        respond_by=now - HOUR, at_risk_at=now + 3 * DAY, due_at=now + 4 * DAY,
    )  # fmt: skip
    late_repair = set_order_times(
        make_order(by=users[Role.AGENT], customer=customer),
        responded_at=now - 3 * DAY, respond_by=now - 2 * DAY, at_risk_at=now - DAY, due_at=now - HOUR,
    )  # fmt: skip
    names = {late_call.pk: "late_call", late_repair.pk: "late_repair"}

    items = api_client(users[Role.AGENT]).get("/api/v1/orders", params).json()["items"]

    assert {names[row["id"]] for row in items} == found


def test_api_rejects_an_unknown_clock_state(users, api_client):
    response = api_client(users[Role.AGENT]).get("/api/v1/orders", {"response_state": "late"})

    assert response.status_code in (400, 422)
    assert "response_state" in response.content.decode()


def test_home_counts_include_response_breaches_and_risks(users, centre):
    now = timezone.now()
    customer = CustomerFactory(service_center=centre)
    set_order_times(make_order(by=users[Role.AGENT], customer=customer), respond_by=now - HOUR, due_at=now + 4 * DAY)
    set_order_times(
        make_order(by=users[Role.AGENT], customer=customer), respond_by=now + 2 * HOUR, due_at=now + 4 * DAY
    )

    counts = state_counts(users[Role.MANAGER], now=now)

    assert (counts["overdue"], counts["at_risk"]) == (1, 1)
    assert (counts["response_overdue"], counts["response_at_risk"]) == (1, 1)
    assert (counts["resolution_overdue"], counts["resolution_at_risk"]) == (0, 0)


def test_order_list_screen_shows_and_filters_both_clocks(order, users, client):
    now = timezone.now()
    set_order_times(order, respond_by=now - HOUR, at_risk_at=now + 3 * DAY, due_at=now + 4 * DAY)
    client.force_login(users[Role.DISPATCHER])

    late = client.get("/orders/", {"response_state": "overdue"}).content.decode()
    on_time = client.get("/orders/", {"response_state": "on_track"}).content.decode()

    assert order.number in late
    assert 'data-status="overdue"' in late and 'data-status="on_track"' in late  # response, resolution
    assert order.number not in on_time


def test_home_tiles_show_each_clocks_breaches(order, users, client):
    now = timezone.now()
    set_order_times(order, respond_by=now - HOUR, at_risk_at=now + 3 * DAY, due_at=now + 4 * DAY)
    client.force_login(users[Role.MANAGER])

    page = client.get("/").content.decode()

    assert 'href="/orders/?response_state=overdue" data-clock="response">' in page
    response_link = page.split('href="/orders/?response_state=overdue" data-clock="response">')[1]
    assert '<span class="fw-semibold">1</span>' in response_link.split("</a>")[0]
    resolution_link = page.split('href="/orders/?resolution_state=overdue" data-clock="resolution">')[1]
    assert '<span class="fw-semibold">0</span>' in resolution_link.split("</a>")[0]


# ---- a finished order: in time or late (found by hand, 2026-12-06: the list showed "已完成" twice) ----
@pytest.mark.parametrize(
    ("status", "responded", "completed", "expected"),
    [
        (OrderStatus.COMPLETED, -30 * HOUR, -HOUR, True),  # responded in time, completed before due
        (OrderStatus.CLOSED, None, -HOUR, True),  # completed on the first visit, no separate response
        (OrderStatus.COMPLETED, -30 * HOUR, HOUR, False),  # completed after the due time
        (OrderStatus.COMPLETED, -10 * HOUR, -HOUR, False),  # responded after respond-by
        (OrderStatus.CANCELLED, None, None, None),  # ended without being completed
        (OrderStatus.ACCEPTED, -30 * HOUR, None, None),  # still open
    ],
)
def test_a_finished_order_was_in_time_or_late(order, status, responded, completed, expected):
    from aftersales.service.sla import finished_in_time

    due = timezone.now()
    order = set_order_times(
        order,
        status=status,
        respond_by=due - 20 * HOUR,
        due_at=due,
        responded_at=None if responded is None else due + responded,
        completed_at=None if completed is None else due + completed,
    )

    assert finished_in_time(order) is expected


def test_the_order_list_says_in_time_or_late_for_finished_orders_not_done_again(users, order, client):
    due = timezone.now() - DAY
    set_order_times(order, status=OrderStatus.COMPLETED, respond_by=due - DAY, due_at=due, completed_at=due + HOUR)
    cancelled = make_order(by=users[Role.AGENT], customer=order.customer)
    set_order_times(cancelled, status=OrderStatus.CANCELLED)
    client.force_login(users[Role.AGENT])

    page = client.get("/orders/").content.decode()

    assert 'data-outcome="late"' in page and 'data-outcome="none"' in page
    assert 'data-enum="service.SlaState" data-status="done"' not in page
