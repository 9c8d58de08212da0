"""The due-date moves on screen: the calendar's banner (a registered calendar panel), the review page, apply."""

import datetime
from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.calendars.services import set_calendar_day
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.choices import EventType
from aftersales.service.models import OrderEvent, ServiceOrder
from aftersales.service.tests.factories import make_order
from aftersales.service.tests.test_due_moves import end_of, local

pytestmark = pytest.mark.django_db
PAGE = "/orders/due-date-moves/"


@pytest.fixture(autouse=True)
def _wide_intake_window(settings: Any) -> None:
    settings.AFTERSALES = {**settings.AFTERSALES, "RECEIVED_WITHIN_DAYS": 36500}


@pytest.fixture
def order(users: dict[str, Any], centre: Any) -> ServiceOrder:
    customer = CustomerFactory(service_center=centre, name="<script>alert(1)</script>")
    made = make_order(by=users[Role.AGENT], customer=customer, received_at=local(2026, 11, 5))
    set_calendar_day(day=datetime.date(2026, 11, 10), kind="holiday", by=users[Role.ADMIN])
    return made


def test_calendar_page_asks_for_the_banner_for_reviewers_only(client, users, order):
    client.force_login(users[Role.ADMIN])
    page = client.get("/calendar/").content.decode()
    assert 'hx-get="/orders/due-date-moves/summary/"' in page

    client.force_login(users[Role.DISPATCHER])
    assert "due-date-moves" not in client.get("/calendar/").content.decode()


def test_banner_counts_the_moves_and_links_to_the_review(client, users, order):
    client.force_login(users[Role.ADMIN])
    answer = client.get(f"{PAGE}summary/")
    banner = answer.content.decode()
    assert 'id="due-moves-banner"' in banner and f'href="{PAGE}"' in banner
    assert (answer.context["preview"].count, answer.context["preview"].later) == (1, 1)


def test_banner_is_empty_when_nothing_moves(client, users, order):
    client.force_login(users[Role.ADMIN])
    client.post(f"{PAGE}apply/", {"reason": ""})
    assert client.get(f"{PAGE}summary/").content.decode().strip() == ""


def test_review_page_lists_old_and_new_and_escapes(client, users, order):
    client.force_login(users[Role.ADMIN])
    page = client.get(PAGE).content.decode()
    assert order.number in page
    assert "2026-11-16 17:30" in page and "2026-11-17 17:30" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert 'id="due-moves-apply"' in page


def test_a_manager_reviews_but_is_not_offered_apply(client, users, order):
    client.force_login(users[Role.MANAGER])
    page = client.get(PAGE)
    assert page.status_code == 200 and order.number in page.content.decode()
    assert 'id="due-moves-apply"' not in page.content.decode()
    assert client.post(f"{PAGE}apply/", {}).status_code == 403
    order.refresh_from_db()
    assert order.due_at == end_of(2026, 11, 16)


@pytest.mark.parametrize("role", [Role.AGENT, Role.DISPATCHER, Role.TECHNICIAN, Role.PARTS_KEEPER, Role.FINANCE])
def test_others_get_403(client, users, order, role):
    client.force_login(users[role])
    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}summary/").status_code == 403
    assert client.post(f"{PAGE}apply/", {}).status_code == 403


def test_apply_moves_and_says_how_many(client, users, order):
    client.force_login(users[Role.ADMIN])
    answer = client.post(f"{PAGE}apply/", {"reason": "公司假"}, follow=True)
    assert answer.redirect_chain[-1][0] == PAGE
    order.refresh_from_db()
    assert order.due_at == end_of(2026, 11, 17)
    assert OrderEvent.objects.filter(order=order, type=EventType.DUE_RECOMPUTED, reason="公司假").count() == 1
    assert 'id="due-moves-none"' in answer.content.decode()


def test_apply_says_how_many_in_the_singular_for_one(client, users, order):
    """Found by hand, 2026-12-07: "1 due dates moved; 1 customers will be told by SMS."."""
    client.force_login(users[Role.ADMIN])
    client.cookies["django_language"] = "en"
    answer = client.post(f"{PAGE}apply/", {"reason": ""}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    said = [str(m) for m in answer.context["messages"]]
    assert said == ["1 due date moved; 1 customer will be told by SMS."]


def test_apply_with_a_long_note_shows_the_error_and_writes_nothing(client, users, order):
    client.force_login(users[Role.ADMIN])
    answer = client.post(f"{PAGE}apply/", {"reason": "很" * 501})
    assert answer.status_code == 400
    order.refresh_from_db()
    assert order.due_at == end_of(2026, 11, 16)
    assert not OrderEvent.objects.filter(type=EventType.DUE_RECOMPUTED).exists()


def test_the_order_timeline_shows_the_move(client, users, order):
    client.force_login(users[Role.ADMIN])
    client.post(f"{PAGE}apply/", {})
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "2026-11-16 17:30" in page and "2026-11-17 17:30" in page
