import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext, override
from openpyxl import load_workbook

from aftersales.accounts.choices import Role
from aftersales.core.errors import ValidationFailed
from aftersales.core.models import AuditLog
from aftersales.core.tabular import money
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory, SiteFactory
from aftersales.exchange.exporters import (
    export_customers,
    export_orders,
    export_rows,
    export_units,
    import_template,
    sheet_title,
)
from aftersales.exchange.importers import preview_import
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.service.tests.factories import make_order


def xlsx_rows(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


# ---- export_rows -------------------------------------------------------------------------------
def test_export_rows_xlsx_keeps_types_and_never_writes_formulas():
    when = datetime.datetime(2026, 1, 5, 1, 30, tzinfo=datetime.UTC)
    content = export_rows(
        rows=[["=1+1", 7, datetime.date(2026, 1, 5), when, True, None, "bell\x07"]],
        columns=["a", "b", "c", "d", "e", "f", "g"],
        fmt="xlsx",
    )

    header, row = xlsx_rows(content)
    assert header == ("a", "b", "c", "d", "e", "f", "g")
    assert row[0] == "=1+1"  # stored as text: openpyxl would read a formula back the same, so check the type
    assert load_workbook(io.BytesIO(content)).active["A2"].data_type == "s"
    assert row[1:4] == (7, datetime.datetime(2026, 1, 5), datetime.datetime(2026, 1, 5, 9, 30))
    assert row[4:] == (gettext("Yes"), None, "bell")


def test_export_rows_xlsx_formats_money_columns_dates_and_names_the_sheet():
    """QA 2026-12-07: money cells were "General" (655 for 655.00) and every sheet was called "Sheet"."""
    when = datetime.datetime(2026, 1, 5, 1, 30, tzinfo=datetime.UTC)
    content = export_rows(
        rows=[
            [Decimal("655"), Decimal("42.5"), 24000, 3, datetime.date(2026, 1, 5), when],
            [None, "", 1, 2, None, None],
        ],
        columns=[money("Net"), money("Tax"), money("Price"), "Units", "Day", "At"],
        fmt="xlsx",
        title="Invoices: 2026/01 [draft] * for accounting and the auditor",
    )

    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Invoices  2026 01  draft    for"  # 31 characters, none of : / [ ] *
    assert [c.value for c in sheet[2]] == [
        655,
        42.5,
        24000,
        3,
        datetime.datetime(2026, 1, 5),
        datetime.datetime(2026, 1, 5, 9, 30),
    ]
    assert [c.number_format for c in sheet[2]] == ["#,##0.00"] * 3 + ["General", "yyyy-mm-dd", "yyyy-mm-dd hh:mm"]
    assert sheet["C3"].number_format == "#,##0.00" and sheet["D3"].number_format == "General"


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("", "Sheet"),
        ("'quoted'", "quoted"),
        ("发票（供会计）", "发票（供会计）"),
        ("a" * 40, "a" * 31),
        ("x" * 30 + " y", "x" * 30),
    ],
)
def test_sheet_title_keeps_to_excels_rules(name, title):
    assert sheet_title(name) == title


def test_export_rows_csv_has_bom_local_times_and_defused_formulas():
    when = datetime.datetime(2026, 1, 5, 1, 30, tzinfo=datetime.UTC)

    rows = csv_rows(export_rows(rows=[["=HYPERLINK(1)", "@x", when, "华东"]], columns=["a", "b", "c", "d"], fmt="csv"))

    assert rows == [["a", "b", "c", "d"], ["'=HYPERLINK(1)", "'@x", "2026-01-05 09:30", "华东"]]


def test_export_rows_refuses_an_unknown_format():
    with pytest.raises(ValidationFailed) as caught:
        export_rows(rows=[], columns=["a"], fmt="pdf")

    assert (caught.value.code, caught.value.field) == ("unknown_format", "fmt")


# ---- orders ------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_orders_only_has_the_users_scope_and_is_audited(users, centre, other_centre, fmt):
    agent = users[Role.AGENT]
    mine = make_order(by=agent, customer=CustomerFactory(service_center=centre))
    theirs = make_order(customer=CustomerFactory(service_center=other_centre))

    export = export_orders(user=agent, params={}, fmt=fmt)

    rows = xlsx_rows(export.content) if fmt == "xlsx" else csv_rows(export.content)
    numbers = [r[0] for r in rows[1:]]
    assert numbers == [mine.number]
    assert theirs.number not in numbers
    assert rows[1][13] == "139 0000 1111"
    assert export.filename.startswith("orders-") and export.filename.endswith(f".{fmt}")
    log = AuditLog.objects.get()
    assert (log.user, log.action, log.detail["rows"], log.detail["format"]) == (agent, "exchange.export_orders", 1, fmt)


