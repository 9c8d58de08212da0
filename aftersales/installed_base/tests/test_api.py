"""Units (the installed base) through the API (their coverage: coverage/tests/test_api.py)."""

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from aftersales.accounts.choices import Role
from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.customers.tests.factories import CustomerFactory, SiteFactory
from aftersales.installed_base.models import Unit
from aftersales.installed_base.tests.factories import UnitFactory

JSON = "application/json"


@pytest.fixture
def agent(users: dict[str, Any], api_client: Any) -> Any:
    return api_client(users[Role.AGENT])


@pytest.fixture
def customer(centre: Any) -> Any:
    return CustomerFactory(service_center=centre)


@pytest.fixture
def product_model() -> Any:
    return ProductModelFactory(code="LG-37", warranty_months=12)


def new_unit(customer: Any, product_model: Any, **overrides: Any) -> dict[str, Any]:
    body = {
        "serial_number": "sn-2026-0001",
        "product_model_id": product_model.pk,
        "customer_id": customer.pk,
        "purchase_date": "2026-01-05",
        "seller": "dealer",
        "dealer_name": "华东经销商",
        "proof_reference": "FP-88",
    }
    body.update(overrides)
    return body


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 30), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("invoice.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.django_db
def test_register_unit_returns_201_with_normalised_serial(agent, customer, product_model):
    response = agent.post("/api/v1/units", new_unit(customer, product_model), content_type=JSON)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["serial_number"] == "SN-2026-0001"
    assert (body["product_model_code"], body["customer_name"]) == ("LG-37", customer.name)
    assert body["has_proof_file"] is False
    assert Unit.objects.get().serial_number == "SN-2026-0001"


@pytest.mark.django_db
def test_register_unit_same_idempotency_key_creates_one(agent, customer, product_model):
    first = agent.post(
        "/api/v1/units", new_unit(customer, product_model), content_type=JSON, headers={"Idempotency-Key": "u1"}
    )
    second = agent.post(
        "/api/v1/units", new_unit(customer, product_model), content_type=JSON, headers={"Idempotency-Key": "u1"}
    )

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert Unit.objects.count() == 1


@pytest.mark.django_db
def test_register_unit_duplicate_serial_answers_409_and_writes_nothing(agent, customer, product_model, other_centre):
    UnitFactory(serial_number="SN-2026-0001", customer=CustomerFactory(service_center=other_centre))

    response = agent.post("/api/v1/units", new_unit(customer, product_model), content_type=JSON)

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["field"]) == ("duplicate_serial", "serial_number")
    assert Unit.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["purchase_date", "installed_on"])
def test_register_unit_date_of_a_mistyped_year_answers_400_and_writes_nothing(agent, customer, product_model, field):
    body = new_unit(customer, product_model, purchase_date="1972-03-01")
    if field == "installed_on":
        body = new_unit(customer, product_model, purchase_date=None, installed_on="1973-03-01")

    response = agent.post("/api/v1/units", body, content_type=JSON)

    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["field"]) == ("date_too_old", field)
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_register_unit_date_inside_the_window_is_taken(agent, customer, product_model, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "DATES_WITHIN_YEARS": 60}

    response = agent.post(
        "/api/v1/units", new_unit(customer, product_model, purchase_date="1970-03-01"), content_type=JSON
    )

    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_register_unit_purchase_date_in_future_answers_400(agent, customer, product_model):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    response = agent.post("/api/v1/units", new_unit(customer, product_model, purchase_date=tomorrow), content_type=JSON)

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("date_in_future", "purchase_date")
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_register_unit_installed_before_purchase_answers_400(agent, customer, product_model):
    body = new_unit(customer, product_model, purchase_date="2026-01-05", installed_on="2026-01-01")

    response = agent.post("/api/v1/units", body, content_type=JSON)

    assert response.status_code == 400
    assert response.json()["code"] == "before_purchase"
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_register_unit_three_bad_fields_answers_400_naming_each_and_writes_nothing(agent, customer, product_model):
    UnitFactory(serial_number="SN-TAKEN", customer=customer)
    before = Unit.objects.count()
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    body = new_unit(customer, product_model, serial_number="sn-taken", purchase_date=tomorrow, dealer_name="")

    response = agent.post("/api/v1/units", body, content_type=JSON)

    assert response.status_code == 400
    answer = response.json()
    assert (answer["code"], answer["field"]) == ("date_in_future", "purchase_date")  # the first, as before
    assert [(e["field"], e["code"]) for e in answer["errors"]] == [
        ("purchase_date", "date_in_future"),
        ("dealer_name", "required"),
        ("serial_number", "duplicate_serial"),
    ]
    assert all(e["detail"] for e in answer["errors"])
    assert Unit.objects.count() == before


