from collections.abc import Callable

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.catalog import services
from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.core.errors import ValidationFailed
from aftersales.core.models import AuditLog
from aftersales.history.selectors import activity_for
from aftersales.history.testing import old_new, only_activity

pytestmark = pytest.mark.django_db


def test_create_product_model_records_its_fields(users: dict[str, User]) -> None:
    model = services.create_product_model(
        by=users[Role.MANAGER], code="AC-1", name="空压机", category="空压机", warranty_months=18
    )

    activity = only_activity(model)
    assert activity.type == "product_model.created"
    assert old_new(activity) == {
        "code": (None, "AC-1"),
        "name": (None, "空压机"),
        "category": (None, "空压机"),
        "warranty_months": (None, 18),
    }


def test_update_product_model_records_old_and_new_and_targets_the_audit(users: dict[str, User]) -> None:
    model = ProductModelFactory(code="AC-1", name="空压机", category="空压机", warranty_months=12)

    services.update_product_model(
        product_model=model, by=users[Role.MANAGER], code="AC-1", name="空压机", category="空压机", warranty_months=24
    )

    activity = only_activity(model)
    assert (activity.type, activity.actor) == ("product_model.updated", users[Role.MANAGER])
    assert old_new(activity) == {"warranty_months": (12, 24)}
    assert AuditLog.objects.get(action="catalog.update_product_model").target == model


def test_retiring_a_product_model_records_active_old_and_new(users: dict[str, User]) -> None:
    model = ProductModelFactory(warranty_months=12)

    services.update_product_model(product_model=model, by=users[Role.MANAGER], active=False)

    activity = only_activity(model)
    assert activity.type == "product_model.updated"
    assert old_new(activity) == {"active": (True, False)}


def test_create_product_model_retired_records_it(users: dict[str, User]) -> None:
    model = services.create_product_model(
        by=users[Role.MANAGER], code="AC-2", name="空压机", category="空压机", active=False
    )

    assert old_new(only_activity(model))["active"] == (None, False)


def test_refused_update_records_nothing(users: dict[str, User]) -> None:
    model = ProductModelFactory()

    with pytest.raises(ValidationFailed):
        services.update_product_model(
            product_model=model, by=users[Role.MANAGER], code="X", name="n", category="c", warranty_months=241
        )

    assert not activity_for(model).exists()


def test_product_model_history_through_the_api(users: dict[str, User], api_client: Callable) -> None:
    model = ProductModelFactory(warranty_months=12)
    services.update_product_model(
        product_model=model,
        by=users[Role.MANAGER],
        code=model.code,
        name=model.name,
        category=model.category,
        warranty_months=6,
    )

    response = api_client(users[Role.TECHNICIAN]).get(f"/api/v1/history/product_model/{model.pk}")

    assert response.status_code == 200
    assert response.json()["items"][0]["changes"][0]["new"] == 6


def test_product_model_edit_page_shows_its_history(client, users: dict[str, User]) -> None:  # type: ignore[no-untyped-def]
    model = ProductModelFactory(warranty_months=12)
    services.update_product_model(
        product_model=model,
        by=users[Role.MANAGER],
        code=model.code,
        name=model.name,
        category=model.category,
        warranty_months=36,
    )
    client.force_login(users[Role.MANAGER])

    page = client.get(f"/settings/product-models/{model.pk}/").content.decode()

    assert "history-panel" in page
    assert "修改产品型号" in page
    assert '<del class="order-old">12</del>' in page
    assert '<span class="order-new">36</span>' in page
