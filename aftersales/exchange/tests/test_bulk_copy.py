"""The bulk write of an import (``core.bulk.bulk_insert``: COPY on PostgreSQL) writes exactly the
rows the ORM writes: every column of a customer (with its contact, site and history row), a unit
and an imported order (with its events) imported in one batch equals, field by field, the same row
imported row by row (a batch of one, written by ``Model.save``). On SQLite both are the ORM."""

import datetime

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.core.bulk import insert_rows
from aftersales.customers.models import Contact, Customer, Site
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.exchange.importers import run_import
from aftersales.exchange.tests.conftest import upload
from aftersales.exchange.tests.test_orders_import import HEADER as ORDER_HEADER
from aftersales.history.models import Activity
from aftersales.installed_base.models import Unit
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.service.models import OrderEvent, ServiceOrder

pytestmark = pytest.mark.django_db

CUSTOMER_HEADER = ["name", "contact_name", "mobile", "site_name", "address", "province", "city", "kind", "notes"]
# Differ between two imports of the same row by design: the keys and the time of writing.
SKIP = {
    "id",
    "customer",
    "order",
    "target_id",
    "number",
    "serial_number",
    "created_at",
    "updated_at",
    "warranty_decided_at",
}


def _columns(obj: models.Model) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in type(obj)._meta.concrete_fields
        if f.name not in SKIP and f.attname.removesuffix("_id") not in SKIP
    }


def _row(model: type[models.Model], pk: int) -> dict:
    return _columns(model.objects.get(pk=pk))


def _copied(run) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        result = run()
    return result, [q["sql"] for q in context.captured_queries]


@pytest.fixture
def manager(centre):
    return UserFactory(username="mgr", role=Role.MANAGER, service_center=centre)


def _import(kind, rows, by, batch_size=None):
    result, statements = _copied(lambda: run_import(kind=kind, file=upload(rows), by=by, batch_size=batch_size))
    return result.ids, statements


def _history(target_model, pk):
    rows = [_columns(a) for a in Activity.objects.filter(target_id=pk, type__endswith="d").order_by("pk")]
    for row in rows:
        row["data"].get("changes", {}).pop("serial_number", None)  # differs by design
    return rows


def test_customers_written_in_bulk_equal_those_written_row_by_row(manager):
    row = ["华东机械有限公司", "张伟", "13812345678", "总部", "武汉路1号", "湖北", "武汉", "个人", "老客户"]
    other = ["北方公司", "赵六", "13900001111", "厂区", "长安路2号", "", "", "", ""]
    (one, *_), _ = _import("customers", [CUSTOMER_HEADER, row], manager, batch_size=1)
    first = _row(Customer, one)
    contact, site = _columns(Contact.objects.get(customer_id=one)), _columns(Site.objects.get(customer_id=one))
    history = _history(Customer, one)
    # The same person again would be refused (duplicate_customer): the first one is renamed out of the way.
    Customer.objects.filter(pk=one).update(name="改名")
    (bulk, *_), statements = _import("customers", [CUSTOMER_HEADER, row, other], manager)

    assert _row(Customer, bulk) == first
    assert _columns(Customer.objects.get(pk=bulk).contacts.get()) == contact
    assert _columns(Site.objects.get(customer_id=bulk)) == site
    assert _history(Customer, bulk) == history != []
    assert Customer.objects.name_contains("华东").count() == 1  # the search index has the copied row
    if connection.vendor == "postgresql":  # COPY, not an INSERT compiled by the ORM
        assert not [s for s in statements if s.startswith('INSERT INTO "customers_')]