@pytest.mark.django_db
def test_register_unit_dealer_sale_without_dealer_answers_400(agent, customer, product_model):
    response = agent.post("/api/v1/units", new_unit(customer, product_model, dealer_name=""), content_type=JSON)

    assert response.status_code == 400
    assert response.json()["field"] == "dealer_name"
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_register_unit_site_of_other_customer_answers_400_wrong_site(agent, customer, product_model, centre):
    foreign_site = SiteFactory(customer=CustomerFactory(service_center=centre))

    response = agent.post(
        "/api/v1/units", new_unit(customer, product_model, site_id=foreign_site.pk), content_type=JSON
    )

    assert response.status_code == 400  # the agent sees the site: docs/errors.md's wrong_site, not "no such site"
    assert (response.json()["code"], response.json()["field"]) == ("wrong_site", "site_id")
    assert Unit.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"product_model_id": 999999}, "product_model_id"),
        ({"customer_id": 999999}, "customer_id"),
        ({"purchase_date": "05/01/2026"}, "purchase_date"),
        ({"serial_number": "S" * 100_000}, "serial_number"),
        ({"serial_number": "  "}, "serial_number"),
        ({"seller": "shop"}, "seller"),
        ({"warranty_months": 36}, "warranty_months"),
    ],
)
def test_register_unit_bad_input_answers_4xx_and_writes_nothing(overrides, field, agent, customer, product_model):
    response = agent.post("/api/v1/units", new_unit(customer, product_model, **overrides), content_type=JSON)

    assert response.status_code == (404 if field.endswith("_id") else 400)
    assert response.json().get("field") == field
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_register_unit_of_a_retired_model_answers_400_and_writes_nothing(agent, customer):
    retired = ProductModelFactory(code="OLD-1", active=False)

    response = agent.post("/api/v1/units", new_unit(customer, retired), content_type=JSON)

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("model_retired", "product_model_id")
    assert "OLD-1" in response.json()["detail"]
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_unit_of_a_model_retired_later_keeps_its_model_and_warranty(agent, customer):
    model = ProductModelFactory(code="OLD-1", warranty_months=24)
    unit = UnitFactory(customer=customer, product_model=model, purchase_date=timezone.localdate())
    model.active = False
    model.save()

    shown = agent.get(f"/api/v1/units/{unit.pk}")
    listed = agent.get("/api/v1/units", {"product_model_id": model.pk})
    warranty = agent.get(f"/api/v1/units/{unit.pk}/warranty")

    assert (shown.status_code, shown.json()["product_model_code"]) == (200, "OLD-1")
    assert [u["id"] for u in listed.json()["items"]] == [unit.pk]
    assert (warranty.status_code, warranty.json()["covered"]) == (200, True)


@pytest.mark.django_db
def test_get_unit_unknown_serial_id_answers_404(agent):
    response = agent.get("/api/v1/units/999999")

    assert response.status_code == 404


@pytest.mark.django_db
def test_list_units_finds_by_serial_any_case(agent, customer):
    wanted = UnitFactory(customer=customer, serial_number="ABC-1")
    UnitFactory(customer=customer, serial_number="ABC-2")

    response = agent.get("/api/v1/units", {"serial_number": " abc-1 "})

    assert [u["id"] for u in response.json()["items"]] == [wanted.pk]


