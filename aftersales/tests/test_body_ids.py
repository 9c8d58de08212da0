"""An unknown id in a request body answers 404 ``not_found`` naming the field and the kind of record, and writes
nothing (QA B #4, 2026-12-07: ``POST /stock-receipts`` with an unknown ``part_id``, ``location_id`` or
``supplier_id`` and ``POST /supplier-claims`` with an unknown ``order_id`` or ``location_id`` answered a bare
``{"code": "not_found", "detail": "未找到。"}``, so a client could not tell which id was wrong)."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import models

from aftersales.accounts.choices import Role
from aftersales.care.models import Complaint
from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.coverage.models import LifetimeItem
from aftersales.customers.tests.factories import CustomerFactory, SiteFactory
from aftersales.devices.models import Device
from aftersales.installed_base.models import Unit
from aftersales.parts.models import Loan, Location, Part, StockMove, StockRequest, StockTake, SupplierClaim
from aftersales.parts.tests.factories import PartFactory, SupplierFactory, store
from aftersales.pay.models import PayAdjustment
from aftersales.service.tests.factories import make_order
from aftersales.workforce.models import TrainingSession

JSON = "application/json"
UNKNOWN = 999999


@pytest.fixture
def world(users: dict[str, Any], centre: Any) -> dict[str, Any]:
    customer = CustomerFactory(service_center=centre)
    return {
        "part": PartFactory(),
        "location": store(centre),
        "supplier": SupplierFactory(),
        "order": make_order(by=users[Role.AGENT], customer=customer),
        "customer": customer,
        "model": ProductModelFactory(),
        "site": SiteFactory(customer=customer),
    }


def _today() -> str:
    return datetime.date.today().isoformat()


# (path, body from the world, the field made unknown, its detail, the rows that must not grow)
Case = tuple[str, Callable[[dict[str, Any]], dict[str, Any]], str, str, type[models.Model]]


def receipt(w: dict[str, Any]) -> dict[str, Any]:
    return {
        "part_id": w["part"].pk,
        "location_id": w["location"].pk,
        "supplier_id": w["supplier"].pk,
        "quantity": "2",
        "unit_cost": "10.00",
    }


def claim(w: dict[str, Any]) -> dict[str, Any]:
    return {
        "part_id": w["part"].pk,
        "fitted_on": _today(),
        "failure": "异响",
        "order_id": w["order"].pk,
        "location_id": w["location"].pk,
    }


def stock_request(w: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "purchase",
        "location_id": w["location"].pk,
        "supplier_id": w["supplier"].pk,
        "lines": [{"part_id": w["part"].pk, "quantity": "1"}],
    }


def loan(w: dict[str, Any]) -> dict[str, Any]:
    return {
        "part_id": w["part"].pk,
        "serial": "T-1",
        "location_id": w["location"].pk,
        "order_id": w["order"].pk,
        "due_back": _today(),
    }


def unit(w: dict[str, Any]) -> dict[str, Any]:
    return {
        "serial_number": "SN-NEW-1",
        "product_model_id": w["model"].pk,
        "customer_id": w["customer"].pk,
        "site_id": w["site"].pk,
    }


CASES: list[Case] = [
    ("/api/v1/stock-receipts", receipt, "part_id", "没有这个备件。", StockMove),
    ("/api/v1/stock-receipts", receipt, "location_id", "没有这个库位。", StockMove),
    ("/api/v1/stock-receipts", receipt, "supplier_id", "没有这个供应商。", StockMove),
    ("/api/v1/stock-adjustments", lambda w: {"part_id": w["part"].pk, "location_id": w["location"].pk, "delta": "1", "reason": "盘盈"}, "part_id", "没有这个备件。", StockMove),
    ("/api/v1/supplier-claims", claim, "order_id", "工单不存在。", SupplierClaim),
    ("/api/v1/supplier-claims", claim, "location_id", "没有这个库位。", SupplierClaim),
    ("/api/v1/supplier-claims", claim, "part_id", "没有这个备件。", SupplierClaim),
    ("/api/v1/stock-requests", stock_request, "location_id", "没有这个库位。", StockRequest),
    ("/api/v1/stock-requests", stock_request, "supplier_id", "没有这个供应商。", StockRequest),
    ("/api/v1/stock-requests", stock_request, "lines.0.part_id", "没有这个备件。", StockRequest),
    ("/api/v1/turnover-loans", loan, "order_id", "工单不存在。", Loan),
    ("/api/v1/stock-takes", lambda w: {"location_id": w["location"].pk}, "location_id", "没有这个库位。", StockTake),
    ("/api/v1/part-locations", lambda w: {"code": "X1", "name": "新库", "kind": "store", "service_center_id": 1}, "service_center_id", "服务网点不存在。", Location),
    ("/api/v1/part-locations", lambda w: {"code": "X1", "name": "车", "kind": "van", "holder_id": 1}, "holder_id", "用户不存在。", Location),
    ("/api/v1/parts", lambda w: {"number": "N-1", "name": "新件", "unit": "piece", "supplier_id": 1}, "supplier_id", "没有这个供应商。", Part),
    ("/api/v1/parts", lambda w: {"number": "N-1", "name": "新件", "unit": "piece", "compatible_model_ids": [w["model"].pk, 1]}, "compatible_model_ids.1", "没有这个产品型号。", Part),
    ("/api/v1/units", unit, "customer_id", "客户不存在。", Unit),
    ("/api/v1/units", unit, "product_model_id", "没有这个产品型号。", Unit),
    ("/api/v1/units", unit, "site_id", "地点不存在。", Unit),
    ("/api/v1/coverage/lifetime-items", lambda w: {"product_model_id": 1, "code": "FRAME", "name": "机架"}, "product_model_id", "没有这个产品型号。", LifetimeItem),
    ("/api/v1/devices", lambda w: {"serial": "T-01", "unit_id": 1}, "unit_id", "设备不存在。", Device),
    ("/api/v1/workforce/training-sessions", lambda w: {"course_id": 1, "held_on": _today()}, "course_id", "没有这门课程。", TrainingSession),
    ("/api/v1/care/complaints", lambda w: {"customer_id": 1, "description": "服务态度差"}, "customer_id", "客户不存在。", Complaint),
    ("/api/v1/pay/runs/1/adjustments", lambda w: {"corrects": 1, "amount": "1.00", "reason": "多算了"}, "corrects", "没有此工资单。", PayAdjustment),
]  # fmt: skip


def _with_unknown(body: dict[str, Any], field: str) -> dict[str, Any]:
    *path, last = field.split(".")
    target: Any = body
    for step in path:
        target = target[int(step)] if step.isdigit() else target[step]
    target[int(last) if last.isdigit() else last] = UNKNOWN
    return body


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "body", "field", "detail", "rows"), CASES, ids=[f"{c[0]} {c[2]}" for c in CASES])
def test_an_unknown_id_in_a_body_names_its_field_and_writes_nothing(
    path, body, field, detail, rows, world, users, api_client
):
    before = rows.objects.count()

    response = api_client(users[Role.ADMIN]).post(path, _with_unknown(body(world), field), content_type=JSON)

    assert response.status_code == 404, response.content
    assert response.json() == {"code": "not_found", "detail": detail, "field": field}
    assert rows.objects.count() == before


@pytest.mark.django_db
def test_the_bodies_are_taken_with_known_ids(world, users, api_client):
    # The cases' bodies are right but for the unknown id: with it, the receipt and the claim go through.
    admin = api_client(users[Role.ADMIN])

    assert admin.post("/api/v1/stock-receipts", receipt(world), content_type=JSON).status_code == 201
    assert admin.post("/api/v1/units", unit(world), content_type=JSON).status_code == 201
