"""The home page ("my work"): per-role work lists, counts per state in the user's scope, at-risk and
overdue counts linking to the filtered order list, in a constant number of queries."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from aftersales.accounts.choices import Role
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service import services
from aftersales.service.choices import OrderStatus
from aftersales.service.models import ServiceOrder
from aftersales.service.tests.factories import make_order, set_order_times


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("s.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def customer(centre):
    return CustomerFactory(service_center=centre)


def work_lists(response) -> list[dict]:
    """The "what waits for me" panels' contexts, in page order."""
    return [panel.context for panel in response.context["slots"]["main"]]


def work_numbers(response, index: int = 0) -> list[str]:
    return [o.number for o in work_lists(response)[index]["orders"]]


def test_home_agent_sees_new_orders_of_own_centre(users, customer, other_centre):
    mine = make_order(by=users[Role.AGENT], customer=customer)
    make_order(customer=CustomerFactory(service_center=other_centre))

    response = login(users[Role.AGENT]).get("/")

    assert work_numbers(response) == [mine.number]
    assert work_lists(response)[0]["url"] == "/orders/?status=new"
    assert response.context["counts"]["new"] == 1


def test_home_dispatcher_sees_unassigned_and_at_risk(users, customer):
    unassigned = make_order(by=users[Role.AGENT], customer=customer)
    assigned = make_order(by=users[Role.AGENT], customer=customer)
    services.assign_technician(assigned, by=users[Role.DISPATCHER], technician=users[Role.TECHNICIAN])
    risky = make_order(by=users[Role.AGENT], customer=customer)
    ServiceOrder.objects.filter(pk=risky.pk).update(
        at_risk_at=timezone.now() - datetime.timedelta(hours=1), due_at=timezone.now() + datetime.timedelta(hours=5)
    )

    response = login(users[Role.DISPATCHER]).get("/")

    titles = [w["title"] for w in work_lists(response)]
    assert len(titles) == 2
    assert set(work_numbers(response, 0)) == {unassigned.number, risky.number}
    assert work_numbers(response, 1) == [risky.number]
    assert response.context["counts"]["at_risk"] == 1
    assert response.context["counts"]["unassigned"] == 2


def test_home_sends_technician_to_their_jobs(users, customer):
    job = make_order(by=users[Role.AGENT], customer=customer)
    services.assign_technician(job, by=users[Role.DISPATCHER], technician=users[Role.TECHNICIAN])
    make_order(by=users[Role.AGENT], customer=customer)

    response = login(users[Role.TECHNICIAN]).get("/", follow=True)

    assert response.redirect_chain == [("/tech/", 302)]
    assert job.number in response.content.decode()


def test_home_manager_sees_completed_and_overdue(users, customer):
    done = make_order(by=users[Role.AGENT], customer=customer)
    services.assign_technician(done, by=users[Role.DISPATCHER], technician=users[Role.TECHNICIAN])
    visit = services.record_visit(ServiceOrder.objects.get(pk=done.pk), by=users[Role.TECHNICIAN])
    services.sign_visit(visit, by=users[Role.TECHNICIAN], signer_name="王五", image=png())
    services.transition_order(ServiceOrder.objects.get(pk=done.pk), to=OrderStatus.COMPLETED, by=users[Role.TECHNICIAN])
    late = make_order(by=users[Role.AGENT], customer=customer, received_at=timezone.now() - datetime.timedelta(days=40))

    response = login(users[Role.MANAGER]).get("/")
    body = response.content.decode()

    assert work_numbers(response, 0) == [done.number]
    assert work_numbers(response, 1) == [late.number]
    assert response.context["counts"]["overdue"] == 1
    assert response.context["counts"]["completed"] == 1
    assert 'href="/orders/?sla_state=overdue"' in body and 'href="/orders/?sla_state=at_risk"' in body
    assert 'id="count-overdue">1<' in body