@pytest.mark.django_db
def test_export_orders_applies_the_order_list_filters(users, centre):
    agent = users[Role.AGENT]
    customer = CustomerFactory(service_center=centre)
    repair = make_order(by=agent, customer=customer)
    make_order(by=agent, customer=customer, kind="installation")

    export = export_orders(user=agent, params={"kind": "repair", "status": ["new", "accepted"]}, fmt="csv")

    assert [r[0] for r in csv_rows(export.content)[1:]] == [repair.number]
    assert AuditLog.objects.get().detail["filters"] == {"kind": "repair", "status": ["new", "accepted"]}


@pytest.mark.django_db
def test_export_orders_refuses_an_invalid_filter(users):
    with pytest.raises(ValidationFailed) as caught:
        export_orders(user=users[Role.AGENT], params={"status": ["nonsense"]}, fmt="csv")

    assert (caught.value.code, caught.value.field) == ("invalid_filter", "status")
    assert not AuditLog.objects.exists()


@pytest.mark.django_db
def test_export_orders_for_a_technician_has_only_their_orders(users, centre):
    make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))

    export = export_orders(user=users[Role.TECHNICIAN], params={}, fmt="csv")

    assert csv_rows(export.content)[1:] == []


@pytest.mark.django_db
def test_export_refuses_more_than_the_cap(users, centre, monkeypatch):
    monkeypatch.setattr("aftersales.core.tabular.MAX_EXPORT_ROWS", 2)
    for _ in range(3):
        CustomerFactory(service_center=centre)

    with pytest.raises(ValidationFailed) as caught:
        export_customers(user=users[Role.AGENT], params={}, fmt="xlsx")

    assert caught.value.code == "export_too_large"
    assert not AuditLog.objects.exists()


def _queries(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["orders", "customers", "units"])
def test_export_query_count_does_not_grow_with_rows(users, centre, kind):
    agent = users[Role.AGENT]
    export = {"orders": export_orders, "customers": export_customers, "units": export_units}[kind]

    def add_rows(n: int) -> None:
        for _ in range(n):
            customer = CustomerFactory(service_center=centre)
            ContactFactory(customer=customer)
            ContactFactory(customer=customer)
            SiteFactory(customer=customer)
            unit = UnitFactory(customer=customer)
            make_order(by=agent, customer=customer, unit=unit)

    add_rows(1)
    few = _queries(lambda: export(user=agent, params={}, fmt="xlsx"))
    add_rows(5)
    many = _queries(lambda: export(user=agent, params={}, fmt="xlsx"))

    assert few == many


# ---- customers and units -----------------------------------------------------------------------
@pytest.mark.django_db
def test_export_customers_lists_phones_in_scope_and_writes_an_audit_row(users, centre, other_centre):
    agent = users[Role.AGENT]
    mine = CustomerFactory(name="华东机械", service_center=centre)
    ContactFactory(customer=mine, name="张伟", mobile="+8613812345678", is_primary=True)
    ContactFactory(customer=mine, name="李娜", mobile="+8613900001111")
    SiteFactory(customer=mine)
    CustomerFactory(name="北京客户", service_center=other_centre)

    export = export_customers(user=agent, params={"q": "华东"}, fmt="xlsx")

    header, *rows = xlsx_rows(export.content)
    assert [r[1] for r in rows] == ["华东机械"]
    assert rows[0][4:7] == ("张伟", "138 1234 5678", "李娜 139 0000 1111")
    assert "浦东新区张江路1号" in rows[0][7]
    log = AuditLog.objects.get()
    assert (log.user, log.action) == (agent, "exchange.export_customers")
    assert log.detail == {"filters": {"q": "华东"}, "rows": 1, "format": "xlsx"}


@pytest.mark.django_db
def test_export_customers_marks_contacts_and_sites_out_of_use_after_those_in_use(users, centre):
    customer = CustomerFactory(service_center=centre)
    ContactFactory(customer=customer, name="张伟", mobile="+8613812345678", in_use=False)
    ContactFactory(customer=customer, name="李娜", mobile="+8613900001111")
    ContactFactory(customer=customer, name="王芳", mobile="+8613700002222")
    SiteFactory(customer=customer, name="旧厂", in_use=False)
    SiteFactory(customer=customer, name="新厂")

    with override("zh-hans"):
        export = export_customers(user=users[Role.AGENT], params={}, fmt="csv")

    (row,) = csv_rows(export.content)[1:]
    assert row[4:7] == ["李娜", "139 0000 1111", "王芳 137 0000 2222; 张伟 138 1234 5678 （已停用）"]
    assert row[7].startswith("新厂: ") and row[7].split("; ")[1].startswith("旧厂: ")
    assert row[7].endswith("（已停用）")


