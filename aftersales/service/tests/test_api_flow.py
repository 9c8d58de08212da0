"""The whole spine through the API: call → warranty → due date → dispatch → visit → signature → close."""

import io

import pytest
from PIL import Image

from aftersales.accounts.choices import Role
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.service.models import OrderEvent, ServiceOrder


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.django_db
def test_service_flow_through_api_end_to_end(users, centre, api_client):
    customer = CustomerFactory(service_center=centre)
    unit = UnitFactory(customer=customer)
    tech = users[Role.TECHNICIAN]
    agent, dispatcher, manager = (api_client(users[r]) for r in (Role.AGENT, Role.DISPATCHER, Role.MANAGER))
    technician = api_client(tech)

    created = agent.post(
        "/api/v1/orders",
        {
            "kind": "repair",
            "customer_id": customer.pk,
            "unit_id": unit.pk,
            "reporter_name": "王五",
            "reporter_phone": "139 0000 1111",
            "description": "压缩机异响",
            "channel": "hotline",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    order = created.json()
    assert order["warranty"]["covered"] is True
    assert order["reporter_phone"] == "+8613900001111"
    assert order["number"].startswith("SO")

    assigned = dispatcher.post(
        f"/api/v1/orders/{order['id']}/assign", {"technician_id": tech.pk}, content_type="application/json"
    )
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["status"] == "dispatched"

    visit = technician.post(
        f"/api/v1/orders/{order['id']}/visits",
        {
            "arrival_confirmed_by": "王五",
            "diagnosis": "轴承磨损",
            "work_done": "更换轴承",
            "old_parts": "handed_to_customer",
        },
        content_type="application/json",
    )
    assert visit.status_code == 201, visit.content
    visit_id = visit.json()["id"]

    signed = technician.post(
        f"/api/v1/visits/{visit_id}/signature",
        {"signer_name": "王五", "signature": io.BytesIO(png_bytes())},
    )
    assert signed.status_code == 200, signed.content
    assert signed.json()["signature_url"]

    completed = technician.post(
        f"/api/v1/orders/{order['id']}/transitions", {"to": "completed"}, content_type="application/json"
    )
    assert completed.status_code == 200, completed.content
    closed = manager.post(
        f"/api/v1/orders/{order['id']}/transitions", {"to": "closed"}, content_type="application/json"
    )
    assert closed.status_code == 200, closed.content
    assert ServiceOrder.objects.get(pk=order["id"]).status == "closed"
    types = list(OrderEvent.objects.filter(order_id=order["id"]).order_by("id").values_list("type", flat=True))
    assert types[0] == "created" and "signed" in types and types[-1] == "status_changed"
