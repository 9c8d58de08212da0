"""One validation path for every import kind: the row-by-row import is a batch of one through the
same checks as the bulk path, so a file gives the same errors whatever the batch size; the preview
writes nothing and opens no transaction (on SQLite it never takes the write lock)."""

import pytest
from django.db import connection

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.core.tabular import RowPreparer
from aftersales.customers.models import Customer
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.exchange.importers import ImportRejected, preview_import, run_import
from aftersales.exchange.tests.conftest import upload
from aftersales.installed_base.models import Unit
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.service.models import ServiceOrder

CUSTOMERS = [
    ["name", "contact_name", "mobile", "site_name", "address", "kind", "service_center"],
    ["华东机械", "张伟", "13812345678", "", "", "", ""],
    ["北方公司", "赵六", "123", "", "", "", ""],  # invalid_phone
    ["", "王强", "13900001111", "", "", "", ""],  # required name
    ["南方制造", "", "", "总部", "", "", ""],  # site without address
    ["西部", "", "", "", "", "shop", "NOPE"],  # invalid_choice + unknown_service_center
    ["长江", "李", "13900002222", "厂区", "武汉路1号", "个人", ""],
]
UNITS = [
    ["serial_number", "product_model_code", "customer_name", "purchase_date", "installed_on", "seller"],
    ["SN-A1", "KY-75", "华东机械有限公司", "2024-01-05", "2024-01-10", ""],
    ["sn-a1", "KY-75", "华东机械有限公司", "", "", ""],  # duplicate_in_file (case-blind)
    ["SN-TAKEN", "KY-75", "华东机械有限公司", "", "", ""],  # duplicate_serial (database)
    ["SN-A2", "NOPE", "无名", "2099-01-01", "", ""],  # unknown_model, unknown_customer
    ["SN-A3", "KY-75", "华东机械有限公司", "2024-02-01", "2024-01-01", ""],  # before_purchase
    ["SN-A4", "KY-75", "华东机械有限公司", "", "", "dealer"],  # dealer without name
    ["SN-A5", "KY-75", "华东机械有限公司", "2024-02-01", "", "自营"],
]
ORDERS = [
    ["number", "status", "kind", "customer_name", "serial_number", "description", "received_at", "finished_at"],
    [
        "SO2023051000001",
        "",
        "维修",
        "华东机械有限公司",
        "SN-TAKEN",
        "x",
        "2023-05-10 09:00+08:00",
        "2023-05-11 09:00+08:00",
    ],
    ["SO2023051000001", "", "维修", "华东机械有限公司", "", "x", "2023-05-10 09:00+08:00", "2023-05-11 09:00+08:00"],
    ["SO2023051000002", "", "维修", "无名", "SN-X", "x", "2023-05-10 09:00", "2023-05-11 09:00+08:00"],
    ["SO2023051000003", "", "维修", "华东机械有限公司", "", "", "2023-05-10 09:00+08:00", "2023-05-11 09:00+08:00"],
    ["SO2023051000004", "accepted", "maintenance", "华东机械有限公司", "", "y", "2023-05-10 09:00+08:00", ""],
]
FILES = {"customers": CUSTOMERS, "units": UNITS, "orders": ORDERS}


@pytest.fixture
def world(centre):
    owner = CustomerFactory(name="华东机械有限公司", service_center=centre)
    ProductModelFactory(code="KY-75")
    UnitFactory(serial_number="SN-TAKEN", customer=owner)
    return UserFactory(role=Role.MANAGER, service_center=centre)


def _errors(preview):
    return [(r.row, [(e.code, e.field, e.message) for e in r.errors], r.values) for r in preview.rows]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", FILES)
def test_a_batch_of_one_and_the_bulk_path_report_the_same_errors(world, kind):
    one = preview_import(kind=kind, file=upload(FILES[kind]), by=world, batch_size=1)
    two = preview_import(kind=kind, file=upload(FILES[kind]), by=world, batch_size=2)
    bulk = preview_import(kind=kind, file=upload(FILES[kind]), by=world)

    assert _errors(one) == _errors(two) == _errors(bulk)
    assert 0 < bulk.valid < bulk.total  # a mixed file: good and bad rows


