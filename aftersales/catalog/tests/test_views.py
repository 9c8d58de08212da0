"""Product model settings screens."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.choices import Role
from aftersales.catalog.models import ProductModel
from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.core.models import AuditLog

pytestmark = pytest.mark.django_db
DATA = {
    "code": "KY-90",
    "name": "螺杆空压机",
    "category": "空压机",
    "warranty_months": 18,
    "warranty_terms": "",
    "active": "on",
}


def test_manager_creates_and_edits_a_product_model(client, users):
    client.force_login(users[Role.MANAGER])

    assert client.post("/settings/product-models/new/", DATA).status_code == 302
    model = ProductModel.objects.get(code="KY-90")
    response = client.post(f"/settings/product-models/{model.pk}/", {**DATA, "warranty_months": 24})

    assert response.status_code == 302
    model.refresh_from_db()
    assert (model.warranty_months, model.active) == (24, True)
    assert AuditLog.objects.filter(action="catalog.update_product_model").exists()


def test_product_model_form_errors_and_nothing_written(client, users):
    existing = ProductModelFactory(code="KY-75")
    client.force_login(users[Role.ADMIN])

    response = client.post(f"/settings/product-models/{existing.pk}/", {**DATA, "warranty_months": 999, "name": ""})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"warranty_months", "name"}
    assert 'id="id_warranty_months_error"' in response.content.decode()
    existing.refresh_from_db()
    assert (existing.code, existing.warranty_months) == ("KY-75", 12)


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.AGENT])
def test_product_models_forbidden(client, users, role):
    client.force_login(users[role])

    assert client.get("/settings/product-models/").status_code == 403
    assert client.post("/settings/product-models/new/", DATA).status_code == 403
    assert not ProductModel.objects.exists()


def test_product_model_list_constant_query_count(client, users):
    client.force_login(users[Role.MANAGER])
    client.get("/settings/product-models/")
    ProductModelFactory()
    with CaptureQueriesContext(connection) as few:
        client.get("/settings/product-models/")
    ProductModelFactory.create_batch(20)

    with CaptureQueriesContext(connection) as many:
        response = client.get("/settings/product-models/")

    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_manager_retires_a_product_model_by_unticking_active(client, users):
    model = ProductModelFactory(code="KY-90", warranty_months=18)
    client.force_login(users[Role.MANAGER])
    form = client.get(f"/settings/product-models/{model.pk}/").content.decode()
    assert 'name="active"' in form
    assert "checked" in form.split('name="active"')[1].split(">")[0]

    data = {key: value for key, value in DATA.items() if key != "active"}  # an unticked box is not sent
    response = client.post(f"/settings/product-models/{model.pk}/", data)

    assert response.status_code == 302
    model.refresh_from_db()
    assert (model.active, model.warranty_months) == (False, 18)


def test_product_model_list_shows_retired_ones_after_the_active_ones_with_a_badge(client, users):
    ProductModelFactory(code="A-OLD", active=False)
    ProductModelFactory(code="B-NEW")
    ProductModelFactory(code="C-NEW")
    client.force_login(users[Role.MANAGER])

    response = client.get("/settings/product-models/")

    assert [row.object.code for row in response.context["rows"]] == ["B-NEW", "C-NEW", "A-OLD"]
    page = response.content.decode()
    assert page.count("badge text-bg-secondary") == 1
    assert page.index("C-NEW") < page.index("A-OLD")