def test_home_counts_per_state(users, customer, other_centre):
    """Every status counted in the user's scope: the open ones and the finished ones (read apart)."""
    for _ in range(2):
        make_order(by=users[Role.AGENT], customer=customer)
    accepted = make_order(by=users[Role.AGENT], customer=customer)
    services.transition_order(accepted, to=OrderStatus.ACCEPTED, by=users[Role.AGENT])
    for status in (OrderStatus.COMPLETED, OrderStatus.CLOSED, OrderStatus.CLOSED, OrderStatus.CANCELLED):
        set_order_times(make_order(by=users[Role.AGENT], customer=customer), status=status)
    elsewhere = CustomerFactory(service_center=other_centre)
    set_order_times(make_order(customer=elsewhere), status=OrderStatus.CLOSED)  # another centre's

    response = login(users[Role.AGENT]).get("/")

    states = {s["status"]: s["count"] for s in response.context["states"]}
    assert states == {
        "new": 2, "accepted": 1, "dispatched": 0, "on_site": 0, "waiting": 0,
        "completed": 1, "closed": 2, "cancelled": 1,
    }  # fmt: skip
    assert response.context["counts"]["completed"] == 1 and response.context["counts"]["unassigned"] == 3
    assert 'href="/orders/?status=accepted"' in response.content.decode()
    assert login(users[Role.GENERAL_MANAGER]).get("/").context["counts"]["closed"] == 3


def test_home_query_count_does_not_grow(users, customer):
    client = login(users[Role.DISPATCHER])
    make_order(by=users[Role.AGENT], customer=customer)

    def count() -> int:
        client.get("/")  # a first request fills the shared caches (the company profile): measure the next
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(10):
        make_order(by=users[Role.AGENT], customer=customer)
    assert count() == few


def test_home_escapes_customer_names(users, centre):
    customer = CustomerFactory(service_center=centre, name="<script>alert(1)</script>")
    make_order(by=users[Role.AGENT], customer=customer)

    body = login(users[Role.AGENT]).get("/").content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# ---- the calendars' panel (registered by calendars, not written into the home page) -------------
@pytest.mark.parametrize(
    ("role", "shown"), [(Role.MANAGER, True), (Role.ADMIN, True), (Role.AGENT, False), (Role.DISPATCHER, False)]
)
def test_home_warns_managers_and_admins_when_next_year_has_no_calendar(users, monkeypatch, role, shown):
    next_year = timezone.localdate().year + 1
    monkeypatch.setattr("aftersales.calendars.home.year_is_known", lambda *, year: year != next_year)

    body = login(users[role]).get("/").content.decode()

    assert ('id="calendar-banner"' in body) is shown
    if shown:
        assert str(next_year) in body.split('id="calendar-banner"')[1].split("</div>")[0]


def test_home_names_this_year_first_when_neither_year_has_a_calendar(users, monkeypatch):
    monkeypatch.setattr("aftersales.calendars.home.year_is_known", lambda *, year: False)

    body = login(users[Role.MANAGER]).get("/").content.decode()

    banner = body.split('id="calendar-banner"')[1].split("</div>")[0]
    assert str(timezone.localdate().year) in banner and str(timezone.localdate().year + 1) not in banner


def test_home_shows_no_calendar_warning_when_next_year_is_known(users, monkeypatch):
    monkeypatch.setattr("aftersales.calendars.home.year_is_known", lambda *, year: True)

    assert 'id="calendar-banner"' not in login(users[Role.MANAGER]).get("/").content.decode()


def test_home_calendar_warning_links_admins_to_enter_the_year(users, monkeypatch):
    monkeypatch.setattr("aftersales.calendars.home.year_is_known", lambda *, year: False)

    admin_body = login(users[Role.ADMIN]).get("/").content.decode()
    manager_body = login(users[Role.MANAGER]).get("/").content.decode()

    assert "/calendar/?year=" in admin_body
    assert "/calendar/?year=" not in manager_body
