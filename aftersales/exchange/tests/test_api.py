import pytest
from django.test import Client

from aftersales.accounts.choices import Role
from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.core.models import AuditLog
from aftersales.customers.models import Customer
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.exchange.api import OrderExportQuery
from aftersales.exchange.tests.conftest import upload
from aftersales.installed_base.models import Unit
from aftersales.service.filters import ServiceOrderFilter
from aftersales.service.tests.factories import make_order

GOOD = [["名称", "联系人", "手机"], ["华东机械", "张伟", "13812345678"], ["南方制造", "王强", "13900001111"]]
BAD = [*GOOD, ["北方公司", "赵六", "123"]]


@pytest.fixture
def agent_client(users, api_client):
    return api_client(users[Role.AGENT])


@pytest.mark.django_db
def test_preview_endpoint_returns_rows_and_writes_nothing(agent_client):
    response = agent_client.post("/api/v1/imports/customers/preview", {"file": upload(BAD, "csv")})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["total"], body["valid"], body["invalid"], body["format"]) == (3, 2, 1, "csv")
    assert body["rows"][2] == {
        "row": 4,
        "ok": False,
        "errors": [{"code": "invalid_phone", "field": "mobile", "message": body["rows"][2]["errors"][0]["message"]}],
        "values": {"name": "北方公司", "contact_name": "赵六", "mobile": "123", "kind": "company"},
    }
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_import_endpoint_creates_every_row(agent_client):
    response = agent_client.post("/api/v1/imports/customers", {"file": upload(GOOD)})

    assert response.status_code == 201, response.content
    assert response.json() == {"kind": "customers", "created": 2}
    assert Customer.objects.count() == 2


@pytest.mark.django_db
def test_import_endpoint_with_a_bad_row_answers_400_and_writes_nothing(agent_client):
    response = agent_client.post("/api/v1/imports/customers", {"file": upload(BAD)})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import_has_errors"
    assert body["invalid"] == 1
    assert [(r["row"], r["errors"][0]["field"]) for r in body["rows"]] == [(4, "mobile")]
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_unit_import_of_a_retired_model_answers_400_naming_the_column(agent_client, centre):
    owner = CustomerFactory(name="华东机械", service_center=centre)
    ProductModelFactory(code="OLD-1", active=False)
    rows = [["序列号", "型号", "客户"], ["SN-1", "OLD-1", owner.name]]

    response = agent_client.post("/api/v1/imports/units", {"file": upload(rows)})

    assert response.status_code == 400
    assert response.json()["code"] == "import_has_errors"
    assert [(e["code"], e["field"]) for e in response.json()["rows"][0]["errors"]] == [
        ("model_retired", "product_model_code")
    ]
    assert not Unit.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/imports/customers/preview", "/api/v1/imports/units"])
def test_import_endpoints_forbid_a_technician(users, api_client, path):
    response = api_client(users[Role.TECHNICIAN]).post(path, {"file": upload(GOOD)})

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_import_endpoint_of_unknown_kind_is_404_with_the_error_shape(agent_client):
    response = agent_client.post("/api/v1/imports/widgets", {"file": upload(GOOD)})

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_import_kind"


@pytest.mark.django_db
def test_import_endpoint_without_a_file_is_400(agent_client):
    response = agent_client.post("/api/v1/imports/customers/preview", {})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


@pytest.mark.django_db
def test_import_endpoint_refuses_a_file_that_is_not_a_table(agent_client):
    response = agent_client.post("/api/v1/imports/units/preview", {"file": upload([], "csv")})

    assert response.status_code == 400
    assert response.json()["code"] == "file_empty"


@pytest.mark.django_db
@pytest.mark.parametrize(("fmt", "ctype"), [("xlsx", "application/vnd.openxmlformats"), ("csv", "text/csv")])
def test_template_download(agent_client, fmt, ctype):
    response = agent_client.get(f"/api/v1/imports/units/template.{fmt}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith(ctype)
    assert f'filename="units-template.{fmt}"' in response["Content-Disposition"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["orders", "parts", "devices"])
def test_a_kinds_template_is_for_those_who_may_import_that_kind(agent_client, kind):
    """As on the console's import screen: an agent imports customers and units, not these (docs audit,
    2026-12-07: the API handed every kind's template to anyone who may import one)."""
    response = agent_client.get(f"/api/v1/imports/{kind}/template.xlsx")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/imports/widgets/template.xlsx", 404, "unknown_import_kind"),
        ("/api/v1/imports/units/template.pdf", 400, "unknown_format"),
        ("/api/v1/exports/orders.pdf", 400, "unknown_format"),
        ("/api/v1/exports/customers.json", 400, "unknown_format"),
        ("/api/v1/exports/units.xls", 400, "unknown_format"),
        ("/api/v1/exports/orders.csv?status=bogus", 400, "invalid_input"),
    ],
)
def test_unknown_kind_or_format_answers_with_the_error_shape(agent_client, path, status, code):
    response = agent_client.get(path)

    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["detail"]


@pytest.mark.django_db
def test_exports_need_authentication():
    response = Client().get("/api/v1/exports/units.csv")

    assert response.status_code == 401


@pytest.mark.django_db
def test_export_orders_endpoint_applies_repeated_status_and_scope(users, centre, other_centre, agent_client):
    agent = users[Role.AGENT]
    mine = make_order(by=agent, customer=CustomerFactory(service_center=centre))
    make_order(customer=CustomerFactory(service_center=other_centre))

    response = agent_client.get("/api/v1/exports/orders.csv?status=new&status=accepted&kind=repair")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith(mine.number)
    log = AuditLog.objects.get()
    assert log.detail["filters"] == {"status": ["new", "accepted"], "kind": "repair"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.FINANCE, Role.GENERAL_MANAGER])
def test_any_role_may_export_customers_and_is_logged(users, api_client, centre, role):
    CustomerFactory(service_center=centre)

    response = api_client(users[role]).get("/api/v1/exports/customers.xlsx")

    assert response.status_code == 200
    assert AuditLog.objects.get().user == users[role]


def test_order_export_query_has_exactly_the_order_list_filters():
    assert set(OrderExportQuery.model_fields) == set(ServiceOrderFilter.base_filters)


@pytest.mark.django_db
def test_preview_and_import_answer_every_problem_of_a_row(agent_client):
    """A name too long, a mobile that is no number and a site without its address: three errors of one
    row, each with its column, code and message (the service's check stopped at the first)."""
    rows = [["名称", "联系人", "手机", "地点", "地址"], ["名" * 201, "张伟", "123", "总部", ""]]

    preview = agent_client.post("/api/v1/imports/customers/preview", {"file": upload(rows, "csv")}).json()
    rejected = agent_client.post("/api/v1/imports/customers", {"file": upload(rows)})

    expected = [("too_long", "name"), ("invalid_phone", "mobile"), ("required", "address")]
    assert [(e["code"], e["field"]) for e in preview["rows"][0]["errors"]] == expected
    assert all(e["message"] for e in preview["rows"][0]["errors"])
    assert rejected.status_code == 400
    assert [(e["code"], e["field"]) for e in rejected.json()["rows"][0]["errors"]] == expected
    assert not Customer.objects.exists()
