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
        "active": True,
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
        ({"active": "maybe"}, "active"),
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


@pytest.mark.django_db
def test_create_product_model_retired_from_the_start(manager):
    response = manager.post("/api/v1/product-models", new_model(active=False), content_type=JSON)

    assert response.status_code == 201, response.content
    assert response.json()["active"] is False
    assert ProductModel.objects.get().active is False


@pytest.mark.django_db
def test_patch_product_model_retires_it_and_keeps_the_other_fields(manager):
    model = ProductModelFactory(code="LG-37", warranty_months=18, warranty_terms="整机保修")

    response = manager.patch(f"/api/v1/product-models/{model.pk}", {"active": False}, content_type=JSON)

    assert response.status_code == 200, response.content
    assert (response.json()["active"], response.json()["warranty_months"]) == (False, 18)
    model.refresh_from_db()
    assert (model.active, model.code, model.warranty_months, model.warranty_terms) == (False, "LG-37", 18, "整机保修")


@pytest.mark.django_db
def test_patch_product_model_offers_a_retired_model_again(manager):
    model = ProductModelFactory(active=False)

    response = manager.patch(f"/api/v1/product-models/{model.pk}", {"active": True}, content_type=JSON)

    assert response.status_code == 200
    model.refresh_from_db()
    assert model.active is True


@pytest.mark.django_db
def test_patch_product_model_changes_only_what_is_sent(manager):
    model = ProductModelFactory(code="LG-37", name="旧名", warranty_months=12)

    response = manager.patch(
        f"/api/v1/product-models/{model.pk}", {"name": "新名", "warranty_months": 24}, content_type=JSON
    )

    assert response.status_code == 200
    model.refresh_from_db()
    assert (model.code, model.name, model.warranty_months, model.active) == ("LG-37", "新名", 24, True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"warranty_months": 241}, 400, "warranty_months"),
        ({"active": "maybe"}, 400, "active"),
        ({"name": ""}, 400, "name"),
        ({"colour": "red"}, 400, "colour"),
        ({"code": "TAKEN", "active": False}, 409, "code"),
    ],
)
def test_patch_product_model_bad_input_answers_4xx_and_writes_nothing(manager, body, status, field):
    ProductModelFactory(code="TAKEN")
    model = ProductModelFactory(code="LG-37", name="空压机", warranty_months=12)

    response = manager.patch(f"/api/v1/product-models/{model.pk}", body, content_type=JSON)

    assert response.status_code == status
    assert response.json()["field"] == field
    model.refresh_from_db()
    assert (model.code, model.name, model.warranty_months, model.active) == ("LG-37", "空压机", 12, True)


@pytest.mark.django_db
def test_patch_product_model_by_agent_answers_403_and_writes_nothing(users, api_client):
    model = ProductModelFactory()

    response = api_client(users[Role.AGENT]).patch(
        f"/api/v1/product-models/{model.pk}", {"active": False}, content_type=JSON
    )

    assert response.status_code == 403
    model.refresh_from_db()
    assert model.active is True


@pytest.mark.django_db
def test_patch_product_model_unknown_answers_404(manager):
    response = manager.patch("/api/v1/product-models/999999", {"active": False}, content_type=JSON)

    assert response.status_code == 404


@pytest.mark.django_db
def test_list_product_models_shows_retired_ones_with_their_flag(manager):
    ProductModelFactory(code="A-1")
    ProductModelFactory(code="B-2", active=False)

    response = manager.get("/api/v1/product-models")

    assert [(m["code"], m["active"]) for m in response.json()] == [("A-1", True), ("B-2", False)]
