"""The keeper's and dispatcher's forms on the parts screens (catalogue edit, open a claim, lend a
spare, reserve and release, hand out tools) and the exports of the parts lists: each does what its
service does, refuses bad input with 400 beside the field and writes nothing, and answers 404 outside
the user's scope."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from PIL import Image

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.parts.choices import LoanStatus, ReservationStatus, SupplierClaimStatus
from aftersales.parts.models import (
    ClaimPhoto,
    Loan,
    Part,
    PartPrice,
    Reservation,
    Stock,
    StockMove,
    SupplierClaim,
    Tool,
)
from aftersales.parts.services.stock import receive_stock
from aftersales.parts.tests.factories import PartFactory, SupplierFactory, stock_up, store
from aftersales.service.choices import OrderStatus
from aftersales.service.models import ServiceOrder
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def png(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 30), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def order(centre):
    return make_order(customer=CustomerFactory(service_center=centre))


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


# ---- the catalogue (a settings section) ---------------------------------------------------------
def test_the_keeper_adds_a_part_with_its_first_price(signed_in, keeper):
    supplier = SupplierFactory(code="SKF")
    response = signed_in(keeper).post(
        "/settings/parts-catalogue/new/",
        {
            "number": "brg-6206",
            "name": "轴承 6206",
            "unit": "piece",
            "cost": "30.00",
            "supplier": supplier.pk,
            "supplier_warranty_months": "12",
            "warranty_critical": "on",
            "list_price": "55.00",
        },
    )

    assert response.status_code == 302
    part = Part.objects.get(number="BRG-6206")
    assert part.warranty_critical and part.supplier == supplier and part.supplier_warranty_months == 12
    assert PartPrice.objects.get(part=part).price == Decimal("55.00")
    page = signed_in(keeper).get("/settings/parts-catalogue/")
    assert "BRG-6206" in page.content.decode() and "保修关键件" in page.content.decode()


def test_editing_a_part_sets_a_new_price_from_its_day(signed_in, keeper, part):
    PartPrice.objects.create(part=part, valid_from=TODAY - datetime.timedelta(days=30), price=Decimal("10.00"))
    response = signed_in(keeper).post(
        f"/settings/parts-catalogue/{part.pk}/",
        {
            "number": part.number,
            "name": "新名字",
            "unit": "piece",
            "cost": "5",
            "supplier_warranty_months": "0",
            "active": "on",
            "list_price": "12.50",
        },
    )

    assert response.status_code == 302
    part.refresh_from_db()
    assert part.name == "新名字"
    assert list(PartPrice.objects.filter(part=part).order_by("valid_from").values_list("price", flat=True)) == [
        Decimal("10.00"),
        Decimal("12.50"),
    ]


def test_a_turnover_part_counted_in_metres_is_refused_beside_the_unit(signed_in, keeper):
    response = signed_in(keeper).post(
        "/settings/parts-catalogue/new/",
        {
            "number": "CBL-1",
            "name": "电缆",
            "unit": "metre",
            "cost": "1",
            "supplier_warranty_months": "0",
            "turnover": "on",
        },
    )

    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not Part.objects.filter(number="CBL-1").exists()


def test_only_the_keeper_edits_the_catalogue(signed_in, centre, part):
    technician = UserFactory(role=Role.TECHNICIAN, service_center=centre)
    assert signed_in(technician).get("/settings/parts-catalogue/").status_code == 403
    assert signed_in(technician).post(f"/settings/parts-catalogue/{part.pk}/", {"name": "x"}).status_code == 403


# ---- opening a supplier claim -------------------------------------------------------------------
def _claimable():
    return PartFactory(number="SKF-1", supplier=SupplierFactory(), supplier_warranty_months=12, cost=Decimal("40"))


def test_the_keeper_opens_a_claim_with_a_photo(signed_in, keeper, shop, order):
    _claimable()
    response = signed_in(keeper).post(
        "/parts/claims/open/",
        {
            "part": "skf-1",
            "serial": "B-1",
            "fitted_on": (TODAY - datetime.timedelta(days=30)).isoformat(),
            "failure": "异响",
            "order": order.number,
            "location": shop.pk,
            "photo": png("claim.png"),
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    claim = SupplierClaim.objects.get()
    assert claim.photos.count() == 1
    assert (claim.status, claim.order_id, claim.location_id, claim.amount_claimed) == (
        SupplierClaimStatus.OPEN,
        order.pk,
        shop.pk,
        Decimal("40.00"),
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"part": "NOPE"}, "part"),
        ({"fitted_on": "2000-01-01"}, "fitted_on"),
        ({"order": "WO-NOT-HERE"}, "order"),
        ({"failure": ""}, "failure"),
        ({"amount_claimed": "-1"}, "amount_claimed"),
    ],
)
def test_a_bad_claim_is_refused_beside_its_field_and_nothing_written(signed_in, keeper, shop, change, field):
    _claimable()
    data = {"part": "SKF-1", "fitted_on": TODAY.isoformat(), "failure": "坏", "location": shop.pk} | change
    response = signed_in(keeper).post("/parts/claims/open/", data)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not SupplierClaim.objects.exists() and not ClaimPhoto.objects.exists()


def test_a_part_of_our_own_make_cannot_be_claimed(signed_in, keeper):
    PartFactory(number="OWN-1", supplier=SupplierFactory(outside=False), supplier_warranty_months=12)
    response = signed_in(keeper).post(
        "/parts/claims/open/", {"part": "OWN-1", "fitted_on": TODAY.isoformat(), "failure": "坏"}
    )

    assert response.status_code == 400 and "part" in response.context["form"].errors
    assert not SupplierClaim.objects.exists()


def test_a_technician_may_not_open_a_claim(signed_in, centre):
    _claimable()
    technician = UserFactory(role=Role.TECHNICIAN, service_center=centre)
    response = signed_in(technician).post(
        "/parts/claims/open/", {"part": "SKF-1", "fitted_on": TODAY.isoformat(), "failure": "坏"}
    )

    assert response.status_code == 403 and not SupplierClaim.objects.exists()
    assert "claim-open" not in signed_in(technician).get("/parts/claims/").content.decode()


# ---- lending a turnover spare -------------------------------------------------------------------
@pytest.fixture
def spare(keeper, shop):
    part = PartFactory(number="PUMP-T", turnover=True)
    stock_up(shop, part, 1, by=keeper)
    return part


def test_the_keeper_lends_a_spare_from_the_screen(signed_in, keeper, shop, order, spare):
    due = TODAY + datetime.timedelta(days=14)
    response = signed_in(keeper).post(
        "/parts/loans/lend/",
        {"part": "PUMP-T", "serial": "T-1", "location": shop.pk, "order": order.number, "due_back": due.isoformat()},
    )

    assert response.status_code == 302
    loan = Loan.objects.get()
    assert (loan.status, loan.serial, loan.due_back) == (LoanStatus.OUT, "T-1", due)
    assert Stock.objects.get(location=shop, part=spare).on_hand == 0
    assert "T-1" in signed_in(keeper).get("/parts/loans/").content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"part": "BRG-6205"}, "part"),  # not a turnover spare
        ({"due_back": "2000-01-01"}, "due_back"),
        ({"order": "WO-NOT-HERE"}, "order"),
        ({"serial": ""}, "serial"),
    ],
)
def test_a_bad_loan_is_refused_beside_its_field_and_nothing_written(
    signed_in, keeper, shop, order, spare, part, change, field
):
    data = {
        "part": "PUMP-T",
        "serial": "T-1",
        "location": shop.pk,
        "order": order.number,
        "due_back": (TODAY + datetime.timedelta(days=7)).isoformat(),
    } | change
    response = signed_in(keeper).post("/parts/loans/lend/", data)

    assert response.status_code == 400 and field in response.context["form"].errors
    assert not Loan.objects.exists() and Stock.objects.get(location=shop, part=spare).on_hand == 1


def test_a_spare_lent_out_is_not_lent_twice(signed_in, keeper, shop, order, spare):
    stock_up(shop, spare, 1, by=keeper)
    data = {
        "part": "PUMP-T",
        "serial": "T-1",
        "location": shop.pk,
        "order": order.number,
        "due_back": (TODAY + datetime.timedelta(days=7)).isoformat(),
    }
    assert signed_in(keeper).post("/parts/loans/lend/", data).status_code == 302
    again = signed_in(keeper).post("/parts/loans/lend/", data)

    assert again.status_code == 400 and "serial" in again.context["form"].errors
    assert Loan.objects.count() == 1


def test_another_centres_order_reads_as_unknown_on_the_loan_form(signed_in, keeper, shop, spare, other_centre):
    theirs = make_order(customer=CustomerFactory(service_center=other_centre))
    response = signed_in(keeper).post(
        "/parts/loans/lend/",
        {
            "part": "PUMP-T",
            "serial": "T-1",
            "location": shop.pk,
            "order": theirs.number,
            "due_back": (TODAY + datetime.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 400 and "order" in response.context["form"].errors
    assert not Loan.objects.exists()


# ---- reserving parts for an order ---------------------------------------------------------------
@pytest.fixture
def dispatcher(centre):
    return UserFactory(role=Role.DISPATCHER, service_center=centre)


def test_a_dispatcher_reserves_a_part_and_releases_it(signed_in, keeper, dispatcher, shop, part, order):
    stock_up(shop, part, 2, by=keeper)
    page = signed_in(dispatcher).get(f"/parts/orders/{order.pk}/reservations/")
    assert page.status_code == 200 and "reserve-form" in page.content.decode()
    detail = signed_in(dispatcher).get(f"/orders/{order.pk}/")
    assert f"/parts/orders/{order.pk}/reservations/" in detail.content.decode()

    response = signed_in(dispatcher).post(
        f"/parts/orders/{order.pk}/reservations/", {"part": part.number, "location": shop.pk, "quantity": "2"}
    )

    assert response.status_code == 302
    reservation = Reservation.objects.get()
    assert reservation.status == ReservationStatus.HELD
    assert Stock.objects.get(location=shop, part=part).available == 0

    released = signed_in(dispatcher).post(f"/parts/reservations/{reservation.pk}/release/")
    assert released.status_code == 302
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.RELEASED
    assert Stock.objects.get(location=shop, part=part).available == 2


def test_a_reservation_released_twice_is_refused_beside_its_row(signed_in, keeper, dispatcher, shop, part, order):
    """Released meanwhile (by someone else, or a second tap): 400 with the refusal beside the row, not a
    flash over the page; nothing goes back to stock twice."""
    stock_up(shop, part, 2, by=keeper)
    signed_in(dispatcher).post(
        f"/parts/orders/{order.pk}/reservations/", {"part": part.number, "location": shop.pk, "quantity": "2"}
    )
    reservation = Reservation.objects.get()
    assert signed_in(dispatcher).post(f"/parts/reservations/{reservation.pk}/release/").status_code == 302

    again = signed_in(dispatcher).post(f"/parts/reservations/{reservation.pk}/release/")

    assert again.status_code == 400
    body = again.content.decode()
    row = body[body.index(f'id="reservation-{reservation.pk}"') :].split("</tr>")[0]
    assert f'id="reservation-{reservation.pk}-error"' in row
    assert _("This reservation was already issued or released.") in row
    assert not [m for m in again.context["messages"] if m.level_tag == "error"]
    assert Stock.objects.get(location=shop, part=part).available == 2
    assert StockMove.objects.filter(kind="release").count() == 1


def test_too_few_available_is_refused_or_waited_for(signed_in, keeper, dispatcher, shop, part, order):
    stock_up(shop, part, 1, by=keeper)
    url = f"/parts/orders/{order.pk}/reservations/"
    refused = signed_in(dispatcher).post(url, {"part": part.number, "location": shop.pk, "quantity": "3"})
    assert refused.status_code == 400 and "quantity" in refused.context["form"].errors
    assert not Reservation.objects.exists()

    waiting = signed_in(dispatcher).post(url, {"part": part.number, "location": shop.pk, "quantity": "3", "wait": "on"})
    assert waiting.status_code == 302
    assert Reservation.objects.get().status == ReservationStatus.WAITING

    receive_stock(by=keeper, location=shop, part=part, quantity=2)
    assert Reservation.objects.get().status == ReservationStatus.HELD


@pytest.mark.parametrize(("quantity", "field"), [("-1", "quantity"), ("0.5", "quantity"), ("abc", "quantity")])
def test_a_bad_quantity_is_refused_beside_the_field(signed_in, keeper, dispatcher, shop, part, order, quantity, field):
    stock_up(shop, part, 5, by=keeper)
    response = signed_in(dispatcher).post(
        f"/parts/orders/{order.pk}/reservations/", {"part": part.number, "location": shop.pk, "quantity": quantity}
    )
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not Reservation.objects.exists() and Stock.objects.get(location=shop, part=part).reserved == 0


def test_a_closed_order_takes_no_reservation(signed_in, keeper, dispatcher, shop, part, order):
    stock_up(shop, part, 5, by=keeper)
    ServiceOrder.objects.filter(pk=order.pk).update(status=OrderStatus.CANCELLED)
    page = signed_in(dispatcher).get(f"/parts/orders/{order.pk}/reservations/")
    assert page.status_code == 200 and "reserve-form" not in page.content.decode()
    response = signed_in(dispatcher).post(
        f"/parts/orders/{order.pk}/reservations/", {"part": part.number, "location": shop.pk, "quantity": "1"}
    )
    assert response.status_code == 403 and not Reservation.objects.exists()


def test_another_centres_order_and_reservation_answer_404(signed_in, keeper, shop, part, other_centre):
    theirs = make_order(customer=CustomerFactory(service_center=other_centre))
    their_keeper = UserFactory(role=Role.PARTS_KEEPER, service_center=other_centre)
    their_store = store(other_centre)
    stock_up(their_store, part, 1, by=their_keeper)
    reservation = Reservation.objects.create(
        order=theirs, part=part, location=their_store, quantity=1, status=ReservationStatus.WAITING,
        created_by=their_keeper,
    )  # fmt: skip

    assert signed_in(keeper).get(f"/parts/orders/{theirs.pk}/reservations/").status_code == 404
    assert signed_in(keeper).post(f"/parts/reservations/{reservation.pk}/release/").status_code == 404
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.WAITING


# ---- tools --------------------------------------------------------------------------------------
@pytest.fixture
def tool(centre):
    return Tool.objects.create(code="TW-01", name="扭力扳手", service_center=centre)


def test_the_keeper_hands_a_tool_out_and_takes_it_back(signed_in, keeper, centre, tool):
    technician = UserFactory(role=Role.TECHNICIAN, service_center=centre, username="tech-tw")
    page = signed_in(keeper).get("/parts/tools/")
    assert "tech-tw" in page.content.decode() or str(technician) in page.content.decode()

    assert signed_in(keeper).post(f"/parts/tools/{tool.pk}/hand/", {"holder_id": technician.pk}).status_code == 302
    tool.refresh_from_db()
    assert (
        tool.holder == technician and tool.held_since == timezone.localdate()
    )  # not TODAY: the run may cross midnight

    assert signed_in(keeper).post(f"/parts/tools/{tool.pk}/hand/", {"holder_id": ""}).status_code == 302
    tool.refresh_from_db()
    assert tool.holder is None and tool.held_since is None


def test_the_keeper_records_a_calibration(signed_in, keeper, tool):
    due = TODAY + datetime.timedelta(days=365)
    assert signed_in(keeper).post(f"/parts/tools/{tool.pk}/calibrate/", {"calibration_due": due}).status_code == 302
    tool.refresh_from_db()
    assert tool.calibration_due == due


@pytest.mark.parametrize("value", ["", "not-a-date", "2000-01-01"])
def test_a_bad_calibration_date_is_refused(signed_in, keeper, tool, value):
    response = signed_in(keeper).post(f"/parts/tools/{tool.pk}/calibrate/", {"calibration_due": value})
    assert response.status_code == 400
    tool.refresh_from_db()
    assert tool.calibration_due is None


def test_a_tool_goes_to_no_one_of_another_centre(signed_in, keeper, tool, other_centre):
    stranger = UserFactory(role=Role.TECHNICIAN, service_center=other_centre)
    response = signed_in(keeper).post(f"/parts/tools/{tool.pk}/hand/", {"holder_id": stranger.pk})
    assert response.status_code == 400
    tool.refresh_from_db()
    assert tool.holder is None


def test_another_centres_tool_and_an_unknown_action_answer_404(signed_in, keeper, tool, other_centre):
    theirs = Tool.objects.create(code="TW-BJ", name="万用表", service_center=other_centre)
    assert signed_in(keeper).post(f"/parts/tools/{theirs.pk}/hand/", {"holder_id": ""}).status_code == 404
    assert signed_in(keeper).post(f"/parts/tools/{tool.pk}/polish/").status_code == 404
    assert signed_in(keeper).post(f"/parts/tools/{tool.pk}/hand/", {"holder_id": "999999"}).status_code == 404


def test_a_technician_sees_the_tools_they_hold_without_forms(signed_in, keeper, centre, tool):
    technician = UserFactory(role=Role.TECHNICIAN, service_center=centre)
    signed_in(keeper).post(f"/parts/tools/{tool.pk}/hand/", {"holder_id": technician.pk})
    page = signed_in(technician).get("/parts/tools/")
    assert "TW-01" in page.content.decode() and "calibration_due" not in page.content.decode()
    assert signed_in(technician).post(f"/parts/tools/{tool.pk}/hand/", {"holder_id": ""}).status_code == 403


# ---- exports ------------------------------------------------------------------------------------
def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    return [list(row) for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]


def test_the_stock_export_is_scoped_and_filtered(signed_in, keeper, shop, part, other_centre):
    stock_up(shop, part, 3, by=keeper)
    their_store = store(other_centre)
    stock_up(their_store, PartFactory(number="BJ-ONLY"), 1, by=UserFactory(role=Role.ADMIN))

    rows = _sheet(signed_in(keeper).get("/exports/parts_stock.xlsx"))
    numbers = [r[2] for r in rows[1:]]
    assert numbers == ["BRG-6205"] and rows[1][6] == 3

    filtered = _sheet(signed_in(keeper).get(f"/exports/parts_stock.xlsx?location={shop.pk}&q=nothing"))
    assert filtered[1:] == []
    assert signed_in(keeper).get(f"/exports/parts_stock.xlsx?location={their_store.pk}").status_code == 404


def test_the_other_parts_lists_export(signed_in, keeper, shop, part, order, centre):
    Stock.objects.filter(location=shop, part=part).delete()
    stock_up(shop, part, 1, by=keeper)
    Stock.objects.filter(location=shop, part=part).update(min_qty=5, max_qty=10)
    spare = PartFactory(number="PUMP-T", turnover=True)
    stock_up(shop, spare, 1, by=keeper)
    Loan.objects.create(
        number="TL-1", part=spare, serial="T-9", location=shop, order=order, lent_at=timezone.now(),
        due_back=TODAY - datetime.timedelta(days=1), created_by=keeper,
    )  # fmt: skip
    SupplierClaim.objects.create(
        number="SC-1", part=part, supplier=SupplierFactory(name="斯凯孚"), location=shop, fitted_on=TODAY,
        failure="异响", amount_claimed=Decimal("40"), created_by=keeper,
    )  # fmt: skip
    Tool.objects.create(code="TW-01", name="扭力扳手", service_center=centre, calibration_due=TODAY)

    shortages = _sheet(signed_in(keeper).get("/exports/parts_shortages.xlsx"))
    assert shortages[1][2] == "BRG-6205" and shortages[1][8] == 9
    loans = _sheet(signed_in(keeper).get("/exports/parts_loans.xlsx"))
    assert loans[1][0] == "TL-1" and loans[1][9] == "是"
    claims = _sheet(signed_in(keeper).get("/exports/parts_claims.xlsx"))
    assert claims[1][0] == "SC-1" and claims[1][2] == "斯凯孚"
    tools = _sheet(signed_in(keeper).get("/exports/parts_tools.xlsx"))
    assert tools[1][0] == "TW-01"
    assert signed_in(keeper).get("/exports/parts_tools.csv").status_code == 200
