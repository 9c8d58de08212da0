import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.models import AuditLog
from aftersales.customers.models import Contact, Customer, Site
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.exchange import readers
from aftersales.exchange.importers import ImportRejected, preview_import, run_import
from aftersales.exchange.tests.conftest import upload
from aftersales.installed_base.models import Unit
from aftersales.installed_base.tests.factories import UnitFactory

CUSTOMER_HEADER = ["name", "kind", "contact_name", "mobile", "site_name", "province", "city", "address", "notes"]
CUSTOMER_HEADER_ZH = ["名称", "类型", "联系人", "手机", "地点", "省", "市", "地址", "备注"]
UNIT_HEADER = ["serial_number", "product_model_code", "customer_name", "purchase_date", "seller", "dealer_name",
               "proof_reference", "installed_on"]  # fmt: skip
UNIT_HEADER_ZH = ["序列号", "型号", "客户", "购买日期", "销售方", "经销商", "发票号", "安装日期"]


def customer_rows(header=CUSTOMER_HEADER):
    return [
        header,
        ["华东机械有限公司", "company", "张伟", "13812345678", "总部", "上海市", "上海市", "张江路1号", ""],
        ["李娜", "个人", "李娜", "139 0000 1111", "", "", "", "", "老客户"],
        ["南方制造厂", "公司", "王强", "12345", "", "", "", "", ""],
    ]


@pytest.fixture
def agent(users):
    return users[Role.AGENT]


@pytest.fixture
def model():
    return ProductModelFactory(code="KY-75")


@pytest.fixture
def owner(centre):
    return CustomerFactory(name="华东机械有限公司", service_center=centre)


# ---- customers ---------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_preview_customers_reports_bad_phone_on_its_row_and_writes_nothing(agent, fmt):
    preview = preview_import(kind="customers", file=upload(customer_rows(), fmt), by=agent)

    assert [(r.row, r.ok) for r in preview.rows] == [(2, True), (3, True), (4, False)]
    (error,) = preview.rows[2].errors
    assert (error.code, error.field) == ("invalid_phone", "mobile")
    assert "12345" in error.message
    assert preview.rows[1].values["kind"] == "person"
    assert (preview.total, preview.valid, preview.invalid) == (3, 2, 1)
    assert not Customer.objects.exists()
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_run_import_customers_with_one_bad_row_writes_nothing(agent):
    with pytest.raises(ImportRejected) as caught:
        run_import(kind="customers", file=upload(customer_rows()), by=agent)

    assert caught.value.code == "import_has_errors"
    assert [r["row"] for r in caught.value.extra["rows"]] == [4]
    assert not Customer.objects.exists()
    assert not AuditLog.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_run_import_customers_with_chinese_headers_creates_every_row(agent, centre, fmt):
    rows = customer_rows(CUSTOMER_HEADER_ZH)[:3]

    result = run_import(kind="customers", file=upload(rows, fmt), by=agent)

    assert result.created == 2
    company = Customer.objects.get(name="华东机械有限公司")
    assert company.service_center == centre
    assert company.contacts.get().mobile == "+8613812345678"
    assert company.sites.get().full_address == "上海市张江路1号"  # a municipality is named once
    person = Customer.objects.get(name="李娜")
    assert person.kind == "person" and person.notes == "老客户"
    assert not person.sites.exists()
    log = AuditLog.objects.get()
    assert (log.user, log.action, log.detail["rows"]) == (agent, "exchange.import_customers", 2)


@pytest.mark.django_db
def test_import_customers_reads_gb18030_csv_from_chinese_excel(agent):
    rows = customer_rows(CUSTOMER_HEADER_ZH)[:2]

    result = run_import(kind="customers", file=upload(rows, "csv", encoding="gb18030"), by=agent)

    assert result.created == 1
    assert Customer.objects.get().name == "华东机械有限公司"


@pytest.mark.django_db
def test_preview_customers_maps_nested_service_fields_to_columns(agent):
    rows = [
        CUSTOMER_HEADER,
        ["甲公司", "", "", "13812345678", "", "", "", "张江路1号", ""],
        ["", "", "", "", "", "", "", "", "x"],
    ]

    preview = preview_import(kind="customers", file=upload(rows), by=agent)

    assert [(e.code, e.field) for r in preview.rows for e in r.errors] == [
        ("required", "contact_name"),
        ("required", "site_name"),  # the address alone: every problem of the row at once
        ("required", "name"),
    ]


