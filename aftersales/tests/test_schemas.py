"""core.schemas: input limits come from the model fields; endpoints declare their error answers."""

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import models
from ninja import Schema
from pydantic import ValidationError

from aftersales.accounts.choices import Role
from aftersales.catalog.api import ProductModelIn
from aftersales.catalog.models import ProductModel
from aftersales.core.schemas import answers, model_field
from aftersales.customers.api import CustomerIn
from aftersales.customers.choices import CustomerKind
from aftersales.customers.models import Customer
from aftersales.installed_base.api import UnitIn
from aftersales.installed_base.models import Unit

JSON = "application/json"


def limit(schema: type[Schema], name: str, kind: str) -> Any:
    for item in schema.model_fields[name].metadata:
        value = getattr(item, kind, None)
        if value is not None:
            return value
    return None


@pytest.mark.parametrize(
    ("schema", "model", "name"),
    [
        (ProductModelIn, ProductModel, "code"),
        (ProductModelIn, ProductModel, "warranty_terms"),
        (CustomerIn, Customer, "name"),
        (CustomerIn, Customer, "notes"),
        (UnitIn, Unit, "serial_number"),
        (UnitIn, Unit, "dealer_name"),
    ],
)
def test_input_max_length_is_the_model_fields(schema, model, name):
    assert limit(schema, name, "max_length") == model._meta.get_field(name).max_length


def test_input_range_comes_from_the_model_validators():
    assert limit(ProductModelIn, "warranty_months", "ge") == 0
    assert limit(ProductModelIn, "warranty_months", "le") == 240


def test_decimal_field_limits_digits_and_places():
    fake = SimpleNamespace(
        _meta=SimpleNamespace(get_field=lambda name: models.DecimalField(max_digits=6, decimal_places=2))
    )

    class Price(Schema):
        amount: Decimal = model_field(fake, "amount")  # type: ignore[arg-type]

    assert Price(amount=Decimal("1234.50")).amount == Decimal("1234.50")
    with pytest.raises(ValidationError):
        Price(amount=Decimal("1.234"))
    with pytest.raises(ValidationError):
        Price(amount=Decimal("12345.6"))


def test_choices_that_differ_from_the_models_are_refused_at_import():
    with pytest.raises(ValueError, match="choices differ"):
        model_field(Unit, "seller", choices=CustomerKind)


def test_answers_declares_401_always_and_the_given_errors():
    declared = answers(int, 404, 409, status=201)

    assert set(declared) == {201, 401, 404, 409}
    assert declared[201] is int


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "body", "field", "count"),
    [
        (
            "/api/v1/product-models",
            {"code": "C" * 41, "name": "n", "category": "c"},
            "code",
            ProductModel.objects.count,
        ),
        (
            "/api/v1/product-models",
            {"code": "C", "name": "n", "category": "c", "warranty_months": 241},
            "warranty_months",
            ProductModel.objects.count,
        ),
        ("/api/v1/customers", {"name": "名" * 201}, "name", Customer.objects.count),
        ("/api/v1/customers", {"name": "某公司", "kind": "robot"}, "kind", Customer.objects.count),
    ],
)
def test_input_over_the_model_limit_answers_400_and_writes_nothing(users, api_client, path, body, field, count):
    client = api_client(users[Role.MANAGER])

    response = client.post(path, body, content_type=JSON)

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid_input", field)
    assert count() == 0
