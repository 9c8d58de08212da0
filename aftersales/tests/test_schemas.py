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


# ---- every date and time an API input takes is checked (found by hand, 2026-12-06: an installation's
# appointment_at took "2026-12-10T09:00:00" and answered it without an offset, and "0001-01-01T00:00:00Z"
# was stored) ----------------------------------------------------------------------------------------
def _input_schemas() -> list[type]:
    import aftersales.api  # noqa: F401  (every app's schemas)
    from aftersales.core.api import Input

    found, todo = [], [Input]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def test_every_date_and_time_an_input_takes_is_a_day_or_a_moment():
    import datetime
    import typing

    from aftersales.core.schemas import Day, Moment

    checked = {typing.get_args(Day)[1:], typing.get_args(Moment)[1:]}
    unchecked = []
    schemas = _input_schemas()
    for schema in schemas:
        for name, field in schema.model_fields.items():
            types = typing.get_args(field.annotation) or (field.annotation,)
            if {datetime.date, datetime.datetime} & set(types) and tuple(field.metadata) not in checked:
                unchecked.append(f"{schema.__module__}.{schema.__name__}.{name}")

    assert len(schemas) > 50
    assert unchecked == [], "type these Day or Moment (core.schemas)"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("appointment_at", "code"),
    [("2026-12-10T09:00:00", "time_without_zone"), ("0001-01-01T00:00:00Z", "date_out_of_range")],
)
def test_an_installation_appointment_needs_a_zone_and_a_year_in_range(appointment_at, code, users, api_client):
    from aftersales.customers.tests.factories import CustomerFactory
    from aftersales.money.models import Installation
    from aftersales.service.tests.factories import make_order

    customer = CustomerFactory(service_center=users[Role.AGENT].service_center)
    order = make_order(by=users[Role.AGENT], customer=customer, with_unit=False, kind="installation")

    response = api_client(users[Role.DISPATCHER]).post(
        f"/api/v1/orders/{order.pk}/installation",
        {"mode": "large", "appointment_at": appointment_at},
        content_type="application/json",
    )

    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["field"]) == (code, "appointment_at")
    assert not Installation.objects.exists()


# ---- amounts of money are decimal texts (core.schemas.Money) -------------------------------------
@pytest.mark.parametrize(
    ("value", "code"),
    [
        (0.1, "invalid_amount"),
        (12, "invalid_amount"),
        (True, "invalid_amount"),
        ("1e3", "invalid_amount"),
        ("１２", "invalid_amount"),
        ("12.345", "invalid_amount"),
        ("", "invalid_amount"),
        ("-1.00", "amount_not_positive"),
    ],
)
def test_an_amount_that_is_not_a_decimal_text_is_refused(value, code):
    from aftersales.core.schemas import Money

    class Priced(Schema):
        price: Money

    with pytest.raises(ValidationError) as refused:
        Priced(price=value)

    assert refused.value.errors()[0]["type"] == code
    assert Priced(price="1280.50").price == Decimal("1280.50")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/parts", {"number": "P-1", "name": "泵", "unit": "piece", "cost": 12.5}, "cost"),
        ("/api/v1/parts", {"number": "P-1", "name": "泵", "unit": "piece", "list_price": True}, "list_price"),
    ],
)
def test_a_number_for_an_amount_answers_400_and_writes_nothing(path, body, field, users, api_client):
    from aftersales.parts.models import Part

    response = api_client(users[Role.ADMIN]).post(path, body, content_type="application/json")

    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["field"]) == ("invalid_amount", field)
    assert not Part.objects.exists()


# Decimals an input takes that are not amounts of money: quantities, coordinates, scores, a threshold.
NOT_MONEY = {
    "devices.api.RuleIn.threshold",
    "parts.api.LevelsIn.min_qty",
    "parts.api.LevelsIn.max_qty",
    "parts.api.ReceiptIn.quantity",
    "parts.api.StockAdjustmentIn.delta",
    "parts.api.IssueLineIn.quantity",
    "parts.api.ReservationIn.quantity",
    "parts.api.RequestLineIn.quantity",
    "workforce.api.PositionIn.latitude",
    "workforce.api.PositionIn.longitude",
    "workforce.api.CourseIn.pass_score",
    "workforce.api.AttendeeIn.score",
}


def test_every_amount_an_input_takes_is_money_text():
    """Found by hand, 2026-12-06: a pay adjustment took ``"amount": 12.5`` (a JSON float) and ``true``."""
    import typing

    from pydantic.functional_validators import PlainValidator

    from aftersales.core.schemas import Money, SignedMoney

    checks = {typing.get_args(kind)[1].func for kind in (Money, SignedMoney)}
    bare = []
    for schema in _input_schemas():
        for name, field in schema.model_fields.items():
            types = typing.get_args(field.annotation) or (field.annotation,)
            if Decimal not in types:
                continue
            where = f"{schema.__module__.removeprefix('aftersales.')}.{schema.__name__}.{name}"
            money = any(isinstance(item, PlainValidator) and item.func in checks for item in field.metadata)
            if not money and where not in NOT_MONEY:
                bare.append(where)

    assert bare == [], "type these Money or SignedMoney (core.schemas), or list them in NOT_MONEY"


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [12.5, True, "1e3", "12.345"])
def test_a_pay_adjustment_takes_its_amount_as_text_only(amount, users, api_client):
    from aftersales.pay.models import PayAdjustment

    response = api_client(users[Role.ADMIN]).post(
        "/api/v1/pay/runs/1/adjustments",
        {"corrects": 1, "amount": amount, "reason": "多算了"},
        content_type="application/json",
    )

    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["field"]) == ("invalid_amount", "amount")
    assert not PayAdjustment.objects.exists()