@pytest.mark.django_db
def test_the_same_customer_again_is_refused_in_the_file_and_against_the_customers(agent, centre):
    """Found by a probe, 2026-12-06: a company on two rows (for its two contacts) became two customers,
    and a file checked again was ready to create every row a second time."""
    existing = CustomerFactory(name="华东机械有限公司", service_center=centre)
    person = CustomerFactory(name="李娜", kind="person", service_center=centre)
    person.contacts.create(name="李娜", mobile="+8613900001111", is_primary=True)
    rows = [
        CUSTOMER_HEADER,
        ["南方制造厂", "", "王强", "13812340001", "", "", "", "", ""],
        ["南方制造厂", "", "王强二", "13812340002", "", "", "", "", ""],
        ["华东机械有限公司", "", "张伟", "13812340003", "", "", "", "", ""],
        ["李娜", "个人", "李娜", "139 0000 1111", "", "", "", "", ""],
        ["李娜", "个人", "李娜", "13900002222", "", "", "", "", ""],  # another 李娜
    ]

    preview = preview_import(kind="customers", file=upload(rows), by=agent)

    assert [[(e.code, e.field) for e in r.errors] for r in preview.rows] == [
        [],
        [("duplicate_in_file", "name")],
        [("duplicate_customer", "name")],
        [("duplicate_customer", "name")],
        [],
    ]
    assert "2" in preview.rows[1].errors[0].message and str(existing.pk) in preview.rows[2].errors[0].message
    assert Customer.objects.count() == 2


@pytest.mark.django_db
def test_a_city_alone_asks_for_the_site_as_the_columns_help_says(agent):
    """Found by a probe, 2026-12-06: the help said the site name was needed "with an address" and the
    address optional, while a city alone made both required."""
    from aftersales.customers.imports import CUSTOMER_COLUMNS

    rows = [CUSTOMER_HEADER, ["甲公司", "", "张伟", "13812345678", "", "", "苏州市", "", ""]]

    preview = preview_import(kind="customers", file=upload(rows), by=agent)

    assert [(e.code, e.field) for r in preview.rows for e in r.errors] == [
        ("required", "site_name"),
        ("required", "address"),
    ]
    helps = {c.key: str(c.help) for c in CUSTOMER_COLUMNS}
    assert "any of the site's columns" in helps["site_name"] and "any of the site's columns" in helps["address"]


@pytest.mark.django_db
def test_a_contact_without_a_mobile_asks_for_it(agent):
    """Found by hand, 2026-12-07: a contact's name with no mobile said “” is not a valid phone number."""
    rows = [CUSTOMER_HEADER, ["甲公司", "", "张伟", "", "", "", "", "", ""]]

    preview = preview_import(kind="customers", file=upload(rows), by=agent)

    assert [(e.code, e.field) for r in preview.rows for e in r.errors] == [("required", "mobile")]
    assert "“”" not in preview.rows[0].errors[0].message


@pytest.mark.django_db
def test_preview_customers_refuses_unknown_kind_and_centre(agent, other_centre):
    rows = [["name", "kind", "service_center"], ["甲公司", "partnership", ""], ["乙公司", "", other_centre.code]]

    preview = preview_import(kind="customers", file=upload(rows), by=agent)

    assert [(e.code, e.field) for r in preview.rows for e in r.errors] == [
        ("invalid_choice", "kind"),
        ("unknown_service_center", "service_center"),
    ]


@pytest.mark.django_db
def test_admin_without_centre_imports_customers_into_a_named_centre(users, other_centre):
    admin = users[Role.ADMIN]
    admin.service_center = None
    admin.save()

    run_import(kind="customers", file=upload([["name", "服务网点"], ["甲公司", other_centre.code]]), by=admin)

    assert Customer.objects.get().service_center == other_centre


