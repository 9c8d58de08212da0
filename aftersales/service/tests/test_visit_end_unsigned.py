"""A visit the customer cannot sign (nobody on site, another visit needed, a refusal) ends with its reason: the
record is final, the order waits, the next arrival is a new record, and completion still needs the
customer's signature on the last visit."""

from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.service import services
from aftersales.service.choices import EventType, OrderStatus
from aftersales.service.models import OrderEvent, ServiceOrder, Visit
from aftersales.service.tests.test_api_visits import image_file

JSON = "application/json"
pytestmark = pytest.mark.django_db


def _end(tech: Any, visit: Visit, **body: Any) -> Any:
    return tech.post(f"/api/v1/visits/{visit.pk}/end-unsigned", body, content_type=JSON)


def test_a_visit_with_nobody_on_site_ends_and_the_order_waits_for_the_customer(visit, order, tech):
    answer = _end(tech, visit, reason="customer_absent")

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["unsigned_reason"], body["signed_at"], body["departed_at"] is not None) == (
        "customer_absent",
        None,
        True,
    )
    order.refresh_from_db()
    assert (order.status, order.waiting_for) == (OrderStatus.WAITING, "customer")
    event = OrderEvent.objects.filter(order=order, type=EventType.VISIT_ENDED_UNSIGNED).get()
    assert event.data == {"visit_id": visit.pk, "reason": "customer_absent", "note": ""}


def test_another_visit_needed_waits_for_parts_unless_told_otherwise(visit, order, tech, users):
    assert _end(tech, visit, reason="return_needed", waiting_for="factory").status_code == 200
    order.refresh_from_db()
    assert order.waiting_for == "factory"

    second = services.record_visit(order, by=users[Role.TECHNICIAN])
    assert _end(tech, second, reason="return_needed").status_code == 200
    order.refresh_from_db()
    assert order.waiting_for == "parts"


def test_the_next_arrival_is_a_new_record_and_completion_needs_the_last_one_signed(visit, order, tech, users):
    _end(tech, visit, reason="customer_absent")
    technician = users[Role.TECHNICIAN]

    second = services.record_visit(order, by=technician, diagnosis="更换轴承")
    refused = tech.post(f"/api/v1/orders/{order.pk}/transitions", {"to": "completed"}, content_type=JSON)
    services.sign_visit(second, by=technician, signer_name="王五", image=image_file())
    done = tech.post(f"/api/v1/orders/{order.pk}/transitions", {"to": "completed"}, content_type=JSON)

    assert second.pk != visit.pk
    assert refused.status_code == 409 and refused.json()["code"] == "signature_required"
    assert done.status_code == 200, done.content
    assert ServiceOrder.objects.get(pk=order.pk).status == OrderStatus.COMPLETED


def test_an_order_whose_last_visit_ended_unsigned_does_not_complete(order, users, tech):
    technician = users[Role.TECHNICIAN]
    first = services.record_visit(order, by=technician)
    services.sign_visit(first, by=technician, signer_name="王五", image=image_file())
    services.transition_order(order, to=OrderStatus.WAITING, by=technician, waiting_for="parts")
    second = services.record_visit(order, by=technician)
    _end(tech, second, reason="refused")

    answer = tech.post(f"/api/v1/orders/{order.pk}/transitions", {"to": "completed"}, content_type=JSON)

    assert answer.status_code == 409
    assert (answer.json()["code"], answer.json()["visit_id"]) == ("signature_required", second.pk)
    assert "没有客户签字" in answer.json()["detail"]
    assert ServiceOrder.objects.get(pk=order.pk).status == OrderStatus.WAITING


def test_an_ended_visit_is_final(visit, tech):
    _end(tech, visit, reason="customer_absent")

    edit = tech.patch(f"/api/v1/visits/{visit.pk}", {"work_done": "改写"}, content_type=JSON)
    sign = tech.post(f"/api/v1/visits/{visit.pk}/signature", {"signer_name": "王五", "signature": image_file()})
    again = _end(tech, visit, reason="refused")

    assert [a.status_code for a in (edit, sign, again)] == [409, 409, 409]
    assert {a.json()["code"] for a in (edit, sign, again)} == {"visit_ended"}
    visit.refresh_from_db()
    assert (visit.work_done, visit.signed_at, visit.unsigned_reason) == ("", None, "customer_absent")


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"reason": "bored"}, "reason", "invalid_input"),
        ({}, "reason", "invalid_input"),
        ({"reason": "other"}, "note", "required"),
        ({"reason": "other", "note": "x" * 201}, "note", "invalid_input"),
        ({"reason": "customer_absent", "waiting_for": "weather"}, "waiting_for", "invalid_input"),
        ({"reason": "customer_absent", "departed_at": "2020-01-01T08:00:00+08:00"}, "departed_at", None),
        ({"reason": "customer_absent", "departed_at": "2026-12-07T08:00:00"}, "departed_at", None),
    ],
)
def test_bad_input_names_the_field_and_ends_nothing(body, field, code, visit, order, tech):
    events = OrderEvent.objects.count()

    answer = _end(tech, visit, **body)

    assert answer.status_code == 400, answer.content
    assert answer.json()["field"] == field
    if code:
        assert answer.json()["code"] == code
    visit.refresh_from_db()
    order.refresh_from_db()
    assert (visit.unsigned_reason, visit.departed_at, order.status) == ("", None, OrderStatus.ON_SITE)
    assert OrderEvent.objects.count() == events


def test_a_signed_visit_cannot_be_ended_unsigned(visit, tech, users):
    services.sign_visit(visit, by=users[Role.TECHNICIAN], signer_name="王五", image=image_file())

    answer = _end(tech, visit, reason="customer_absent")

    assert (answer.status_code, answer.json()["code"]) == (409, "visit_signed")


def test_only_the_jobs_technician_ends_its_visit_and_another_centre_sees_no_such_visit(
    visit, users, api_client, other_centre
):
    from aftersales.accounts.tests.factories import UserFactory

    stranger = UserFactory(role=Role.TECHNICIAN, service_center=other_centre)
    colleague = UserFactory(role=Role.TECHNICIAN, service_center=visit.order.customer.service_center)

    assert _end(api_client(stranger), visit, reason="customer_absent").status_code == 404
    assert _end(api_client(colleague), visit, reason="customer_absent").status_code in (403, 404)
    assert Visit.objects.get(pk=visit.pk).unsigned_reason == ""