@pytest.mark.django_db
def test_each_kind_reports_the_expected_codes(world):
    codes = {
        kind: [sorted(e.code for e in r.errors) for r in preview_import(kind=kind, file=upload(rows), by=world).rows]
        for kind, rows in FILES.items()
    }

    assert codes["customers"] == [
        [],
        ["invalid_phone"],
        ["required"],
        ["required"],
        ["invalid_choice", "unknown_service_center"],
        [],
    ]
    assert codes["units"] == [
        [],
        ["duplicate_in_file"],
        ["duplicate_serial"],
        ["unknown_customer", "unknown_model"],  # the service's own checks wait for a known customer
        ["before_purchase"],
        ["required"],
        [],
    ]
    assert codes["orders"] == [[], ["duplicate_in_file"], ["unknown_customer", "unknown_unit"], ["required"], []]


@pytest.mark.django_db
@pytest.mark.parametrize("batch_size", [1, None])
@pytest.mark.parametrize("kind", FILES)
def test_a_mixed_file_writes_nothing_in_either_path(world, kind, batch_size):
    before = (Customer.objects.count(), Unit.objects.count(), ServiceOrder.objects.count())

    with pytest.raises(ImportRejected):
        run_import(kind=kind, file=upload(FILES[kind]), by=world, batch_size=batch_size)

    assert (Customer.objects.count(), Unit.objects.count(), ServiceOrder.objects.count()) == before


@pytest.mark.django_db
@pytest.mark.parametrize("batch_size", [1, 2, None])
@pytest.mark.parametrize("kind", FILES)
def test_the_good_rows_import_the_same_in_every_batch_size(world, kind, batch_size):
    preview = preview_import(kind=kind, file=upload(FILES[kind]), by=world)
    good = [FILES[kind][0]] + [FILES[kind][r.row - 1] for r in preview.rows if r.ok]

    result = run_import(kind=kind, file=upload(good), by=world, batch_size=batch_size)

    assert result.created == len(good) - 1 == len(set(result.ids))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", FILES)
def test_the_preview_checks_outside_any_transaction(world, kind, monkeypatch):
    seen = []
    original = RowPreparer.check

    def spy(self, rows):
        seen.append(connection.in_atomic_block)
        return original(self, rows)

    monkeypatch.setattr(RowPreparer, "check", spy)

    preview_import(kind=kind, file=upload(FILES[kind]), by=world)

    assert seen == [False]


# Every problem of a row at once (found by hand, 2026-12-07: fixing a 500-row file showed one problem a
# row at a time, the next only after the first was fixed): the cells' own and each field's of the service.
MANY = {
    "customers": [
        ["name", "contact_name", "mobile", "site_name", "address", "kind"],
        ["名" * 201, "张伟", "123", "总部", "", ""],  # too_long, invalid_phone, required address
        ["西部", "", "456", "", "", "shop"],  # invalid_choice (the cell), required contact, invalid_phone
    ],
    "units": [
        ["serial_number", "product_model_code", "customer_name", "purchase_date", "installed_on", "seller"],
        ["SN-B1", "NOPE", "华东机械有限公司", "2099-01-01", "2098-01-01", "dealer"],
    ],
    "orders": [
        ["number", "status", "kind", "customer_name", "reporter_phone", "description", "received_at"],
        ["SO2023051000009", "dispatched", "bogus", "华东机械有限公司", "123", "", "2023-05-10 09:00"],
    ],
}
EXPECTED = {
    "customers": [
        [("too_long", "name"), ("invalid_phone", "mobile"), ("required", "address")],
        [("invalid_choice", "kind"), ("required", "contact_name"), ("invalid_phone", "mobile")],
    ],
    "units": [
        [
            ("unknown_model", "product_model_code"),
            ("date_in_future", "purchase_date"),
            ("required", "dealer_name"),
            ("date_in_future", "installed_on"),
        ]
    ],
    "orders": [
        [
            ("invalid_choice", "kind"),
            ("not_assigned", "technician"),
            ("time_without_zone", "received_at"),
            ("invalid_phone", "reporter_phone"),
            ("required", "description"),
        ]
    ],
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", MANY)
def test_a_row_with_several_problems_shows_every_one_in_either_path(world, kind):
    for batch_size in (1, None):
        preview = preview_import(kind=kind, file=upload(MANY[kind]), by=world, batch_size=batch_size)

        assert [[(e.code, e.field) for e in r.errors] for r in preview.rows] == EXPECTED[kind], batch_size
        assert all(e.message for r in preview.rows for e in r.errors)
    with pytest.raises(ImportRejected):
        run_import(kind=kind, file=upload(MANY[kind]), by=world)
    assert (Customer.objects.count(), Unit.objects.count(), ServiceOrder.objects.count()) == (1, 1, 0)