@pytest.mark.django_db
def test_export_customers_with_every_contact_out_of_use_leaves_contact_and_mobile_blank(users, centre):
    customer = CustomerFactory(service_center=centre)
    ContactFactory(customer=customer, name="张伟", mobile="+8613812345678", in_use=False)

    with override("en"):
        export = export_customers(user=users[Role.AGENT], params={}, fmt="csv")

    (row,) = csv_rows(export.content)[1:]
    assert row[4:7] == ["", "", "张伟 138 1234 5678 (not in use)"]


@pytest.mark.django_db
def test_export_customers_by_phone(users, centre):
    found = CustomerFactory(service_center=centre)
    ContactFactory(customer=found, mobile="+8613812345678")
    ContactFactory(customer=CustomerFactory(service_center=centre), mobile="+8613900001111")

    export = export_customers(user=users[Role.AGENT], params={"phone": "138 1234 5678"}, fmt="csv")

    assert [r[0] for r in csv_rows(export.content)[1:]] == [str(found.pk)]


@pytest.mark.django_db
def test_export_units_in_scope_with_warranty_and_no_audit_row(users, centre, other_centre):
    mine = UnitFactory(customer=CustomerFactory(service_center=centre))
    UnitFactory(customer=CustomerFactory(service_center=other_centre))

    export = export_units(user=users[Role.AGENT], params={}, fmt="csv")

    header, *rows = csv_rows(export.content)
    assert [r[1] for r in rows] == [mine.serial_number]
    assert rows[0][12] == gettext("Yes")
    assert not AuditLog.objects.exists()


@pytest.mark.django_db
def test_export_units_refuses_a_bad_customer_id(users):
    with pytest.raises(ValidationFailed) as caught:
        export_units(user=users[Role.AGENT], params={"customer_id": "abc"}, fmt="csv")

    assert (caught.value.code, caught.value.field) == ("invalid_filter", "customer_id")


@pytest.mark.django_db
def test_export_customers_filters_by_kind_and_centre_and_audits_them(users, centre, other_centre):
    manager = users[Role.GENERAL_MANAGER]  # sees every centre
    wanted = CustomerFactory(service_center=centre, kind="person")
    CustomerFactory(service_center=centre, kind="company")
    CustomerFactory(service_center=other_centre, kind="person")

    export = export_customers(user=manager, params={"kind": "person", "service_center_id": str(centre.pk)}, fmt="csv")

    assert [r[0] for r in csv_rows(export.content)[1:]] == [str(wanted.pk)]
    assert AuditLog.objects.get().detail["filters"] == {"kind": "person", "service_center_id": str(centre.pk)}


@pytest.mark.django_db
def test_export_customers_refuses_an_unknown_kind(users):
    with pytest.raises(ValidationFailed) as caught:
        export_customers(user=users[Role.AGENT], params={"kind": "robot"}, fmt="csv")

    assert (caught.value.code, caught.value.field) == ("invalid_filter", "kind")
    assert not AuditLog.objects.exists()


@pytest.mark.django_db
def test_export_units_filters_by_serial_in_any_case_and_product_model(users, centre):
    customer = CustomerFactory(service_center=centre)
    wanted = UnitFactory(customer=customer, serial_number="SN-EXP-1")
    UnitFactory(customer=customer, product_model=wanted.product_model)

    by_serial = export_units(user=users[Role.AGENT], params={"serial_number": "sn-exp-1"}, fmt="csv")
    by_model = export_units(
        user=users[Role.AGENT], params={"product_model_id": str(wanted.product_model_id)}, fmt="csv"
    )

    assert [r[1] for r in csv_rows(by_serial.content)[1:]] == ["SN-EXP-1"]
    assert len(csv_rows(by_model.content)[1:]) == 2


# ---- templates ---------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["customers", "units"])
def test_import_template_headers_are_accepted_by_the_import(users, kind):
    template = import_template(kind=kind, fmt="xlsx")
    workbook = load_workbook(io.BytesIO(template.content))
    sheet = workbook.worksheets[0]
    sheet.append(["x"] * sheet.max_column)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.name = "filled.xlsx"

    preview = preview_import(kind=kind, file=buffer, by=users[Role.AGENT])

    assert preview.total == 1
    assert len(workbook.sheetnames) == 2


@pytest.mark.parametrize(("language", "header"), [("zh-hans", "名称"), ("en", "name")])
def test_import_template_headers_follow_the_language(language, header):
    with override(language):
        template = import_template(kind="customers", fmt="csv")

    assert csv_rows(template.content)[0][0] == header
