"""The import screen: preview with row-by-row errors, confirm (all-or-nothing), template downloads."""

import pytest

from aftersales.accounts.choices import Role
from aftersales.customers.models import Customer
from aftersales.exchange.tests.conftest import upload

pytestmark = pytest.mark.django_db
HEADER = ["名称", "联系人", "手机"]
GOOD = [HEADER, ["华东机械有限公司", "张伟", "13812345678"], ["华南设备厂", "李娜", "13912345678"]]
BAD = [HEADER, ["华东机械有限公司", "张伟", "13812345678"], ["", "李娜", "12"]]
HTMX = {"HX-Request": "true"}


def test_import_page_has_form_and_template_links(client, users):
    client.force_login(users[Role.AGENT])

    response = client.get("/import/")

    assert response.status_code == 200
    body = response.content.decode()
    assert 'hx-post="/import/preview/"' in body
    assert "/import/template/customers.xlsx" in body and "/import/template/units.csv" in body


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.FINANCE])
def test_import_forbidden_for_roles_that_cannot_edit_customers(client, users, role):
    client.force_login(users[role])

    assert client.get("/import/").status_code == 403
    assert client.post("/import/run/", {"kind": "customers", "file": upload(GOOD)}).status_code == 403
    assert not Customer.objects.exists()


def test_preview_renders_row_errors_and_writes_nothing(client, users):
    client.force_login(users[Role.AGENT])

    response = client.post("/import/preview/", {"kind": "customers", "file": upload(BAD)}, headers=HTMX)

    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview.total, preview.invalid) == (2, 1)
    rows = {(e["row"], e["field"]) for e in response.context["errors"]}
    assert (3, "名称") in rows
    body = response.content.decode()
    assert 'id="import-errors"' in body
    assert 'id="import-confirm"' not in body  # no import while a row has an error
    assert 'hx-swap-oob="true"' in body
    assert not Customer.objects.exists()


def test_preview_then_confirm_imports_every_row(client, users):
    # CSV, because openpyxl stamps the time into every xlsx it writes: two xlsx made a second apart
    # are different files (the browser re-sends the very same bytes).
    client.force_login(users[Role.AGENT])
    response = client.post("/import/preview/", {"kind": "customers", "file": upload(GOOD, "csv")}, headers=HTMX)
    assert 'id="import-confirm"' in response.content.decode()
    assert not Customer.objects.exists()

    response = client.post(
        "/import/run/",
        {"kind": "customers", "file": upload(GOOD, "csv"), "digest": response.context["digest"]},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert response.context["imported"].created == 2
    assert 'id="import-done"' in response.content.decode()
    assert Customer.objects.count() == 2


def test_confirm_with_a_different_file_checks_again_and_imports_nothing(client, users):
    client.force_login(users[Role.AGENT])
    digest = client.post("/import/preview/", {"kind": "customers", "file": upload(GOOD)}).context["digest"]

    response = client.post("/import/run/", {"kind": "customers", "file": upload(BAD), "digest": digest})

    assert response.status_code == 409
    assert response.context["changed"] is True
    assert response.context["preview"].invalid == 1
    assert not Customer.objects.exists()


def test_bad_file_error_next_to_file_field(client, users):
    client.force_login(users[Role.AGENT])

    response = client.post("/import/preview/", {"kind": "customers", "file": upload([["nonsense"], ["x"]], "csv")})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["file"]
    body = response.content.decode()
    assert 'id="import-file-errors"' in body and "nonsense" in body


def test_template_download(client, users):
    client.force_login(users[Role.DISPATCHER])

    response = client.get("/import/template/units.xlsx")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert client.get("/import/template/orders.xlsx").status_code == 404