def test_units_and_orders_written_in_bulk_equal_those_written_row_by_row(manager, centre):
    owner = CustomerFactory(name="华东机械有限公司", service_center=centre)
    ProductModelFactory(code="KY-75")
    UnitFactory(customer=owner, serial_number="SN-HIST-1")
    UserFactory(username="li.qiang", role=Role.TECHNICIAN, service_center=centre)
    header = [
        "serial_number",
        "product_model_code",
        "customer_name",
        "purchase_date",
        "installed_on",
        "seller",
        "dealer_name",
        "proof_reference",
    ]
    unit = ["KY-75", "华东机械有限公司", "2024-01-05", "2024-01-10", "dealer", "华通", "INV-1"]
    (one,), _ = _import("units", [header, ["SN-A", *unit]], manager, batch_size=1)
    (bulk, _), _ = _import("units", [header, ["SN-B", *unit], ["SN-C", *unit]], manager)
    assert _row(Unit, bulk) == _row(Unit, one)
    assert _history(Unit, bulk) == _history(Unit, one) != []

    def order(number: str) -> list[str]:
        day = datetime.date(2023, 5, 10)
        received, finished = f"{day}T09:12:00+08:00", f"{day}T16:30:00+08:00"
        return [
            number,
            "已关闭",
            "维修",
            "华东机械有限公司",
            "SN-HIST-1",
            "不制冷",
            received,
            finished,
            "压缩机",
            "li.qiang",
        ]

    (one,), _ = _import("orders", [ORDER_HEADER, order("SO2023051000001")], manager, batch_size=1)
    (bulk, _), statements = _import(
        "orders", [ORDER_HEADER, order("SO2023051000002"), order("SO2023051000003")], manager
    )

    assert _row(ServiceOrder, bulk) == _row(ServiceOrder, one)
    events = {
        pk: [(_columns(e), e.created_at) for e in OrderEvent.objects.filter(order_id=pk).order_by("pk")]
        for pk in (one, bulk)
    }
    assert events[bulk] == events[one]
    assert len(events[bulk]) == 2
    if connection.vendor == "postgresql":
        assert not [s for s in statements if s.startswith('INSERT INTO "service_')]


def test_rows_inserted_without_instances_equal_those_saved_by_the_orm_and_keep_given_dates(centre):
    """``core.bulk.insert_rows`` (the order import's write): COPY for a batch, a plain INSERT for one
    row, both equal to ``Model.save`` of the same values, column by column; the columns a row leaves
    out take the model's defaults, and a given ``created_at`` (auto_now_add) is written as given."""
    customer = CustomerFactory(service_center=centre)
    by = UserFactory(role=Role.MANAGER, service_center=centre)
    when = datetime.datetime(2023, 5, 10, 1, 12, tzinfo=datetime.UTC)
    order = {
        "kind": "repair",
        "service_center_id": centre.pk,
        "customer_id": customer.pk,
        "reporter_name": "张伟",
        "reporter_phone": "+8613812345678",
        "description": "不制冷",
        "received_at": when,
        "respond_by": when + datetime.timedelta(hours=24),
        "due_at": when + datetime.timedelta(days=9),
        "at_risk_at": when + datetime.timedelta(days=8),
        "warranty_reason": "no_unit",
        "warranty_decided_at": when,
        "created_by_id": by.pk,
    }
    saved = ServiceOrder(**order, number="SO2023051000001")
    saved.save()

    with CaptureQueriesContext(connection) as context:
        batch = insert_rows(ServiceOrder, [{**order, "number": f"SO202305100000{n}"} for n in (2, 3)])
    single = insert_rows(ServiceOrder, [{**order, "number": "SO2023051000004"}])

    for pk in (*batch, *single):
        assert _row(ServiceOrder, pk) == _row(ServiceOrder, saved.pk)
        assert ServiceOrder.objects.get(pk=pk).created_at is not None
    if connection.vendor == "postgresql":  # COPY (not captured: it bypasses the cursor wrapper), no INSERT
        assert not [q for q in context.captured_queries if q["sql"].startswith("INSERT")]
    event = {"order_id": saved.pk, "type": "created", "actor_id": by.pk, "to_status": "new", "created_at": when}
    saved_event = OrderEvent(**event)
    saved_event.save()
    for pk in (*insert_rows(OrderEvent, [event, event]), *insert_rows(OrderEvent, [event])):
        written = OrderEvent.objects.get(pk=pk)
        assert _columns(written) == _columns(OrderEvent.objects.get(pk=saved_event.pk))
        assert written.data == {}  # the default, a fresh dict
        assert written.created_at == when  # the ORM would have written the time of the save
