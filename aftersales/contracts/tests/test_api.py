import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.contracts.models import Contract, ContractVisit, LedgerEntry, Problem, Project
from aftersales.contracts.services.visits import mark_missed
from aftersales.contracts.tests.factories import make_contract, make_customer, with_year_plans
from aftersales.installed_base.tests.factories import UnitFactory


@pytest.fixture
def manager(users):
    return users["manager"]


def _payload(customer, units, **extra):
    body = {
        "customer_id": customer.pk,
        "contact_id": customer.contacts.first().pk,
        "title": "空压机维保",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "unit_ids": [u.pk for u in units],
        "price": "12000.00",
        "billing": "quarterly",
        "deposit_amount": "5000.00",
    }
    body.update(extra)
    return body


def test_contract_year_through_the_api(api_client, manager, centre, users):
    client = api_client(manager)
    customer = make_customer(centre)
    unit = UnitFactory(customer=customer)
    created = client.post("/api/v1/contracts", _payload(customer, [unit]), content_type="application/json")
    assert created.status_code == 201, created.content
    contract_id = created.json()["id"]
    assert created.json()["unit_ids"] == [unit.pk] and created.json()["state"] in ("active", "expired")
    for body in (
        {"kind": "monthly", "rule": "FREQ=MONTHLY;BYMONTHDAY=17", "checklist": "检查油位"},
        {"kind": "quarterly"},
    ):
        plan = client.post(f"/api/v1/contracts/{contract_id}/plans", body, content_type="application/json")
        assert plan.status_code == 201, plan.content
    visits = client.get(f"/api/v1/contracts/{contract_id}/visits").json()
    assert len(visits) == 16
    feb = next(v for v in visits if v["planned_on"] == "2026-02-17")
    assert feb["due_on"] == "2026-02-24" and feb["moved"] is True
    again = client.post(f"/api/v1/contracts/{contract_id}/generate-visits")
    assert again.status_code == 200 and again.json()["created"] == 0
    detail = client.get(f"/api/v1/contracts/{contract_id}").json()
    assert [p["kind"] for p in detail["plans"]] == ["monthly", "quarterly"]
    assert detail["plans"][0]["checklist"] == ["检查油位"]


def test_bad_input_answers_4xx_with_the_field_and_writes_nothing(api_client, manager, centre):
    client = api_client(manager)
    customer = make_customer(centre)
    unit = UnitFactory(customer=customer)
    cases = [
        ({"ends_on": "2025-01-01"}, 400, "ends_on"),
        ({"price": "abc"}, 400, "price"),
        ({"price": "-5"}, 400, "price"),
        ({"unit_ids": [999999]}, 400, "unit_ids"),
        ({"labour_percent": 101}, 400, "labour_percent"),
        ({"billing": "weekly"}, 400, "billing"),
        ({"customer_id": 999999}, 400, "customer_id"),
        ({"surprise": 1}, 400, None),
    ]
    for change, status, field in cases:
        response = client.post(
            "/api/v1/contracts", _payload(customer, [unit], **change), content_type="application/json"
        )
        assert response.status_code == status, (change, response.content)
        if field:
            assert response.json().get("field") == field, (change, response.json())
    assert not Contract.objects.exists() and not LedgerEntry.objects.exists()
    first = client.post("/api/v1/contracts", _payload(customer, [unit]), content_type="application/json")
    assert first.status_code == 201
    clash = client.post("/api/v1/contracts", _payload(customer, [unit]), content_type="application/json")
    assert clash.status_code == 409 and clash.json()["code"] == "overlapping_contract"
    assert clash.json()["field"] == "unit_ids" and Contract.objects.count() == 1
    contract_id = first.json()["id"]
    for body, field in (({"kind": "custom", "rule": "FREQ=NOPE"}, "rule"), ({"kind": "weekly"}, "kind")):
        response = client.post(f"/api/v1/contracts/{contract_id}/plans", body, content_type="application/json")
        assert response.status_code == 400 and response.json()["field"] == field
    assert not ContractVisit.objects.exists()


