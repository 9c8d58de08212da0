"""Dispatch checks (``core.registry.dispatch_checks``): a refused technician is not offered on the board
and is refused by ``assign_technician`` and the API, unless a manager overrides an overridable rule."""

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core import registry
from aftersales.core.errors import PermissionDeniedError, ValidationFailed
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.models import OrderEvent, ServiceOrder
from aftersales.service.services import assign_technician
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db

REFUSED: set[int] = set()
CALLS: list[int] = []


def no_ladder(*, orders, technicians, at):
    CALLS.append(len(orders))
    return {(o.pk, t.pk): "no ladder certificate" for o in orders for t in technicians if t.pk in REFUSED}


def away(*, orders, technicians, at):
    return {(o.pk, t.pk): "on leave" for o in orders for t in technicians if t.username == "away-sh"}


@pytest.fixture
def checks():
    REFUSED.clear()
    CALLS.clear()
    registry.dispatch_checks.register(registry.DispatchCheck("test.ladder", no_ladder))
    registry.dispatch_checks.register(registry.DispatchCheck("test.away", away, overridable=False))
    yield
    registry.dispatch_checks.unregister("test.ladder")
    registry.dispatch_checks.unregister("test.away")


@pytest.fixture
def second(centre):
    return UserFactory(
        username="tech2-sh", role=Role.TECHNICIAN, service_center=centre, first_name="师傅", last_name="李"
    )


def order_in(centre, users) -> ServiceOrder:
    return make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))


def test_refused_technician_is_not_offered_and_the_board_says_why(client, checks, centre, users, second):
    orders = [order_in(centre, users) for _ in range(3)]
    REFUSED.add(second.pk)
    client.force_login(users[Role.DISPATCHER])

    body = client.get("/dispatch/").content.decode()

    assert CALLS == [3]  # one pass for every row
    assert f'data-not-offered="{second.pk}"' in body
    assert "no ladder certificate" in body
    row = body.split(f'id="dispatch-row-{orders[0].pk}"')[1].split("</tr>")[0]
    assert f'<option value="{second.pk}"' not in row
    assert f'<option value="{users[Role.TECHNICIAN].pk}"' in row


def test_assign_refused_technician_answers_not_dispatchable_and_writes_nothing(checks, centre, users, second):
    order = order_in(centre, users)
    REFUSED.add(second.pk)
    events = OrderEvent.objects.count()

    with pytest.raises(ValidationFailed) as error:
        assign_technician(order, by=users[Role.DISPATCHER], technician=second)

    assert error.value.code == "not_dispatchable"
    assert error.value.field == "technician_id"
    assert "no ladder certificate" in error.value.detail
    order.refresh_from_db()
    assert order.technician_id is None
    assert OrderEvent.objects.count() == events


def test_override_needs_the_capability_and_a_reason(checks, centre, users, second):
    order = order_in(centre, users)
    REFUSED.add(second.pk)

    with pytest.raises(PermissionDeniedError):
        assign_technician(order, by=users[Role.DISPATCHER], technician=second, override=True, reason="urgent")
    with pytest.raises(ValidationFailed) as error:
        assign_technician(order, by=users[Role.MANAGER], technician=second, override=True)
    assert error.value.code == "reason_required"

    order = assign_technician(order, by=users[Role.MANAGER], technician=second, override=True, reason="urgent")

    assert order.technician_id == second.pk
    event = OrderEvent.objects.filter(order=order, type="assigned").get()
    assert event.data["overridden"] == ["no ladder certificate"]


def test_a_rule_that_cannot_be_overridden_refuses_the_manager_too(checks, centre, users):
    order = order_in(centre, users)
    away_tech = UserFactory(username="away-sh", role=Role.TECHNICIAN, service_center=centre)

    with pytest.raises(ValidationFailed) as error:
        assign_technician(order, by=users[Role.MANAGER], technician=away_tech, override=True, reason="urgent")

    assert error.value.code == "not_dispatchable"
    assert error.value.extra["reasons"][0]["overridable"] is False


def test_api_assign_refused_then_overridden(checks, api_client, centre, users, second):
    order = order_in(centre, users)
    REFUSED.add(second.pk)
    url = f"/api/v1/orders/{order.pk}/assign"

    refused = api_client(users[Role.MANAGER]).post(url, {"technician_id": second.pk}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "not_dispatchable"
    assert refused.json()["reasons"][0]["reason"] == "no ladder certificate"

    body = {"technician_id": second.pk, "override": True, "reason": "only he is free"}
    done = api_client(users[Role.MANAGER]).post(url, body, content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["technician"]["id"] == second.pk
