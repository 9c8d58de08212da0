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
    assert body["allowed"] == ["accepted", "cancelled"]  # codes for programs
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


# ---- every error path of the API answers in Chinese -----------------------------------------------
CJK = re.compile(r"[\u3400-\u9fff]")


def english_only(body: dict[str, Any]) -> list[str]:
    """The messages in an error body with no Chinese at all (the codes are not messages)."""
    texts = [body.get("detail", "")] + [e["detail"] for e in body.get("errors", [])]
    return [text for text in texts if not CJK.search(text)]


@pytest.fixture
def visit(order, users):
    dispatched = services.assign_technician(order, by=users[Role.DISPATCHER], technician=users[Role.TECHNICIAN])
    return services.record_visit(dispatched, by=users[Role.TECHNICIAN])


@pytest.mark.django_db
def test_every_api_error_path_answers_in_chinese(order, visit, users, api_client, client):
    agent, tech, dispatcher = (api_client(users[r]) for r in (Role.AGENT, Role.TECHNICIAN, Role.DISPATCHER))
    long_text = "长" * 6000
    calls = {
        "broken JSON": lambda: agent.post("/api/v1/orders", '{"kind": "repair",', content_type=JSON, **ZH),
        "wrong content": lambda: agent.post("/api/v1/orders", "kind=repair", content_type="text/plain", **ZH),
        "every schema error": lambda: agent.post(
            "/api/v1/orders",
            {
                "kind": "pilot",
                "customer_id": "abc",
                "reporter_name": 5,
                "description": long_text,
                "close_now": "perhaps",
                "received_at": "yesterday",
                "colour": "red",
            },
            content_type=JSON,
            **ZH,
        ),
        "missing fields": lambda: agent.post("/api/v1/orders", {}, content_type=JSON, **ZH),
        "bad query": lambda: agent.get("/api/v1/orders?received_from=yesterday&limit=x", **ZH),
        "bad limit": lambda: agent.get("/api/v1/orders?limit=0", **ZH),
        "bad cursor": lambda: agent.get("/api/v1/orders?cursor=abc", **ZH),
        "bad path": lambda: agent.get("/api/v1/orders/abc", **ZH),
        "not found": lambda: agent.get("/api/v1/orders/999999", **ZH),
        "no token": lambda: client.get("/api/v1/orders", **ZH),
        "role may not open": lambda: tech.post("/api/v1/orders", {"kind": "repair"}, content_type=JSON, **ZH),
        "no such technician": lambda: dispatcher.post(
            f"/api/v1/orders/{order.pk}/assign", {"technician_id": 999999}, content_type=JSON, **ZH
        ),
        "no such helper": lambda: dispatcher.post(
            f"/api/v1/orders/{order.pk}/assign",
            {"technician_id": users[Role.TECHNICIAN].pk, "helper_ids": [999999]},
            content_type=JSON,
            **ZH,
        ),
        "signer too long": lambda: tech.post(
            f"/api/v1/visits/{visit.pk}/signature", {"signer_name": "王" * 101, "signature": b""}, **ZH
        ),
        "not signed": lambda: tech.get(f"/api/v1/visits/{visit.pk}/signature", **ZH),
        "visit schema": lambda: tech.patch(
            f"/api/v1/visits/{visit.pk}",
            {"rating": 9, "old_parts": "lost", "departed_at": 1.5},
            content_type=JSON,
            **ZH,
        ),
    }

    answers = {name: call() for name, call in calls.items()}

    for name, response in answers.items():
        assert 400 <= response.status_code < 500, (name, response.status_code, response.content)
        body = response.json()
        assert re.fullmatch(r"[a-z_]+", body["code"]), (name, body)  # codes stay English
        assert english_only(body) == [], (name, body)
    assert answers["broken JSON"].json()["code"] == "malformed_request"
    assert len(answers["every schema error"].json()["errors"]) >= 7


@pytest.mark.django_db
def test_csrf_refusal_of_a_session_answers_in_chinese(users):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users[Role.AGENT])

    response = browser.post("/api/v1/orders", {}, content_type=JSON, **ZH)

    assert response.status_code == 403
    assert english_only(response.json()) == [], response.json()


@pytest.mark.django_db
def test_a_token_user_who_chose_english_reads_english(order, users, api_client):
    """The token is read after the language middleware ran: the user's own choice still applies."""
    user = users[Role.AGENT]
    user.language = "en"
    user.save(update_fields=["language"])
    agent = api_client(user)

    refused = agent.post(f"/api/v1/orders/{order.pk}/transitions", {"to": "completed"}, content_type=JSON).json()
    invalid = agent.post("/api/v1/orders", {"kind": "pilot"}, content_type=JSON).json()

    assert refused["detail"].startswith("An order that is “New” cannot move to “Completed”."), refused
    assert not CJK.search(invalid["detail"]), invalid


@pytest.mark.django_db
def test_a_schema_choice_refusal_gives_each_code_with_its_label(users, centre, api_client):
    """Found by hand, 2026-12-06: the schema's own enum refusal read "必须是以下之一：low, normal, high,
    urgent。", codes a Chinese user cannot read (the services' refusals already gave the labels)."""
    body = (
        api_client(users[Role.AGENT])
        .post(
            "/api/v1/orders",
            {
                "customer_id": CustomerFactory(service_center=centre).pk,
                "kind": "repair",
                "priority": "asap",
                "reporter_name": "王",
                "reporter_phone": "13800138000",
                "description": "坏了",
            },
            content_type=JSON,
            **ZH,
        )
        .json()
    )

    assert (body["code"], body["field"]) == ("invalid_input", "priority")
    with translation.override("zh-hans"):
        for value, label in Priority.choices:
            assert f"{value}（{label}）" in body["detail"], body["detail"]
