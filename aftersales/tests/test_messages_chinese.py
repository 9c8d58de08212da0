"""Messages a Chinese user reads are Chinese: no stored codes inside the sentences (状态为“新建”, not
“new”), no English left over. Codes (``code``, ``allowed``) stay English for programs."""

import re
from typing import Any

import pytest
from django.utils import translation

from aftersales.accounts.choices import Role
from aftersales.core.errors import DomainError
from aftersales.core.validation import require_choice
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service import services
from aftersales.service.choices import OrderStatus, Priority
from aftersales.service.tests.factories import make_order

JSON = "application/json"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-Hans"}


def has_code(detail: str, codes: Any) -> list[str]:
    """The stored codes that appear as words in ``detail``."""
    return [code for code in codes if re.search(rf"(?<![A-Za-z_]){re.escape(code)}(?![A-Za-z_])", detail)]


@pytest.fixture
def order(users: dict[str, Any], centre: Any) -> Any:
    return make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))


@pytest.mark.django_db
def test_transition_refusal_names_the_statuses_by_their_chinese_labels(order, users, api_client):
    agent = api_client(users[Role.AGENT])

    body = agent.post(f"/api/v1/orders/{order.pk}/transitions", {"to": "completed"}, content_type=JSON, **ZH).json()

    assert body["code"] == "transition_not_allowed"
    assert body["allowed"] == ["accepted", "closed", "cancelled"]  # codes for programs
    assert "状态为“新建”的工单不能变更为“已完工”" in body["detail"], body["detail"]
    assert has_code(body["detail"], OrderStatus.values) == []


@pytest.mark.django_db
def test_forbidden_move_names_the_statuses_by_their_chinese_labels(order, users, api_client):
    finance = api_client(users[Role.FINANCE])

    body = finance.post(f"/api/v1/orders/{order.pk}/transitions", {"to": "accepted"}, content_type=JSON, **ZH).json()

    assert body["code"] == "forbidden"
    assert "新建" in body["detail"] and "已受理" in body["detail"], body["detail"]
    assert has_code(body["detail"], OrderStatus.values) == []


@pytest.mark.django_db
def test_assign_and_visit_refusals_name_the_status_by_its_label(order, users, api_client):
    services.transition_order(order, to=OrderStatus.CANCELLED, by=users[Role.AGENT], reason="客户撤回")
    dispatcher = api_client(users[Role.DISPATCHER])
    manager = api_client(users[Role.MANAGER])

    assigned = dispatcher.post(
        f"/api/v1/orders/{order.pk}/assign", {"technician_id": users[Role.TECHNICIAN].pk}, content_type=JSON, **ZH
    ).json()
    visited = manager.post(f"/api/v1/orders/{order.pk}/visits", {}, content_type=JSON, **ZH).json()

    for body in (assigned, visited):
        assert body["code"] == "transition_not_allowed"
        assert "已取消" in body["detail"], body["detail"]
        assert has_code(body["detail"], OrderStatus.values) == []


def test_invalid_choice_gives_each_code_with_its_label():
    with translation.override("zh-hans"), pytest.raises(DomainError) as caught:
        require_choice("asap", field="priority", choices=Priority)

    for value, label in Priority.choices:
        with translation.override("zh-hans"):
            assert f"{value}（{label}）" in caught.value.detail, caught.value.detail
