"""The rest of the parts API, each endpoint once the way its user goes and once with bad input
(status, code, field, nothing written): prices, locations and levels, adjustments and the ledger's
filters, reservations, stock requests, turnover loans, stock-takes, tools, claim photos; and the
catalogue import's row checks."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.catalog.models import ProductModel
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.parts.imports import PartRows
from aftersales.parts.models import (
    ClaimPhoto,
    Loan,
    Location,
    Part,
    PartPrice,
    Reservation,
    Stock,
    StockMove,
    StockRequest,
    StockTake,
    Tool,
)
from aftersales.parts.tests.factories import PartFactory, SupplierFactory, stock_up
from aftersales.service.models import ServiceOrder
from aftersales.service.services import assign_technician, record_visit
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
JSON = "application/json"


@pytest.fixture
def order(centre):
    return make_order(customer=CustomerFactory(service_center=centre))


def _post(client, path, body):
    return client.post(path, body, content_type=JSON)


# ---- prices, locations, levels ------------------------------------------------------------------
def test_a_new_price_from_a_day_and_a_second_for_the_same_day_is_refused(api_client, keeper, part):
    client = api_client(keeper)
    first = _post(client, f"/api/v1/parts/{part.pk}/prices", {"price": "90.00", "valid_from": TODAY.isoformat()})
    again = _post(client, f"/api/v1/parts/{part.pk}/prices", {"price": "95.00", "valid_from": TODAY.isoformat()})

    assert first.status_code == 201 and first.json()["price"] == "90.00"
    assert again.status_code == 409 and again.json()["field"] == "valid_from"
    assert PartPrice.objects.filter(part=part).count() == 1
    assert client.get(f"/api/v1/parts/{part.pk}").json()["list_price"] == "90.00"
    assert client.get("/api/v1/parts/999999").status_code == 404


def test_the_keeper_makes_a_van_and_sets_levels(api_client, keeper, centre, part):
    technician = UserFactory(role=Role.TECHNICIAN, service_center=centre)
    client = api_client(UserFactory(role=Role.ADMIN))

    made = _post(
        client,
        "/api/v1/part-locations",
        {"code": "van-9", "name": "九号车", "kind": "van", "service_center_id": centre.pk, "holder_id": technician.pk},
    )
    assert made.status_code == 201, made.content
    van_id = made.json()["id"]
    levels = api_client(keeper).put(
        f"/api/v1/part-locations/{van_id}/stock/{part.pk}/levels",
        {"min_qty": "2", "max_qty": "5", "bin": "A-1"},
        content_type=JSON,
    )
    assert levels.status_code == 200 and levels.json()["bin"] == "A-1"
    shortages = api_client(keeper).get(f"/api/v1/part-locations/{van_id}/shortages").json()
    assert [row["part_id"] for row in shortages] == [part.pk]
    assert any(loc["code"] == "VAN-9" for loc in api_client(keeper).get("/api/v1/part-locations").json())


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"code": "W2", "name": "仓", "kind": "van"}, 400, "holder_id"),
        ({"code": "ST-X", "name": "库", "kind": "store"}, 400, "service_center_id"),
        ({"code": "ST-SH", "name": "重复", "kind": "warehouse"}, 409, "code"),
    ],
)
def test_a_bad_location_is_refused_with_its_field(api_client, shop, body, status, field):
    answer = _post(api_client(UserFactory(role=Role.ADMIN)), "/api/v1/part-locations", body)

    assert answer.status_code == status and answer.json().get("field") == field, answer.content
    assert Location.objects.count() == 1


def test_levels_with_the_maximum_below_the_minimum_are_refused(api_client, keeper, shop, part):
    answer = api_client(keeper).put(
        f"/api/v1/part-locations/{shop.pk}/stock/{part.pk}/levels", {"min_qty": "5", "max_qty": "2"}, content_type=JSON
    )
    assert answer.status_code == 400 and answer.json()["field"] == "max_qty"
    assert not Stock.objects.filter(location=shop, part=part, min_qty=5).exists()


# ---- adjustments and the ledger -----------------------------------------------------------------
def test_an_adjustment_moves_the_balance_and_shows_in_the_ledger(api_client, keeper, shop, part):
    stock_up(shop, part, 3, by=keeper)
    client = api_client(keeper)

    down = _post(
        client,
        "/api/v1/stock-adjustments",
        {"part_id": part.pk, "location_id": shop.pk, "delta": "-1", "reason": "破损"},
    )
    too_far = _post(
        client, "/api/v1/stock-adjustments", {"part_id": part.pk, "location_id": shop.pk, "delta": "-9", "reason": "x"}
    )

    assert down.status_code == 201 and too_far.status_code == 409 and too_far.json()["code"] == "insufficient_stock"
    assert too_far.json()["field"] == "delta"  # the request's own field (it said "quantity")
    assert Stock.objects.get(location=shop, part=part).on_hand == 2
    moves = client.get(f"/api/v1/stock-moves?part_id={part.pk}&location_id={shop.pk}&kind=adjustment").json()
    assert [(m["kind"], m["on_hand_delta"]) for m in moves["items"]] == [("adjustment", "-1.000"), ("receipt", "3.000")]
    assert client.get("/api/v1/stock-moves?location_id=999999").status_code == 404


# ---- reservations and requests over the API -----------------------------------------------------
def test_reserve_list_and_release_over_the_api(api_client, keeper, shop, part, order, centre):
    stock_up(shop, part, 2, by=keeper)
    dispatcher = UserFactory(role=Role.DISPATCHER, service_center=centre)
    client = api_client(dispatcher)

    held = _post(
        client, f"/api/v1/orders/{order.pk}/reservations", {"part_id": part.pk, "location_id": shop.pk, "quantity": "2"}
    )
    listed = client.get(f"/api/v1/orders/{order.pk}/reservations").json()
    released = _post(client, f"/api/v1/reservations/{held.json()['id']}/release", {})
    twice = _post(client, f"/api/v1/reservations/{held.json()['id']}/release", {})

    assert held.status_code == 201 and [r["status"] for r in listed] == ["held"]
    assert released.status_code == 200 and released.json()["status"] == "released"
    assert twice.status_code == 409
    assert Stock.objects.get(location=shop, part=part).reserved == 0
    assert client.get(f"/api/v1/orders/{order.pk}/parts").json() == []


def test_a_purchase_request_is_made_sent_received_or_cancelled(api_client, keeper, shop, part):
    client = api_client(keeper)
    supplier = SupplierFactory()
    made = _post(
        client,
        "/api/v1/stock-requests",
        {
            "kind": "purchase",
            "location_id": shop.pk,
            "supplier_id": supplier.pk,
            "lines": [{"part_id": part.pk, "quantity": "3"}],
        },
    )
    assert made.status_code == 201, made.content
    request_id = made.json()["id"]
    assert _post(client, f"/api/v1/stock-requests/{request_id}/send", {}).status_code == 200
    assert _post(client, f"/api/v1/stock-requests/{request_id}/receive", {}).status_code == 200
    assert Stock.objects.get(location=shop, part=part).on_hand == 3
    assert _post(client, f"/api/v1/stock-requests/{request_id}/cancel", {}).status_code == 409
    assert _post(client, f"/api/v1/stock-requests/{request_id}/polish", {}).status_code == 404
    assert [r["status"] for r in client.get("/api/v1/stock-requests?status=received").json()] == ["received"]

    other = _post(
        client,
        "/api/v1/stock-requests",
        {"kind": "purchase", "location_id": shop.pk, "lines": [{"part_id": part.pk, "quantity": "1"}]},
    )
    assert other.status_code == 201
    assert _post(client, f"/api/v1/stock-requests/{other.json()['id']}/cancel", {}).json()["status"] == "cancelled"


@pytest.mark.parametrize(
    ("lines", "field"),
    [([{"part_id": 999999, "quantity": "1"}], "part_id"), ([{"part_id": 0, "quantity": "-1"}], "quantity")],
)
def test_a_bad_request_line_is_refused_and_nothing_written(api_client, keeper, shop, part, lines, field):
    lines = [dict(line, part_id=line["part_id"] or part.pk) for line in lines]
    answer = _post(
        api_client(keeper), "/api/v1/stock-requests", {"kind": "purchase", "location_id": shop.pk, "lines": lines}
    )

    assert answer.status_code in (400, 404), answer.content
    if answer.status_code == 400:
        assert answer.json()["field"].endswith(field)
    assert not StockRequest.objects.exists()


# ---- turnover loans over the API ----------------------------------------------------------------
def test_a_spare_goes_out_comes_back_and_is_restocked(api_client, keeper, shop, order):
    spare = PartFactory(turnover=True)
    stock_up(shop, spare, 1, by=keeper)
    client = api_client(keeper)
    due = (TODAY + datetime.timedelta(days=10)).isoformat()

    lent = _post(
        client,
        "/api/v1/turnover-loans",
        {"part_id": spare.pk, "serial": "S-1", "location_id": shop.pk, "order_id": order.pk, "due_back": due},
    )
    assert lent.status_code == 201, lent.content
    loan_id = lent.json()["id"]
    assert Stock.objects.get(location=shop, part=spare).on_hand == 0
    assert _post(client, f"/api/v1/turnover-loans/{loan_id}/return", {}).json()["status"] == "back"
    inspected = _post(client, f"/api/v1/turnover-loans/{loan_id}/inspect", {"usable": True, "note": "测试正常"})

    assert inspected.json()["status"] == "restocked"
    stock = Stock.objects.get(location=shop, part=spare)
    assert (stock.on_hand, stock.defective) == (1, 0)
    assert client.get("/api/v1/turnover-loans?overdue=true").json() == []
    assert _post(client, f"/api/v1/turnover-loans/{loan_id}/return", {}).status_code == 409


# ---- stock-takes over the API -------------------------------------------------------------------
def test_a_stock_take_is_counted_submitted_and_approved(api_client, keeper, shop, part, centre):
    stock_up(shop, part, 5, by=keeper)
    client = api_client(keeper)
    started = _post(client, "/api/v1/stock-takes", {"location_id": shop.pk})
    assert started.status_code == 201, started.content
    take = started.json()
    [line] = take["lines"]

    early = _post(client, f"/api/v1/stock-takes/{take['id']}/submit", {})
    counted = client.put(
        f"/api/v1/stock-takes/{take['id']}/counts", {"counts": {str(line["id"]): "4"}}, content_type=JSON
    )
    submitted = _post(client, f"/api/v1/stock-takes/{take['id']}/submit", {})
    refused = _post(client, f"/api/v1/stock-takes/{take['id']}/decide", {"approve": True})
    manager = api_client(UserFactory(role=Role.MANAGER, service_center=centre))
    approved = _post(manager, f"/api/v1/stock-takes/{take['id']}/decide", {"approve": True, "note": "差一个"})

    assert early.status_code == 400 and counted.status_code == 200 and submitted.status_code == 200
    assert refused.status_code == 403
    assert approved.status_code == 200 and approved.json()["status"] == "posted"
    assert Stock.objects.get(location=shop, part=part).on_hand == 4
    assert manager.get(f"/api/v1/stock-takes/{take['id']}").json()["status"] == "posted"
    assert StockTake.objects.count() == 1


# ---- tools over the API -------------------------------------------------------------------------
def test_tools_are_handed_out_and_calibrated_over_the_api(api_client, keeper, centre):
    tool = Tool.objects.create(code="MM-1", name="万用表", service_center=centre)
    technician = UserFactory(role=Role.TECHNICIAN, service_center=centre)
    client = api_client(keeper)

    handed = _post(client, f"/api/v1/tools/{tool.pk}/holder", {"holder_id": technician.pk})
    unknown = _post(client, f"/api/v1/tools/{tool.pk}/holder", {"holder_id": 999999})
    past = _post(client, f"/api/v1/tools/{tool.pk}/calibration", {"calibration_due": "2001-01-01"})
    due = (TODAY + datetime.timedelta(days=180)).isoformat()
    calibrated = _post(client, f"/api/v1/tools/{tool.pk}/calibration", {"calibration_due": due})

    assert handed.json()["holder_id"] == technician.pk and unknown.status_code == 404
    assert past.status_code == 400 and past.json()["field"] == "calibration_due"
    assert calibrated.json()["calibration_due"] == due
    assert [t["code"] for t in api_client(technician).get("/api/v1/tools").json()] == ["MM-1"]


# ---- claim photos over the API ------------------------------------------------------------------
def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")


def test_a_photo_is_added_to_a_claim_and_a_text_file_refused(api_client, keeper):
    part = PartFactory(supplier=SupplierFactory(), supplier_warranty_months=12)
    client = api_client(keeper)
    claim = _post(
        client, "/api/v1/supplier-claims", {"part_id": part.pk, "fitted_on": TODAY.isoformat(), "failure": "坏"}
    )
    assert claim.status_code == 201, claim.content
    claim_id = claim.json()["id"]

    added = client.post(f"/api/v1/supplier-claims/{claim_id}/photos", {"file": _png()})
    text = client.post(
        f"/api/v1/supplier-claims/{claim_id}/photos",
        {"file": SimpleUploadedFile("x.txt", b"hello", content_type="text/plain")},
    )

    assert added.status_code == 201 and added.json()["photos"] == 1
    assert text.status_code == 400 and ClaimPhoto.objects.count() == 1
    assert [c["photos"] for c in client.get("/api/v1/supplier-claims?status=open").json()] == [1]
    assert client.get("/api/v1/supplier-claims/recovery").json()[0]["claims"] == 1


# ---- the catalogue import's rows ----------------------------------------------------------------
COLUMNS = ("number", "name", "unit", "list_price", "cost", "supplier_code", "supplier_warranty_months",
           "warranty_critical", "turnover", "compatible_models", "price_from")  # fmt: skip


def _rows(by, *rows):
    preparer = PartRows(by=by, table=None, mapping={key: i for i, key in enumerate(COLUMNS)})
    cells = [(n, dict(zip(COLUMNS, row, strict=True))) for n, row in enumerate(rows, start=2)]
    return preparer, preparer.check(cells)


def test_the_import_reads_chinese_units_and_yes_and_writes_the_parts(keeper):
    SupplierFactory(code="SKF")
    ProductModel.objects.create(code="KY-75", name="KY-75")
    preparer, prepared = _rows(
        keeper,
        ("brg-1", "轴承", "个", "85.00", "42.5", "skf", "12", "是", "否", "KY-75", ""),
        ("CBL-1", "电缆", "米", "", "", "", "", "", "", "", "2026-01-01"),
    )

    assert [errors for _v, errors, _r in prepared] == [[], []]
    preparer.write([record for _v, _e, record in prepared])
    part = Part.objects.get(number="BRG-1")
    assert part.warranty_critical and part.supplier.code == "SKF" and part.unit == "piece"
    assert list(part.compatible_models.values_list("code", flat=True)) == ["KY-75"]
    assert PartPrice.objects.get(part=part).price == Decimal("85.00")
    assert Part.objects.get(number="CBL-1").unit == "metre"


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (("BRG-6205", "x", "个", "", "", "", "", "", "", "", ""), "number"),
        (("N-1", "x", "桶", "", "", "", "", "", "", "", ""), "unit"),
        (("N-1", "x", "个", "", "", "NOPE", "", "", "", "", ""), "supplier_code"),
        (("N-1", "x", "个", "", "", "", "", "", "", "NO-MODEL", ""), "compatible_models"),
        (("N-1", "x", "个", "", "", "", "twelve", "", "", "", ""), "supplier_warranty_months"),
        (("N-1", "x", "个", "", "", "", "", "maybe", "", "", ""), "warranty_critical"),
        (("N-1", "x", "米", "", "", "", "", "", "是", "", ""), "unit"),
        (("N-1", "x", "个", "-5", "", "", "", "", "", "", ""), "list_price"),
        (("N-1", "x", "个", "", "", "", "", "", "", "", "someday"), "price_from"),
    ],
)
def test_a_bad_import_row_names_its_column_and_writes_nothing(keeper, part, row, column):
    _preparer, [(_values, errors, record)] = _rows(keeper, row)

    assert record is None and column in [e.field for e in errors], errors
    assert Part.objects.count() == 1


def test_a_part_twice_in_the_file_is_refused_on_the_second_row(keeper):
    _preparer, prepared = _rows(
        keeper, ("N-1", "x", "个", "", "", "", "", "", "", "", ""), ("n-1", "y", "个", "", "", "", "", "", "", "", "")
    )
    assert [[e.code for e in errors] for _v, errors, _r in prepared] == [[], ["duplicate_in_file"]]


# ---- the technician's visit over the API --------------------------------------------------------
def test_a_visits_parts_are_listed_and_a_closed_visit_order_is_refused(api_client, keeper, centre, shop, part):
    technician = UserFactory(role=Role.TECHNICIAN, service_center=centre)
    order = make_order(customer=CustomerFactory(service_center=centre))
    assign_technician(order, by=UserFactory(role=Role.DISPATCHER, service_center=centre), technician=technician)
    visit = record_visit(ServiceOrder.objects.get(pk=order.pk), by=technician)
    stock_up(shop, part, 1, by=keeper)
    client = api_client(technician)

    used = _post(
        client,
        f"/api/v1/visits/{visit.pk}/parts",
        {"lines": [{"part_id": part.pk, "quantity": "1", "old_part_fate": "scrapped"}]},
    )

    assert used.status_code == 201, used.content
    assert [row["part_id"] for row in client.get(f"/api/v1/visits/{visit.pk}/parts").json()] == [part.pk]
    assert StockMove.objects.filter(kind="issue", visit=visit).count() == 1
    assert Reservation.objects.count() == 0 and Loan.objects.count() == 0
