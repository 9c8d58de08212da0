"""Units keep a history: registration, the proof-of-purchase file, and corrections of the proof
(which change every later warranty decision) with old → new and the reason."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCenter, User
from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.core.errors import NotFoundError, ValidationFailed
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.history.selectors import activity_for
from aftersales.history.testing import old_new, only_activity
from aftersales.installed_base import services
from aftersales.installed_base.models import Unit
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.installed_base.tests.test_api import png

pytestmark = pytest.mark.django_db
JSON = "application/json"
DAY = datetime.date(2025, 3, 1)


@pytest.fixture
def unit(centre: ServiceCenter) -> Unit:
    return UnitFactory(
        customer=CustomerFactory(service_center=centre), purchase_date=DAY, seller="own", proof_reference=""
    )


def test_register_unit_records_its_fields(users: dict[str, User], centre: ServiceCenter) -> None:
    model = ProductModelFactory(code="PM-1")

    unit = services.register_unit(
        by=users[Role.AGENT],
        serial_number="sn-1",
        product_model=model,
        customer=CustomerFactory(service_center=centre),
        purchase_date=DAY,
    )

    activity = only_activity(unit)
    assert activity.type == "unit.registered"
    changes = old_new(activity)
    assert changes["serial_number"] == (None, "SN-1")
    assert changes["purchase_date"] == (None, "2025-03-01")
    assert changes["product_model"] == (None, {"id": model.pk, "label": str(model)})


def test_attach_proof_records_the_file(users: dict[str, User], unit: Unit) -> None:
    services.attach_proof_of_purchase(unit=unit, by=users[Role.AGENT], file=png())

    activity = only_activity(unit)
    assert activity.type == "unit.proof_attached"
    old, new = old_new(activity)["proof_file"]
    assert old == ""
    assert new.startswith("proofs/") and new.endswith(".png")


def test_update_proof_records_old_new_and_reason(users: dict[str, User], unit: Unit) -> None:
    services.update_proof_of_purchase(
        unit=unit,
        by=users[Role.AGENT],
        purchase_date=datetime.date(2025, 5, 1),
        seller="dealer",
        dealer_name="华东经销商",
        proof_reference="FP-9",
        reason="客户补交发票",
    )

    unit.refresh_from_db()
    assert (unit.purchase_date, unit.seller, unit.dealer_name) == (datetime.date(2025, 5, 1), "dealer", "华东经销商")
    activity = only_activity(unit)
    assert (activity.type, activity.reason, activity.actor) == ("unit.proof_updated", "客户补交发票", users[Role.AGENT])
    assert old_new(activity) == {
        "purchase_date": ("2025-03-01", "2025-05-01"),
        "seller": ("own", "dealer"),
        "dealer_name": ("", "华东经销商"),
        "proof_reference": ("", "FP-9"),
    }


def test_update_proof_that_changes_nothing_records_nothing(users: dict[str, User], unit: Unit) -> None:
    services.update_proof_of_purchase(unit=unit, by=users[Role.AGENT], purchase_date=DAY, seller="own")

    assert not activity_for(unit).exists()


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"purchase_date": timezone.localdate() + datetime.timedelta(days=1)}, "date_in_future", "purchase_date"),
        ({"seller": "dealer", "dealer_name": " "}, "required", "dealer_name"),
        ({"seller": "shop"}, "invalid_choice", "seller"),
        ({"proof_reference": "x" * 101}, "too_long", "proof_reference"),
        ({"purchase_date": datetime.date(2025, 6, 1)}, "before_purchase", "purchase_date"),
    ],
)
def test_update_proof_refuses_bad_input_and_writes_nothing(
    fields: dict[str, Any], code: str, field: str, users: dict[str, User], unit: Unit
) -> None:
    Unit.objects.filter(pk=unit.pk).update(installed_on=datetime.date(2025, 4, 1))
    arguments = {"purchase_date": DAY, "seller": "own", **fields}

    with pytest.raises(ValidationFailed) as raised:
        services.update_proof_of_purchase(unit=unit, by=users[Role.AGENT], **arguments)

    assert (raised.value.code, raised.value.field) == (code, field)
    assert Unit.objects.get(pk=unit.pk).purchase_date == DAY
    assert not activity_for(unit).exists()


def test_update_proof_by_another_centre_is_not_found(unit: Unit, other_centre: ServiceCenter) -> None:
    from aftersales.accounts.tests.factories import UserFactory

    stranger = UserFactory(role=Role.MANAGER, service_center=other_centre)

    with pytest.raises(NotFoundError):
        services.update_proof_of_purchase(unit=unit, by=stranger, purchase_date=None, seller="own")

    assert Unit.objects.get(pk=unit.pk).purchase_date == DAY
    assert not activity_for(unit).exists()


def test_update_proof_rolls_back_with_its_activity(users: dict[str, User], unit: Unit) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        services.update_proof_of_purchase(unit=unit, by=users[Role.AGENT], purchase_date=None, seller="own")
        raise RuntimeError("the request fails later")

    assert Unit.objects.get(pk=unit.pk).purchase_date == DAY
    assert not activity_for(unit).exists()


def test_put_proof_changes_the_warranty_and_the_history(
    users: dict[str, User], unit: Unit, api_client: Callable
) -> None:
    client = api_client(users[Role.AGENT])
    body = {"purchase_date": None, "seller": "dealer", "dealer_name": "经销商", "reason": "发票作废"}

    response = client.put(f"/api/v1/units/{unit.pk}/proof", body, content_type=JSON)

    assert response.status_code == 200, response.content
    assert (response.json()["purchase_date"], response.json()["seller"]) == (None, "dealer")
    assert client.get(f"/api/v1/units/{unit.pk}/warranty").json()["covered"] is False
    history = client.get(f"/api/v1/history/unit/{unit.pk}").json()["items"]
    assert history[0]["type"] == "unit.proof_updated"
    assert history[0]["reason"] == "发票作废"
    assert {c["field"]: (c["old"], c["new"]) for c in history[0]["changes"]}["purchase_date"] == ("2025-03-01", None)


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"seller": "dealer", "dealer_name": ""}, "required", "dealer_name"),
        ({"purchase_date": "2098-01-01"}, "date_in_future", "purchase_date"),
        ({"purchase_date": "2999-01-01"}, "date_out_of_range", "purchase_date"),
        ({"purchase_date": "yesterday"}, "invalid_input", "purchase_date"),
        ({"seller": "own", "colour": "red"}, "invalid_input", "colour"),
        ({"dealer_name": "x" * 201}, "invalid_input", "dealer_name"),
    ],
)
def test_put_proof_bad_input_answers_400_and_writes_nothing(
    body: dict[str, Any], code: str, field: str, users: dict[str, User], unit: Unit, api_client: Callable
) -> None:
    response = api_client(users[Role.AGENT]).put(f"/api/v1/units/{unit.pk}/proof", body, content_type=JSON)

    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert Unit.objects.get(pk=unit.pk).seller == "own"
    assert not activity_for(unit).exists()


def test_put_proof_and_history_of_another_centres_unit_are_not_found(
    unit: Unit, other_centre: ServiceCenter, api_client: Callable
) -> None:
    from aftersales.accounts.tests.factories import UserFactory

    client = api_client(UserFactory(role=Role.AGENT, service_center=other_centre))

    assert client.put(f"/api/v1/units/{unit.pk}/proof", {"seller": "own"}, content_type=JSON).status_code == 404
    assert client.get(f"/api/v1/history/unit/{unit.pk}").status_code == 404
    assert not activity_for(unit).exists()
