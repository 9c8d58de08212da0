"""GET /api/v1/orders/due-date-moves and POST …/apply: scope, administrators only, bad input writes nothing."""

import datetime
from typing import Any

import pytest
from django.test import Client

from aftersales.accounts.choices import Role
from aftersales.calendars.services import set_calendar_day
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.notifications.models import OutboxMessage
from aftersales.service.choices import EventType
from aftersales.service.models import OrderEvent, ServiceOrder
from aftersales.service.tests.factories import make_order
from aftersales.service.tests.test_due_moves import end_of, local

JSON = "application/json"
URL = "/api/v1/orders/due-date-moves"


@pytest.fixture(autouse=True)
def _wide_intake_window(settings: Any) -> None:
    settings.AFTERSALES = {**settings.AFTERSALES, "RECEIVED_WITHIN_DAYS": 36500}


@pytest.fixture
def moved(users: dict[str, Any], centre: Any) -> list[ServiceOrder]:
    """Three orders whose due dates a holiday on Tue 10 Nov 2026 moves a day later."""
    customer = CustomerFactory(service_center=centre, name="上海冷链")
    orders = [make_order(by=users[Role.AGENT], customer=customer, received_at=local(2026, 11, 5)) for _ in range(3)]
    set_calendar_day(day=datetime.date(2026, 11, 10), kind="holiday", by=users[Role.ADMIN])
    return orders


def written() -> tuple[int, int, list[Any]]:
    return (
        OrderEvent.objects.filter(type=EventType.DUE_RECOMPUTED).count(),
        OutboxMessage.objects.count(),
        sorted(ServiceOrder.objects.values_list("due_at", flat=True)),
    )


@pytest.mark.django_db
def test_preview_lists_the_moves_with_paging(users, api_client, moved):
    client: Client = api_client(users[Role.ADMIN])

    first = client.get(URL, {"limit": 2})
    assert first.status_code == 200, first.content
    body = first.json()
    assert (body["count"], body["later"], body["earlier"]) == (3, 3, 0)
    assert [item["number"] for item in body["items"]] == sorted(o.number for o in moved)[:2]
    item = body["items"][0]
    assert item["direction"] == "later" and item["customer_name"] == "上海冷链"
    assert datetime.datetime.fromisoformat(item["old_due_at"]) == end_of(2026, 11, 16)
    assert datetime.datetime.fromisoformat(item["new_due_at"]) == end_of(2026, 11, 17)
    second = client.get(URL, {"limit": 2, "cursor": body["next_cursor"]}).json()
    assert [item["number"] for item in second["items"]] == [sorted(o.number for o in moved)[2]]
    assert second["next_cursor"] is None


@pytest.mark.django_db
def test_apply_moves_them_once(users, api_client, moved):
    client: Client = api_client(users[Role.ADMIN])

    answer = client.post(f"{URL}/apply", {"reason": "公司假"}, content_type=JSON)
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"moved": 3, "later": 3, "earlier": 0, "customers_told": 3}
    assert client.get(URL).json()["count"] == 0
    again = client.post(f"{URL}/apply", {}, content_type=JSON)
    assert again.json() == {"moved": 0, "later": 0, "earlier": 0, "customers_told": 0}
    assert OrderEvent.objects.filter(type=EventType.DUE_RECOMPUTED).count() == 3


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
@pytest.mark.django_db
def test_apply_is_for_administrators_only(users, api_client, moved, role):
    before = written()
    answer = api_client(users[role]).post(f"{URL}/apply", {}, content_type=JSON)
    assert answer.status_code == 403 and answer.json()["code"] == "forbidden"
    assert written() == before


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.AGENT, 403),
        (Role.DISPATCHER, 403),
        (Role.TECHNICIAN, 403),
        (Role.PARTS_KEEPER, 403),
        (Role.FINANCE, 403),
        (Role.MANAGER, 200),
        (Role.GENERAL_MANAGER, 200),
        (Role.ADMIN, 200),
    ],
)
@pytest.mark.django_db
def test_who_may_see_the_preview(users, api_client, moved, role, status):
    assert api_client(users[role]).get(URL).status_code == status


@pytest.mark.django_db
def test_a_manager_sees_only_their_centres_moves(users, api_client, moved, other_centre):
    from aftersales.accounts.tests.factories import UserFactory

    outsider = UserFactory(role=Role.MANAGER, service_center=other_centre)
    assert api_client(outsider).get(URL).json()["count"] == 0
    assert api_client(users[Role.MANAGER]).get(URL).json()["count"] == 3


@pytest.mark.django_db
def test_anonymous_gets_401(moved):
    assert Client().get(URL).status_code == 401
    assert Client().post(f"{URL}/apply", {}, content_type=JSON).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "很" * 501}, "reason"),
        ({"order_ids": [1]}, "order_ids"),
        ({"reason": 5}, "reason"),
    ],
)
@pytest.mark.django_db
def test_apply_refuses_bad_input_and_writes_nothing(users, api_client, moved, body, field):
    before = written()
    answer = api_client(users[Role.ADMIN]).post(f"{URL}/apply", body, content_type=JSON)
    assert answer.status_code == 400, answer.content
    assert field in (answer.json().get("field") or "") or field in answer.content.decode()
    assert written() == before


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"limit": 0}, "invalid_limit"),
        ({"limit": 201}, "invalid_limit"),
        ({"cursor": "bm90LWEtY3Vyc29y"}, "invalid_cursor"),
        ({"cursor": "WzFd"}, "invalid_cursor"),
    ],
)
@pytest.mark.django_db
def test_preview_refuses_bad_paging(users, api_client, moved, params, code):
    answer = api_client(users[Role.ADMIN]).get(URL, params)
    assert answer.status_code == 400 and answer.json()["code"] == code