@pytest.mark.django_db
def test_upload_proof_stores_invoice_and_gives_warranty(agent, customer):
    unit = UnitFactory(customer=customer, seller="dealer", dealer_name="某经销商", proof_reference="")
    assert agent.get(f"/api/v1/units/{unit.pk}/warranty").json()["reason"] == "no_proof"

    response = agent.post(f"/api/v1/units/{unit.pk}/proof", {"file": png()})

    assert response.status_code == 200, response.content
    assert response.json()["has_proof_file"] is True
    assert agent.get(f"/api/v1/units/{unit.pk}/warranty").json()["covered"] is True


@pytest.mark.django_db
def test_upload_proof_not_image_or_pdf_answers_400(agent, customer):
    unit = UnitFactory(customer=customer)
    text = SimpleUploadedFile("invoice.pdf", b"just text, not a PDF", content_type="application/pdf")

    response = agent.post(f"/api/v1/units/{unit.pk}/proof", {"file": text})

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("file_type", "file")
    assert not Unit.objects.get(pk=unit.pk).proof_file


@pytest.mark.django_db
def test_upload_proof_too_large_answers_400(agent, customer, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "PHOTO_MAX_BYTES": 10}
    unit = UnitFactory(customer=customer)

    response = agent.post(f"/api/v1/units/{unit.pk}/proof", {"file": png()})

    assert response.status_code == 400
    assert response.json()["code"] == "file_too_large"
    assert not Unit.objects.get(pk=unit.pk).proof_file


# ---- the list and its filters (UnitFilter) -----------------------------------------------------
@pytest.mark.django_db
def test_list_units_filters_by_serial_in_any_case(agent, customer):
    wanted = UnitFactory(customer=customer, serial_number="SN-2026-0001")
    UnitFactory(customer=customer)

    response = agent.get("/api/v1/units", {"serial_number": "sn-2026-0001"})

    assert [u["id"] for u in response.json()["items"]] == [wanted.pk]


@pytest.mark.django_db
def test_list_units_filters_by_customer_and_product_model(agent, customer, product_model, centre):
    wanted = UnitFactory(customer=customer, product_model=product_model)
    UnitFactory(customer=customer)
    UnitFactory(customer=CustomerFactory(service_center=centre), product_model=product_model)

    response = agent.get("/api/v1/units", {"customer_id": customer.pk, "product_model_id": product_model.pk})

    assert response.status_code == 200, response.content
    assert [u["id"] for u in response.json()["items"]] == [wanted.pk]


@pytest.mark.django_db
def test_list_units_customer_of_other_centre_finds_nothing(agent, other_centre):
    foreign = CustomerFactory(service_center=other_centre)
    UnitFactory(customer=foreign)

    response = agent.get("/api/v1/units", {"customer_id": foreign.pk})

    assert response.json()["items"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["customer_id", "product_model_id"])
def test_list_units_invalid_filter_answers_400_with_field(agent, field):
    response = agent.get("/api/v1/units", {field: "abc"})

    assert response.status_code == 400
    body = response.json()
    assert set(body) >= {"code", "detail", "field"}
    assert body["field"] == field


@pytest.mark.django_db
def test_list_units_with_filters_query_count_is_constant(agent, customer, product_model):
    params = {"customer_id": customer.pk, "product_model_id": product_model.pk, "limit": 100}

    def count() -> int:
        agent.get("/api/v1/units", params)  # warm caches outside the count
        with CaptureQueriesContext(connection) as ctx:
            response = agent.get("/api/v1/units", params)
        assert response.status_code == 200, response.content
        return len(ctx.captured_queries)

    UnitFactory.create_batch(2, customer=customer, product_model=product_model)
    few = count()
    UnitFactory.create_batch(20, customer=customer, product_model=product_model)

    assert count() == few
    assert len(agent.get("/api/v1/units", params).json()["items"]) == 22


@pytest.mark.django_db
def test_register_unit_at_a_site_taken_out_of_use_answers_400_and_writes_nothing(agent, customer):
    site = SiteFactory(customer=customer, in_use=False)
    model = ProductModelFactory()

    response = agent.post(
        "/api/v1/units",
        {"serial_number": "SN-RETIRED-1", "product_model_id": model.pk, "customer_id": customer.pk, "site_id": site.pk},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("not_in_use", "site_id")
    assert not Unit.objects.filter(serial_number="SN-RETIRED-1").exists()
