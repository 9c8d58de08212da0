"""A record of another customer (or order) that the caller may see answers 400 ``wrong_…`` naming the field, as
docs/errors.md says; one the caller cannot see at all answers 404 like an unknown id (QA A #6, 2026-12-07: a
unit, contact or site of another customer of the same centre answered 404 "设备不存在", a visit of another
order 404)."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aftersales.accounts.choices import Role
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory, SiteFactory
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.service import services
from aftersales.service.models import Attachment, OrderEvent, ServiceOrder
from aftersales.service.tests.factories import make_order

JSON = "application/json"

FACTORIES = {"unit_id": UnitFactory, "contact_id": ContactFactory, "site_id": SiteFactory}


def intake(customer: Any, **ids: int) -> dict[str, Any]:
    return {
        "kind": "repair",
        "customer_id": customer.pk,
        "reporter_name": "王五",
        "reporter_phone": "139 0000 1111",
        "description": "压缩机异响",
        **ids,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "code"), [("unit_id", "wrong_unit"), ("contact_id", "wrong_contact"), ("site_id", "wrong_site")]
)
def test_a_record_of_another_customer_of_the_centre_answers_400_wrong(field, code, users, centre, api_client):
    customer, neighbour = CustomerFactory(service_center=centre), CustomerFactory(service_center=centre)
    theirs = FACTORIES[field](customer=neighbour)

    response = api_client(users[Role.AGENT]).post(
        "/api/v1/orders", intake(customer, **{field: theirs.pk}), content_type=JSON
    )

    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert (ServiceOrder.objects.count(), OrderEvent.objects.count()) == (0, 0)


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["unit_id", "contact_id", "site_id"])
def test_a_record_of_another_centre_answers_404_as_unknown(field, users, centre, other_centre, api_client):
    customer = CustomerFactory(service_center=centre)
    elsewhere = FACTORIES[field](customer=CustomerFactory(service_center=other_centre))
    agent = api_client(users[Role.AGENT])

    hidden = agent.post("/api/v1/orders", intake(customer, **{field: elsewhere.pk}), content_type=JSON)
    unknown = agent.post("/api/v1/orders", intake(customer, **{field: 999999}), content_type=JSON)

    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == unknown.json()
    assert (hidden.json()["code"], hidden.json()["field"]) == ("not_found", field)
    assert ServiceOrder.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["unit_id", "contact_id", "site_id"])
def test_the_customers_own_record_is_still_taken(field, users, centre, api_client):
    customer = CustomerFactory(service_center=centre)
    own = FACTORIES[field](customer=customer)

    response = api_client(users[Role.AGENT]).post(
        "/api/v1/orders", intake(customer, **{field: own.pk}), content_type=JSON
    )

    assert response.status_code == 201, response.content
    assert getattr(ServiceOrder.objects.get(), field) == own.pk


# ---- a photo's visit -----------------------------------------------------------------------------
def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def _visited_order(users: dict[str, Any], customer: Any) -> ServiceOrder:
    order = make_order(by=users[Role.AGENT], customer=customer)
    services.assign_technician(order, by=users[Role.DISPATCHER], technician=users[Role.TECHNICIAN])
    services.record_visit(order, by=users[Role.TECHNICIAN])
    return order


@pytest.mark.django_db
def test_a_photo_with_a_visit_of_another_order_answers_400_wrong_visit(users, centre, api_client):
    customer = CustomerFactory(service_center=centre)
    order, other = _visited_order(users, customer), _visited_order(users, customer)

    response = api_client(users[Role.TECHNICIAN]).post(
        f"/api/v1/orders/{order.pk}/photos", {"file": png(), "visit_id": other.visits.get().pk}
    )

    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["field"]) == ("wrong_visit", "visit_id")
    assert Attachment.objects.count() == 0


@pytest.mark.django_db
def test_a_photo_with_a_visit_the_user_cannot_see_answers_404(users, centre, other_centre, api_client):
    from aftersales.accounts.tests.factories import UserFactory

    order = _visited_order(users, CustomerFactory(service_center=centre))
    elsewhere = CustomerFactory(service_center=other_centre)
    theirs = make_order(by=UserFactory(role=Role.AGENT, service_center=other_centre), customer=elsewhere)
    services.assign_technician(
        theirs,
        by=UserFactory(role=Role.DISPATCHER, service_center=other_centre),
        technician=(tech := UserFactory(role=Role.TECHNICIAN, service_center=other_centre)),
    )
    hidden_visit = services.record_visit(theirs, by=tech)
    client = api_client(users[Role.TECHNICIAN])

    hidden = client.post(f"/api/v1/orders/{order.pk}/photos", {"file": png(), "visit_id": hidden_visit.pk})
    unknown = client.post(f"/api/v1/orders/{order.pk}/photos", {"file": png(), "visit_id": 999999})

    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == unknown.json()
    assert hidden.json()["field"] == "visit_id"
    assert Attachment.objects.count() == 0
