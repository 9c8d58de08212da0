"""A charge quantity over the limit says the limit (QA B #8, 2026-12-07: 99999999999 answered "数量必须是大于零的
数字" though it is more than zero)."""

from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.money.models import ChargeLine
from aftersales.service.tests.factories import make_order

JSON = "application/json"


@pytest.mark.django_db
def test_a_charge_quantity_too_large_says_the_limit(users: dict[str, Any], centre: Any, api_client: Any) -> None:
    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))

    response = api_client(users[Role.ADMIN]).post(
        f"/api/v1/orders/{order.pk}/charges",
        {"kind": "labour", "quantity": "99999999999", "unit_price": "99999.00"},
        content_type=JSON,
    )

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"], body["detail"]) == (
        "invalid_quantity",
        "quantity",
        "数量最多为 99,999,999.99。",
    )
    assert ChargeLine.objects.count() == 0
