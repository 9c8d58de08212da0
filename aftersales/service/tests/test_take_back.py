"""The dispatch board's way forward for a job on site whose technician can no longer work it (deactivated,
or moved to another centre): "end the open visit and take the job back" ends the visit without a signature
(reason other, the note naming why), the order waits, and the row offers to reassign it
(``services.visits.take_back_job``). Found in the review of 2026-12-07: the board flagged such jobs but
only a manager on the technician's phone page could end the visit."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import DomainError
from aftersales.service import services
from aftersales.service.choices import EventType, OrderStatus, UnsignedReason
from aftersales.service.models import OrderEvent, ServiceOrder, Visit

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _deactivate(user: User) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False)


def _url(order: ServiceOrder) -> str:
    return f"/dispatch/orders/{order.pk}/take-back/"


def test_taking_back_a_deactivated_technicians_job_ends_the_visit_and_the_order_waits(visit, order, users):
    services.update_visit(visit, by=users[Role.TECHNICIAN], work_done="拆下了压缩机")
    _deactivate(users[Role.TECHNICIAN])
    dispatcher = users[Role.DISPATCHER]
    last_event = OrderEvent.objects.filter(order=order).latest("id").pk

    ended = services.take_back_job(order, by=dispatcher)

    visit.refresh_from_db()
    order.refresh_from_db()
    assert ended.pk == visit.pk
    assert (visit.unsigned_reason, visit.signed_at) == (UnsignedReason.OTHER, None)
    assert str(users[Role.TECHNICIAN]) in visit.unsigned_note
    assert (visit.diagnosis, visit.work_done) == ("轴承磨损", "拆下了压缩机")  # the record keeps what was entered
    # The departure is the record's last save, not whenever the board was opened.
    assert visit.arrived_at <= visit.departed_at <= timezone.now()
    assert order.status == OrderStatus.WAITING and order.waiting_for
    events = OrderEvent.objects.filter(order=order, pk__gt=last_event).order_by("id")
    assert {e.actor_id for e in events} == {dispatcher.pk}
    assert [e.type for e in events] == [EventType.VISIT_ENDED_UNSIGNED, EventType.STATUS_CHANGED]
    assert events[0].data["visit_id"] == visit.pk and events[0].data["reason"] == "other"


def test_the_departure_the_technician_typed_is_kept(visit, order, users):
    left = visit.arrived_at + datetime.timedelta(microseconds=1)  # before the record's last save
    services.update_visit(visit, by=users[Role.TECHNICIAN], departed_at=left)
    _deactivate(users[Role.TECHNICIAN])

    services.take_back_job(order, by=users[Role.DISPATCHER])

    assert Visit.objects.get(pk=visit.pk).departed_at == left


def test_a_moved_technicians_job_is_taken_back_too(visit, order, users, other_centre):
    User.objects.filter(pk=users[Role.TECHNICIAN].pk).update(service_center=other_centre)

    services.take_back_job(order, by=users[Role.MANAGER])

    assert ServiceOrder.objects.get(pk=order.pk).status == OrderStatus.WAITING


@pytest.mark.parametrize(
    ("setup", "status", "code"),
    [
        ("active", 409, "technician_active"),  # the technician can still work it: reassign, end nothing
        ("no_visit", 409, "no_open_visit"),
        ("agent", 403, "forbidden"),
    ],
)
def test_a_take_back_that_does_not_apply_is_refused_and_writes_nothing(setup, status, code, order, users):
    by = users[Role.AGENT] if setup == "agent" else users[Role.DISPATCHER]
    if setup != "no_visit":
        services.record_visit(order, by=users[Role.TECHNICIAN])
    if setup != "active":
        _deactivate(users[Role.TECHNICIAN])
    order.refresh_from_db()
    before = (order.status, order.version, OrderEvent.objects.count())

    with pytest.raises(DomainError) as refused:
        services.take_back_job(order, by=by)

    assert (refused.value.status, refused.value.code) == (status, code)
    order.refresh_from_db()
    assert (order.status, order.version, OrderEvent.objects.count()) == before
    assert not Visit.objects.filter(order=order).exclude(unsigned_reason="").exists()


def test_another_centres_dispatcher_does_not_find_the_order(visit, order, users, other_centre):
    _deactivate(users[Role.TECHNICIAN])
    stranger = UserFactory(role=Role.DISPATCHER, service_center=other_centre)

    with pytest.raises(DomainError) as refused:
        services.take_back_job(order, by=stranger)

    assert refused.value.status == 404
    assert Visit.objects.get(pk=visit.pk).unsigned_reason == ""


def _row(body: str, order: ServiceOrder) -> str:
    return body[body.index(f'id="dispatch-row-{order.pk}"') :].split("</tr>")[0]


def test_the_board_offers_the_take_back_on_a_flagged_job_on_site_then_the_reassignment(
    visit, order, users, client, centre
):
    UserFactory(username="tech2-sh", role=Role.TECHNICIAN, service_center=centre, first_name="李")
    _deactivate(users[Role.TECHNICIAN])
    client.force_login(users[Role.DISPATCHER])

    board = _row(client.get("/dispatch/").content.decode(), order)
    answer = client.post(_url(order), headers=HTMX)

    assert f'action="{_url(order)}"' in board and "dispatch-form-reassign" not in board
    assert answer.status_code == 200 and answer["X-Dispatch-Result"] == "200"
    row = answer.content.decode()
    assert "dispatch-form-reassign" in row and f'action="{_url(order)}"' not in row
    assert ServiceOrder.objects.get(pk=order.pk).status == OrderStatus.WAITING
    assert Visit.objects.get(pk=visit.pk).unsigned_reason == UnsignedReason.OTHER


def test_the_board_offers_no_take_back_while_the_technician_can_work(visit, order, users, client):
    client.force_login(users[Role.DISPATCHER])

    board = client.get(f"/dispatch/?order={order.pk}").content.decode()
    refused = client.post(_url(order), headers=HTMX)

    assert _url(order) not in board
    assert refused["X-Dispatch-Result"] == "409"
    assert "dispatch-row-danger" in refused.content.decode()
    assert Visit.objects.get(pk=visit.pk).unsigned_reason == ""


def test_a_technician_cannot_take_a_job_back(visit, order, users, client):
    _deactivate(users[Role.TECHNICIAN])
    client.force_login(UserFactory(role=Role.TECHNICIAN, service_center=order.service_center))

    assert client.post(_url(order)).status_code == 403
    assert Visit.objects.get(pk=visit.pk).unsigned_reason == ""


def test_without_htmx_the_board_comes_back_with_the_result(visit, order, users, client):
    _deactivate(users[Role.TECHNICIAN])
    client.force_login(users[Role.DISPATCHER])

    answer: Any = client.post(_url(order), follow=True)

    assert answer.redirect_chain[-1][0].endswith("/dispatch/")
    assert order.number in answer.content.decode()
    assert ServiceOrder.objects.get(pk=order.pk).status == OrderStatus.WAITING


def test_the_printed_service_record_shows_the_reason_but_not_the_staff_note(visit, order, users, client):
    """The printed record goes to the customer: it says why there is no signature (其他) and never the note
    staff wrote for staff (the take-back names a deactivated employee)."""
    _deactivate(users[Role.TECHNICIAN])
    services.take_back_job(order, by=users[Role.DISPATCHER])
    note = Visit.objects.get(pk=visit.pk).unsigned_note
    client.force_login(users[Role.MANAGER])

    body = client.get(f"/orders/{order.pk}/print/").content.decode()

    signature = body[body.index('class="print-unsigned"') :].split("</span>")[0]
    assert "其他" in signature and "请说明" not in signature
    assert note and note not in body and "已停用" not in body
