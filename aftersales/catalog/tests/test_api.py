"""Product models through the API."""

from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.catalog.models import ProductModel
from aftersales.catalog.tests.factories import ProductModelFactory

JSON = "application/json"


@pytest.fixture
def manager(users: dict[str, Any], api_client: Any) -> Any:
    return api_client(users[Role.MANAGER])


def new_model(**overrides: Any) -> dict[str, Any]:
    body = {"code": "LG-37", "name": "螺杆式空压机 37kW", "category": "空压机", "warranty_months": 18}
    body.update(overrides)
    return body


@pytest.mark.django_db
def test_create_product_model_returns_201(manager):
    response = manager.post("/api/v1/product-models", new_model(), content_type=JSON)

    assert response.status_code == 201, response.content
    assert response.json() | {"id": 0} == {
        "id": 0,
        "code": "LG-37",
        "name": "螺杆式空压机 37kW",
        "category": "空压机",
        "warranty_months": 18,
        "warranty_terms": "",
    }
    assert ProductModel.objects.get().warranty_months == 18


@pytest.mark.django_db
def test_create_product_model_duplicate_code_answers_409(manager):
    ProductModelFactory(code="LG-37")

    response = manager.post("/api/v1/product-models", new_model(), content_type=JSON)

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["field"]) == ("duplicate_code", "code")
    assert ProductModel.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"warranty_months": -1}, "warranty_months"),
        ({"warranty_months": 241}, "warranty_months"),
        ({"warranty_months": "一年"}, "warranty_months"),
        ({"code": "x" * 100_000}, "code"),
        ({"warranty_terms": "条" * 100_000}, "warranty_terms"),
        ({"name": ""}, "name"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_create_product_model_bad_input_answers_400_and_writes_nothing(overrides, field, manager):
    response = manager.post("/api/v1/product-models", new_model(**overrides), content_type=JSON)

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert ProductModel.objects.count() == 0


@pytest.mark.django_db
def test_create_product_model_by_agent_answers_403(users, api_client):
    response = api_client(users[Role.AGENT]).post("/api/v1/product-models", new_model(), content_type=JSON)

    assert response.status_code == 403
    assert ProductModel.objects.count() == 0


@pytest.mark.django_db
def test_list_product_models_ordered_by_code(manager):
    ProductModelFactory(code="B-2")
    ProductModelFactory(code="A-1")

    response = manager.get("/api/v1/product-models")

    assert [m["code"] for m in response.json()] == ["A-1", "B-2"]


@pytest.mark.django_db
def test_get_product_model_unknown_answers_404(manager):
    response = manager.get("/api/v1/product-models/999999")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