def test_ledger_and_release_through_the_api(api_client, manager, centre, users):
    contract = with_year_plans(
        make_contract(by=manager, centre=centre, deposit_release_on=datetime.date(2026, 1, 1)), by=manager
    )
    finance = api_client(users["finance"])
    url = f"/api/v1/contracts/{contract.pk}"
    received = finance.post(
        f"{url}/ledger",
        {"account": "deposit", "kind": "received", "amount": "5000.00"},
        content_type="application/json",
    )
    assert received.status_code == 201 and received.json()["amount"] == "5000.00"
    bad = finance.post(
        f"{url}/ledger",
        {"account": "deposit", "kind": "correction", "amount": "-1.00"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "memo"
    mark_missed(today=datetime.date(2026, 3, 2))
    ledger = finance.get(f"{url}/ledger").json()
    assert ledger["deposit"]["held"] == "5000.00" and ledger["release_blockers"]
    blocked = finance.post(f"{url}/deposit/release", {}, content_type="application/json")
    assert blocked.status_code == 409 and blocked.json()["code"] == "release_blocked"
    assert blocked.json()["reasons"] == ledger["release_blockers"]
    released = api_client(manager).post(
        f"{url}/deposit/release", {"override_reason": "客户已补签"}, content_type="application/json"
    )
    assert released.status_code == 201 and released.json()["kind"] == "released"
    twice = api_client(manager).post(
        f"{url}/deposit/release", {"override_reason": "x"}, content_type="application/json"
    )
    assert twice.status_code == 409 and twice.json()["code"] == "already_released"
    cancel = api_client(manager).post(f"{url}/cancel", {"reason": "解约"}, content_type="application/json")
    assert cancel.status_code == 200 and cancel.json()["state"] == "cancelled"
    paid = finance.post(
        f"{url}/ledger", {"account": "fee", "kind": "received", "amount": "3000.00"}, content_type="application/json"
    )
    assert paid.status_code == 409 and paid.json()["code"] == "contract_cancelled"


def test_project_sheet_signed_off_through_the_api(api_client, manager, centre, users):
    customer = make_customer(centre)
    client = api_client(manager)
    body = {
        "customer_id": customer.pk,
        "name": "产线改造",
        "accepted_on": "2026-03-01",
        "project_manager_id": users["dispatcher"].pk,
        "development_manager_id": users["technician"].pk,
    }
    bad = client.post(
        "/api/v1/projects", {**body, "development_manager_id": users["dispatcher"].pk}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["field"] == "development_manager_id"
    assert not Project.objects.exists()
    created = client.post("/api/v1/projects", body, content_type="application/json")
    assert created.status_code == 201, created.content
    project_id = created.json()["id"]
    agent = api_client(users["agent"])
    problem = agent.post(
        f"/api/v1/projects/{project_id}/problems",
        {"reporter": "王工", "description": "报表慢", "severity": "high"},
        content_type="application/json",
    )
    assert problem.status_code == 201 and problem.json()["owner_id"] == users["dispatcher"].pk
    problem_id = problem.json()["id"]
    raised = agent.post(
        f"/api/v1/problems/{problem_id}/order", {"reporter_phone": "13900001111"}, content_type="application/json"
    )
    assert raised.status_code == 200 and raised.json()["order_id"]
    early = agent.post(
        f"/api/v1/projects/{project_id}/sign-off", {"signed_by": "王工"}, content_type="application/json"
    )
    assert early.status_code == 409 and early.json()["code"] == "problems_open"
    resolved = agent.post(
        f"/api/v1/problems/{problem_id}/resolve", {"resolution": "加索引"}, content_type="application/json"
    )
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    signed = agent.post(
        f"/api/v1/projects/{project_id}/sign-off",
        {"signed_by": "王工", "note": "同意"},
        content_type="application/json",
    )
    assert signed.status_code == 200 and signed.json()["signed_by"] == "王工"
    assert signed.json()["problems"][0]["status"] == "signed_off"
    assert client.get(f"/api/v1/projects/{project_id}").json()["signed_off_at"]
    assert len(client.get("/api/v1/projects").json()["items"]) == 1


def test_out_of_scope_answers_404(api_client, manager, centre, other_centre, users):
    contract = make_contract(by=manager, centre=centre)
    project = Project.objects.create(
        number="XM1",
        name="x",
        service_center=centre,
        customer=contract.customer,
        accepted_on=datetime.date(2026, 1, 1),
        project_manager=users["dispatcher"],
        development_manager=users["technician"],
    )
    problem = Problem.objects.create(project=project, reporter="x", description="y", owner=users["dispatcher"])
    away = api_client(UserFactory(role=Role.MANAGER, service_center=other_centre))
    for path in (
        f"/api/v1/contracts/{contract.pk}",
        f"/api/v1/contracts/{contract.pk}/visits",
        f"/api/v1/contracts/{contract.pk}/ledger",
        f"/api/v1/projects/{project.pk}",
    ):
        assert away.get(path).status_code == 404
    assert (
        away.post(
            f"/api/v1/problems/{problem.pk}/resolve", {"resolution": "z"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert away.get("/api/v1/contracts").json()["items"] == []
    assert api_client(users["technician"]).get(f"/api/v1/contracts/{contract.pk}").status_code == 404
    assert api_client(manager).get("/api/v1/contracts?state=soon").status_code == 400


def test_lists_run_a_constant_number_of_queries(api_client, manager, centre):
    client = api_client(manager)

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    contract = with_year_plans(make_contract(by=manager, centre=centre), by=manager)
    count("/api/v1/contracts")  # the token's first use is recorded once
    few = (
        count("/api/v1/contracts"),
        count(f"/api/v1/contracts/{contract.pk}/visits"),
        count(f"/api/v1/contracts/{contract.pk}/ledger"),
    )
    for _ in range(3):
        make_contract(by=manager, centre=centre)
    from aftersales.contracts import services

    services.add_visit_plan(contract, by=manager, kind="custom", rule="FREQ=MONTHLY;BYMONTHDAY=5")
    services.book_entry(contract, by=manager, account="fee", kind="received", amount="10.00")
    many = (
        count("/api/v1/contracts"),
        count(f"/api/v1/contracts/{contract.pk}/visits"),
        count(f"/api/v1/contracts/{contract.pk}/ledger"),
    )
    assert few == many


def test_a_contracts_state_follows_the_business_day_not_the_machines(api_client, manager, centre, monkeypatch):
    """Found by reading, 2026-12-06: the API judged a contract's state on the machine's date (UTC), so
    from 00:00 to 08:00 in Shanghai a contract that ended yesterday still read "active"."""
    contract = make_contract(by=manager, centre=centre)  # ends 2026-12-31
    first_of_january = datetime.datetime(2026, 12, 31, 16, 30, tzinfo=datetime.UTC)  # 00:30 on 1 January in Shanghai
    monkeypatch.setattr("django.utils.timezone.now", lambda: first_of_january)

    assert api_client(manager).get(f"/api/v1/contracts/{contract.pk}").json()["state"] == "expired"