# ---- units -------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_preview_units_reports_each_bad_row_and_writes_nothing(agent, model, owner, fmt):
    UnitFactory(serial_number="SN-TAKEN", customer=owner, product_model=model)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    rows = [
        UNIT_HEADER,
        ["sn-001", "KY-75", owner.name, "2025-03-01", "自营", "", "INV-1", "2025-03-10"],
        ["SN-001", "KY-75", owner.name, "", "", "", "", ""],
        ["SN-002", "NOPE-1", owner.name, "", "", "", "", ""],
        ["SN-003", "KY-75", owner.name, tomorrow, "", "", "", ""],
        ["SN-TAKEN", "KY-75", owner.name, "", "", "", "", ""],
        ["SN-004", "KY-75", "不存在的客户", "2025-13-01", "dealer", "", "", ""],
    ]
    before = Unit.objects.count()

    preview = preview_import(kind="units", file=upload(rows, fmt), by=agent)

    errors = {r.row: [(e.code, e.field) for e in r.errors] for r in preview.rows}
    assert errors == {
        2: [],
        3: [("duplicate_in_file", "serial_number")],
        4: [("unknown_model", "product_model_code")],
        5: [("date_in_future", "purchase_date")],
        6: [("duplicate_serial", "serial_number")],
        7: [("unknown_customer", "customer_name"), ("invalid_date", "purchase_date")],
    }
    assert "row 2" in preview.rows[1].errors[0].message
    assert preview.rows[0].values["serial_number"] == "SN-001"
    assert Unit.objects.count() == before


@pytest.mark.django_db
def test_import_units_of_a_retired_model_is_refused_at_its_column_and_writes_nothing(agent, model, owner):
    ProductModelFactory(code="OLD-1", active=False)
    rows = [
        UNIT_HEADER,
        ["SN-1", "KY-75", owner.name, "", "", "", "", ""],
        ["SN-2", "OLD-1", owner.name, "2025-13-01", "", "", "", ""],
    ]

    preview = preview_import(kind="units", file=upload(rows), by=agent)
    with pytest.raises(ImportRejected) as caught:
        run_import(kind="units", file=upload(rows), by=agent)

    assert [(e.code, e.field) for e in preview.rows[1].errors] == [
        ("model_retired", "product_model_code"),
        ("invalid_date", "purchase_date"),
    ]
    assert "OLD-1" in preview.rows[1].errors[0].message
    assert caught.value.extra["rows"] == [preview.rows[1].as_dict()]
    assert not Unit.objects.exists()


@pytest.mark.django_db
def test_preview_and_import_agree_on_service_rules(agent, model, owner):
    rows = [UNIT_HEADER, ["SN-1", "KY-75", owner.name, "", "dealer", "", "", ""]]

    preview = preview_import(kind="units", file=upload(rows), by=agent)
    with pytest.raises(ImportRejected) as caught:
        run_import(kind="units", file=upload(rows), by=agent)

    assert [(e.code, e.field) for e in preview.rows[0].errors] == [("required", "dealer_name")]
    assert caught.value.extra["rows"] == [preview.rows[0].as_dict()]


@pytest.mark.django_db
def test_run_import_units_with_chinese_headers_and_excel_dates(agent, model, owner):
    rows = [
        UNIT_HEADER_ZH,
        ["SN-100", "KY-75", owner.name, datetime.datetime(2025, 3, 1), "经销商", "华东经销", "INV-9", 45726],
        [2025002, "KY-75", owner.name, "2025/3/2", "", "", "", None],
    ]

    result = run_import(kind="units", file=upload(rows), by=agent)

    assert result.created == 2
    first = Unit.objects.get(serial_number="SN-100")
    assert (first.purchase_date, first.installed_on) == (datetime.date(2025, 3, 1), datetime.date(2025, 3, 10))
    assert (first.seller, first.dealer_name, first.customer) == ("dealer", "华东经销", owner)
    assert Unit.objects.get(serial_number="2025002").purchase_date == datetime.date(2025, 3, 2)


