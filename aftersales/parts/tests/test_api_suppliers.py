"""GET/POST /api/v1/suppliers and GET/PATCH /api/v1/suppliers/{id}: the keeper's flow, bad input (code,
field, status, nothing written), who may, and a list whose query count does not grow with rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.choices import Role
from aftersales.history.models import Activity
from aftersales.parts.models import Supplier
from aftersales.parts.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_keeper_adds_a_supplier_then_a_part_bought_from_it(api_client, keeper):
    client = api_client(keeper)

    made = client.post("/api/v1/suppliers", {"code": "skf", "name": "斯凯孚", "contact": "王经理"}, content_type=JSON)
    part = client.post(
        "/api/v1/parts",
        {"number": "BRG-6205", "name": "轴承", "unit": "piece", "supplier_id": made.json()["id"]},
        content_type=JSON,
    )

    assert made.status_code == 201
    assert made.json() | {"id": 0} == {"id": 0, "code": "SKF", "name": "斯凯孚", "outside": True, "contact": "王经理"}
    assert part.status_code == 201 and part.json()["supplier_id"] == made.json()["id"]


def test_patch_changes_only_the_fields_sent(api_client, keeper):
    supplier = SupplierFactory(code="SKF", name="斯凯孚", outside=True, contact="王")

    answer = api_client(keeper).patch(f"/api/v1/suppliers/{supplier.pk}", {"outside": False}, content_type=JSON)

    assert answer.status_code == 200
    assert (answer.json()["code"], answer.json()["outside"], answer.json()["contact"]) == ("SKF", False, "王")
    assert Activity.objects.get().data["changes"] == {"outside": {"old": True, "new": False}}


def test_list_searches_by_code_or_name_and_pages(api_client, users):
    SupplierFactory(code="SKF", name="斯凯孚")
    SupplierFactory(code="NSK", name="恩斯克")
    SupplierFactory(code="OWN", name="本厂", outside=False)
    client = api_client(users[Role.TECHNICIAN])

    found = client.get("/api/v1/suppliers", {"q": "恩斯"}).json()
    first = client.get("/api/v1/suppliers", {"limit": 2}).json()
    rest = client.get("/api/v1/suppliers", {"limit": 2, "cursor": first["next_cursor"]}).json()

    assert [s["code"] for s in found["items"]] == ["NSK"]
    assert [s["code"] for s in first["items"] + rest["items"]] == ["SKF", "NSK", "OWN"]
    assert rest["next_cursor"] is None


@pytest.mark.parametrize(
    ("body", "code", "field", "status"),
    [
        ({"code": "SKF", "name": "另一家"}, "duplicate_code", "code", 409),
        ({"code": "  ", "name": "另一家"}, "required", "code", 400),
        ({"code": "NEW", "name": ""}, "required", "name", 400),
        ({"code": "X" * 21, "name": "另一家"}, "invalid_input", "code", 400),
        ({"code": "NEW", "name": "另一家", "rating": 5}, "invalid_input", "rating", 400),
    ],
)
def test_a_refused_supplier_names_its_field_and_writes_nothing(api_client, keeper, body, code, field, status):
    SupplierFactory(code="SKF")

    answer = api_client(keeper).post("/api/v1/suppliers", body, content_type=JSON)

    assert answer.status_code == status, answer.content
    assert (answer.json()["code"], answer.json()["field"]) == (code, field)
    assert (Supplier.objects.count(), Activity.objects.count()) == (1, 0)


def test_patch_to_another_suppliers_code_answers_409(api_client, keeper):
    SupplierFactory(code="SKF")
    nsk = SupplierFactory(code="NSK")

    answer = api_client(keeper).patch(f"/api/v1/suppliers/{nsk.pk}", {"code": "skf"}, content_type=JSON)

    assert (answer.status_code, answer.json()["field"]) == (409, "code")
    assert Supplier.objects.get(pk=nsk.pk).code == "NSK"


@pytest.mark.parametrize("role", [Role.MANAGER, Role.TECHNICIAN, Role.AGENT])
def test_only_the_keeper_and_admin_write_suppliers(api_client, users, role):
    supplier = SupplierFactory(code="SKF", name="斯凯孚")
    client = api_client(users[role])

    made = client.post("/api/v1/suppliers", {"code": "NEW", "name": "新"}, content_type=JSON)
    changed = client.patch(f"/api/v1/suppliers/{supplier.pk}", {"name": "改"}, content_type=JSON)

    assert (made.status_code, changed.status_code) == (403, 403)
    assert client.get(f"/api/v1/suppliers/{supplier.pk}").json()["name"] == "斯凯孚"
    assert Supplier.objects.count() == 1


def test_admin_writes_suppliers(api_client, users):
    answer = api_client(users[Role.ADMIN]).post("/api/v1/suppliers", {"code": "OWN", "name": "本厂"}, content_type=JSON)

    assert answer.status_code == 201


def test_an_unknown_supplier_answers_404(api_client, keeper):
    client = api_client(keeper)

    assert client.get("/api/v1/suppliers/999999").status_code == 404
    assert client.patch("/api/v1/suppliers/999999", {"name": "改"}, content_type=JSON).status_code == 404


def test_the_supplier_list_runs_constant_queries(api_client, keeper):
    client = api_client(keeper)
    SupplierFactory()
    client.get("/api/v1/suppliers")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/suppliers")
    SupplierFactory.create_batch(10)

    with CaptureQueriesContext(connection) as many:
        body = client.get("/api/v1/suppliers").json()

    assert len(body["items"]) == 11
    assert len(many) == len(few)
