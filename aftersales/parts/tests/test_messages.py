"""A refusal says what is really wrong (QA B #8, 2026-12-07): a stock level or a count of -1 was told "数量必须大于
零" though 0 is taken, a claim of 0 "该备件没有成本价" for a part
with a cost, and a count keyed ``abc`` named the field
``counts.abc.[key]``. Nothing is written in any case."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.parts.models import Part, Stock, StockTakeLine, SupplierClaim
from aftersales.parts.tests.factories import PartFactory, SupplierFactory, stock_up, store

JSON = "application/json"
pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(users: dict[str, Any], api_client: Any) -> Any:
    return api_client(users[Role.ADMIN])


def test_a_negative_stock_level_is_said_to_be_negative(admin, centre):
    location, part = store(centre), PartFactory()

    response = admin.put(
        f"/api/v1/part-locations/{location.pk}/stock/{part.pk}/levels", {"min_qty": -1, "max_qty": 5}, content_type=JSON
    )
    zero = admin.put(
        f"/api/v1/part-locations/{location.pk}/stock/{part.pk}/levels", {"min_qty": 0, "max_qty": 5}, content_type=JSON
    )

    assert response.status_code == 400
    assert (response.json()["field"], response.json()["detail"]) == ("min_qty", "数量不能为负数。")
    assert zero.status_code == 200  # 0 is a level: no minimum
    assert Stock.objects.get(location=location, part=part).max_qty == Decimal(5)


@pytest.fixture
def take(admin: Any, users: dict[str, Any], centre: Any) -> dict[str, Any]:
    location, part = store(centre), PartFactory()
    stock_up(location, part, 3, by=users[Role.ADMIN])
    response = admin.post("/api/v1/stock-takes", {"location_id": location.pk}, content_type=JSON)
    assert response.status_code == 201, response.content
    return response.json()


def test_a_negative_count_is_said_to_be_negative(admin, take):
    line = take["lines"][0]["id"]

    response = admin.put(f"/api/v1/stock-takes/{take['id']}/counts", {"counts": {str(line): -1}}, content_type=JSON)
    zero = admin.put(f"/api/v1/stock-takes/{take['id']}/counts", {"counts": {str(line): 0}}, content_type=JSON)

    assert response.status_code == 400
    assert (response.json()["field"], response.json()["detail"]) == (f"counts.{line}", "数量不能为负数。")
    assert zero.status_code == 200
    assert StockTakeLine.objects.get(pk=line).counted == 0


def test_a_count_keyed_by_other_than_a_line_id_names_the_key(admin, take):
    response = admin.put(f"/api/v1/stock-takes/{take['id']}/counts", {"counts": {"abc": 2}}, content_type=JSON)

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("invalid_input", "counts.abc")
    assert body["detail"] == "counts.abc: “abc”不是这里有效的键：请输入整数。"
    assert StockTakeLine.objects.filter(counted__isnull=False).count() == 0


def test_a_claim_of_zero_is_not_blamed_on_the_parts_cost(admin):
    part = PartFactory(cost=Decimal("42.50"), supplier=SupplierFactory(), supplier_warranty_months=12)
    body = {"part_id": part.pk, "fitted_on": str(timezone.localdate() - datetime.timedelta(days=30)), "failure": "异响"}

    typed_zero = admin.post("/api/v1/supplier-claims", {**body, "amount_claimed": "0"}, content_type=JSON)
    Part.objects.filter(pk=part.pk).update(cost=0)
    no_cost = admin.post("/api/v1/supplier-claims", body, content_type=JSON)

    assert typed_zero.status_code == no_cost.status_code == 400
    assert typed_zero.json()["detail"] == "索赔金额必须大于零。"
    assert no_cost.json()["detail"] == "请填写索赔金额（该备件没有成本价）。"
    assert SupplierClaim.objects.count() == 0