@pytest.mark.django_db
def test_import_units_by_customer_id_and_ambiguous_or_invisible_names(agent, model, owner, other_centre):
    twin = CustomerFactory(name="重名客户", service_center=owner.service_center)
    CustomerFactory(name="重名客户", service_center=owner.service_center)
    hidden = CustomerFactory(name="北京客户", service_center=other_centre)
    rows = [
        ["serial_number", "product_model_code", "customer_name", "customer_id"],
        ["SN-1", "KY-75", "", str(twin.pk)],
        ["SN-2", "KY-75", "重名客户", ""],
        ["SN-3", "KY-75", "北京客户", ""],
        ["SN-4", "KY-75", "", str(hidden.pk)],
        ["SN-5", "KY-75", owner.name, str(twin.pk)],
    ]

    preview = preview_import(kind="units", file=upload(rows), by=agent)

    assert [[(e.code, e.field) for e in r.errors] for r in preview.rows] == [
        [],
        [("ambiguous_customer", "customer_name")],
        [("unknown_customer", "customer_name")],
        [("unknown_customer", "customer_id")],
        [("customer_mismatch", "customer_id")],
    ]


# ---- whole-file problems -----------------------------------------------------------------------
@pytest.mark.django_db
def test_import_refused_for_a_technician(users):
    with pytest.raises(PermissionDeniedError):
        preview_import(kind="customers", file=upload(customer_rows()), by=users[Role.TECHNICIAN])


@pytest.mark.django_db
def test_import_of_unknown_kind_is_not_found(agent):
    with pytest.raises(NotFoundError):
        preview_import(kind="widgets", file=upload(customer_rows()), by=agent)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file_type"),
        (b"%PDF-1.4 hello", "file_type"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "file_type"),
        (b"PK\x03\x04not really a zip", "file_type"),
        (b"", "file_empty"),
        (b"name,kind\n", "file_no_rows"),
        (b"name,colour\nx,red\n", "unknown_column"),
        (b"kind\ncompany\n", "missing_column"),
        (b"name,\xe5\x90\x8d\xe7\xa7\xb0\nx,y\n", "duplicate_column"),
    ],
)
def test_preview_refuses_a_bad_file_with_a_clear_error(agent, data, code):
    with pytest.raises(ValidationFailed) as caught:
        preview_import(kind="customers", file=SimpleUploadedFile("x.xlsx", data), by=agent)

    assert caught.value.code == code
    assert caught.value.field == "file"


@pytest.mark.django_db
def test_preview_refuses_more_than_the_row_limit(agent, monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 3)
    rows = [["name"], *([f"客户{i}"] for i in range(4))]

    with pytest.raises(ValidationFailed) as caught:
        preview_import(kind="customers", file=upload(rows, "csv"), by=agent)

    assert caught.value.code == "too_many_rows"


@pytest.mark.django_db
def test_preview_refuses_a_file_over_5_mb(agent):
    data = b"name\n" + b"x" * (5 * 1024 * 1024)

    with pytest.raises(ValidationFailed) as caught:
        preview_import(kind="customers", file=SimpleUploadedFile("big.csv", data), by=agent)

    assert caught.value.code == "file_too_large"


@pytest.mark.django_db
def test_preview_skips_blank_rows_and_keeps_spreadsheet_row_numbers(agent):
    rows = [["名称 *"], ["甲公司"], [None], ["乙公司"]]

    preview = preview_import(kind="customers", file=upload(rows), by=agent)

    assert [r.row for r in preview.rows] == [2, 4]
    assert not Site.objects.exists()


# ---- progress hook -----------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("importer", [preview_import, run_import])
def test_progress_hook_called_with_increasing_counts(agent, importer, monkeypatch):
    monkeypatch.setattr("aftersales.exchange.importers.PROGRESS_EVERY", 2)
    rows = [["name", "contact_name", "mobile"]] + [[f"客户{i}", "张伟", f"1381234000{i}"] for i in range(5)]
    calls = []

    importer(
        kind="customers", file=upload(rows, "csv"), by=agent, progress=lambda done, total: calls.append((done, total))
    )

    assert calls == [(0, 5), (2, 5), (4, 5), (5, 5)]


@pytest.mark.django_db
def test_progress_hook_not_called_for_a_bad_file(agent):
    calls = []

    with pytest.raises(ValidationFailed):
        preview_import(kind="customers", file=upload([["nonsense"], ["x"]], "csv"), by=agent, progress=calls.append)

    assert calls == []
