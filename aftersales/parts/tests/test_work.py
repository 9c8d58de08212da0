"""Supplier claims, turnover loans, stock-takes, tools and the price list."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.parts.choices import LoanStatus, MoveKind, OldPartFate, StockTakeStatus, SupplierClaimStatus
from aftersales.parts.models import LabourRate, Stock, StockMove, SupplierClaim, Tool
from aftersales.parts.services import claims, loans, stocktakes, tools
from aftersales.parts.services.catalogue import set_list_price
from aftersales.parts.services.visits import IssueLine, use_parts
from aftersales.parts.tests.factories import PartFactory, SupplierFactory, stock_up
from aftersales.service.models import ServiceOrder
from aftersales.service.services import assign_technician, record_visit
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def order(centre):
    return make_order(customer=CustomerFactory(service_center=centre))


# ---- supplier claims ----------------------------------------------------------------------------
def test_a_suppliers_part_is_claimed_and_credited(keeper, shop, order):
    supplier = SupplierFactory(code="SKF", name="斯凯孚")
    part = PartFactory(supplier=supplier, supplier_warranty_months=12, cost=Decimal("40.00"))

    claim = claims.open_claim(
        by=keeper,
        part=part,
        fitted_on=TODAY - datetime.timedelta(days=100),
        failure="异响",
        serial="B-1",
        order=order,
        today=TODAY,
    )
    for step in (SupplierClaimStatus.SENT, SupplierClaimStatus.ACCEPTED):
        claim = claims.move_claim(by=keeper, claim=claim, to=step)
    claim = claims.move_claim(by=keeper, claim=claim, to=SupplierClaimStatus.CREDITED, amount_recovered="40.00")

    assert (
        claim.status == SupplierClaimStatus.CREDITED and claim.amount_recovered == Decimal("40.00") and claim.closed_at
    )
    [row] = claims.recovery_by_supplier(type(claim).objects.all())
    assert (row["supplier__code"], row["claims"], row["claimed"], row["recovered"]) == (
        "SKF",
        1,
        Decimal("40.00"),
        Decimal("40.00"),
    )


def test_the_recovery_report_gives_amounts_to_the_fen(keeper, shop, order):
    """Found by hand, 2026-12-06: on SQLite the sums came back as "150", "130.5" and "0"."""
    supplier = SupplierFactory(code="SKF", name="斯凯孚")
    for cost in ("40.00", "90.50"):
        part = PartFactory(supplier=supplier, supplier_warranty_months=12, cost=Decimal(cost))
        claims.open_claim(
            by=keeper,
            part=part,
            fitted_on=TODAY - datetime.timedelta(days=100),
            failure="异响",
            serial=f"B-{cost}",
            order=order,
            today=TODAY,
        )

    [row] = claims.recovery_by_supplier(SupplierClaim.objects.all())

    assert (str(row["claimed"]), str(row["recovered"])) == ("130.50", "0.00")


def test_a_claim_sent_takes_the_kept_old_part_out_of_defective_stock(keeper, shop, centre):
    technician = UserFactory(role=Role.TECHNICIAN, service_center=centre)
    order = make_order(customer=CustomerFactory(service_center=centre))
    assign_technician(order, by=UserFactory(role=Role.DISPATCHER, service_center=centre), technician=technician)
    visit = record_visit(ServiceOrder.objects.get(pk=order.pk), by=technician)
    part = PartFactory(supplier=SupplierFactory(), supplier_warranty_months=12)
    stock_up(shop, part, 1, by=keeper)
    use_parts(
        by=technician,
        visit=visit,
        lines=[IssueLine(part=part, quantity=Decimal(1), location=shop, old_part_fate=OldPartFate.SUPPLIER_CLAIM)],
    )
    assert Stock.objects.get(location=shop, part=part).defective == 1

    claim = claims.open_claim(
        by=keeper, part=part, fitted_on=timezone.localdate(), failure="坏", location=shop, order=order
    )
    claims.move_claim(by=keeper, claim=claim, to=SupplierClaimStatus.SENT)

    assert Stock.objects.get(location=shop, part=part).defective == 0
    assert StockMove.objects.filter(kind=MoveKind.SUPPLIER_RETURN).count() == 1


def test_a_replaced_claim_receives_the_replacement(keeper, shop):
    part = PartFactory(supplier=SupplierFactory(), supplier_warranty_months=6)
    claim = claims.open_claim(by=keeper, part=part, fitted_on=timezone.localdate(), failure="坏", location=shop)
    for step in (SupplierClaimStatus.SENT, SupplierClaimStatus.ACCEPTED, SupplierClaimStatus.REPLACED):
        claim = claims.move_claim(by=keeper, claim=claim, to=step, replacement_location=shop)

    assert Stock.objects.get(location=shop, part=part).on_hand == 1 and claim.amount_recovered == claim.amount_claimed


def test_claims_outside_the_supplier_warranty_or_not_from_an_outside_supplier_are_refused(keeper):
    own = PartFactory(supplier=SupplierFactory(outside=False), supplier_warranty_months=12)
    none = PartFactory(supplier=None)
    old = PartFactory(supplier=SupplierFactory(), supplier_warranty_months=3)

    with pytest.raises(ValidationFailed) as own_exc:
        claims.open_claim(by=keeper, part=own, fitted_on=TODAY, failure="坏", today=TODAY)
    with pytest.raises(ValidationFailed):
        claims.open_claim(by=keeper, part=none, fitted_on=TODAY, failure="坏", today=TODAY)
    with pytest.raises(ConflictError) as old_exc:
        claims.open_claim(
            by=keeper, part=old, fitted_on=TODAY - datetime.timedelta(days=120), failure="坏", today=TODAY
        )

    assert own_exc.value.code == "not_outside_supplier" and own_exc.value.field == "part_id"
    assert old_exc.value.code == "outside_supplier_warranty" and old_exc.value.field == "fitted_on"
    assert not SupplierClaim.objects.exists()


def test_claim_moves_follow_the_table_and_rejection_needs_a_reason(keeper):
    part = PartFactory(supplier=SupplierFactory(), supplier_warranty_months=12)
    claim = claims.open_claim(by=keeper, part=part, fitted_on=timezone.localdate(), failure="坏")

    with pytest.raises(ConflictError) as skipped:
        claims.move_claim(by=keeper, claim=claim, to=SupplierClaimStatus.CREDITED, amount_recovered="1")
    with pytest.raises(ValidationFailed):
        claims.move_claim(by=keeper, claim=claim, to=SupplierClaimStatus.REJECTED)
    rejected = claims.move_claim(by=keeper, claim=claim, to=SupplierClaimStatus.REJECTED, reason="人为损坏")

    assert skipped.value.code == "invalid_transition" and skipped.value.extra["allowed"] == ["sent", "rejected"]
    assert rejected.status == SupplierClaimStatus.REJECTED and rejected.reject_reason == "人为损坏"


# ---- turnover loans -------------------------------------------------------------------------------
def test_a_turnover_spare_goes_out_and_comes_back(keeper, shop, order):
    spare = PartFactory(turnover=True)
    stock_up(shop, spare, 1, by=keeper)

    loan = loans.lend_spare(
        by=keeper,
        part=spare,
        serial="TS-01",
        location=shop,
        order=order,
        due_back=timezone.localdate() + datetime.timedelta(days=7),
    )
    out = Stock.objects.get(location=shop, part=spare).on_hand
    loan = loans.return_spare(by=keeper, loan=loan)
    back = Stock.objects.get(location=shop, part=spare)
    loan = loans.inspect_spare(by=keeper, loan=loan, usable=True, note="检修合格")

    assert out == 0 and (back.on_hand, back.defective) == (0, 1)
    assert loan.status == LoanStatus.RESTOCKED
    stock = Stock.objects.get(location=shop, part=spare)
    assert (stock.on_hand, stock.defective) == (1, 0)


def test_overdue_loans_are_listed_and_a_serial_is_lent_once(keeper, shop, order):
    spare = PartFactory(turnover=True)
    stock_up(shop, spare, 2, by=keeper)
    today = timezone.localdate()
    loan = loans.lend_spare(by=keeper, part=spare, serial="TS-02", location=shop, order=order, due_back=today)

    with pytest.raises(ConflictError) as twice:
        loans.lend_spare(by=keeper, part=spare, serial="TS-02", location=shop, order=order, due_back=today)

    assert twice.value.code == "already_lent"
    assert list(loans.overdue_loans(type(loan).objects.all(), today=today + datetime.timedelta(days=1))) == [loan]
    assert list(loans.overdue_loans(type(loan).objects.all(), today=today)) == []


def test_only_turnover_spares_are_lent(keeper, shop, order, part):
    with pytest.raises(ValidationFailed) as exc:
        loans.lend_spare(by=keeper, part=part, serial="X", location=shop, order=order, due_back=timezone.localdate())

    assert exc.value.code == "not_turnover"


# ---- stock-take -------------------------------------------------------------------------------------
def test_a_stock_take_posts_the_differences_after_the_managers_approval(keeper, shop, part, users):
    other = PartFactory()
    stock_up(shop, part, 5, by=keeper)
    stock_up(shop, other, 2, by=keeper)
    take = stocktakes.start_stock_take(by=keeper, location=shop)
    lines = {line.part_id: line.pk for line in take.lines.all()}

    stocktakes.record_counts(by=keeper, stock_take=take, counts={lines[part.pk]: "4", lines[other.pk]: "3"})
    stocktakes.submit_stock_take(by=keeper, stock_take=take)
    with pytest.raises(PermissionDeniedError):
        stocktakes.decide_stock_take(by=keeper, stock_take=take, approve=True)
    take = stocktakes.decide_stock_take(by=users["manager"], stock_take=take, approve=True)

    assert take.status == StockTakeStatus.POSTED
    assert Stock.objects.get(location=shop, part=part).on_hand == 4
    assert Stock.objects.get(location=shop, part=other).on_hand == 3
    assert StockMove.objects.filter(kind=MoveKind.ADJUSTMENT).count() == 2


def test_a_stock_take_is_submitted_only_when_every_line_is_counted(keeper, shop, part):
    stock_up(shop, part, 1, by=keeper)
    take = stocktakes.start_stock_take(by=keeper, location=shop)

    with pytest.raises(ValidationFailed) as exc:
        stocktakes.submit_stock_take(by=keeper, stock_take=take)
    with pytest.raises(ConflictError):
        stocktakes.start_stock_take(by=keeper, location=shop)

    assert exc.value.code == "not_counted"


# ---- tools -----------------------------------------------------------------------------------------
def test_tools_are_handed_to_named_people_with_calibration_dates(keeper, centre, other_centre):
    technician = UserFactory(role=Role.TECHNICIAN, service_center=centre)
    stranger = UserFactory(role=Role.TECHNICIAN, service_center=other_centre)
    tool = tools.add_tool(by=keeper, code="mm-01", name="万用表", service_center=centre)

    tool = tools.hand_tool(by=keeper, tool=tool, holder=technician)
    tool = tools.record_calibration(by=keeper, tool=tool, next_due=timezone.localdate() + datetime.timedelta(days=90))
    with pytest.raises(ValidationFailed):
        tools.hand_tool(by=keeper, tool=tool, holder=stranger)

    assert (tool.code, tool.holder, tool.held_since) == ("MM-01", technician, timezone.localdate())
    assert Tool.objects.get().calibration_due == timezone.localdate() + datetime.timedelta(days=90)


def test_another_centres_keeper_cannot_hand_a_tool(keeper, other_centre, centre):
    tool = tools.add_tool(by=keeper, code="T-1", name="扭力扳手", service_center=centre)
    outsider = UserFactory(role=Role.PARTS_KEEPER, service_center=other_centre)

    with pytest.raises(NotFoundError):
        tools.hand_tool(by=outsider, tool=tool, holder=None)


# ---- the price list ------------------------------------------------------------------------------------
def test_the_public_price_list_needs_no_sign_in(client, keeper, part):
    set_list_price(by=keeper, part=part, price="85.00", valid_from=timezone.localdate())
    LabourRate.objects.create(code="L1", name="上门服务费", price=Decimal("100.00"), unit="次")

    page = client.get("/parts/price-list/")
    api = client.get("/api/v1/price-list")

    assert page.status_code == 200 and "85.00" in page.content.decode() and "上门服务费" in page.content.decode()
    assert api.status_code == 200 and api.json()["items"][0]["price"] == "85.00"
    assert api.json()["labour"][0]["code"] == "L1"
    assert '<th scope="col">单位</th>' in page.content.decode(), "the unit of measure, not 设备 (an installed unit)"


def test_a_signed_in_price_list_refuses_anonymous_visitors(client, settings, keeper, part, api_client):
    settings.AFTERSALES = {**settings.AFTERSALES, "PRICE_LIST_VISIBILITY": "signed_in"}
    set_list_price(by=keeper, part=part, price="85.00", valid_from=timezone.localdate())

    assert client.get("/parts/price-list/").status_code == 302
    assert client.get("/api/v1/price-list").status_code == 401
    assert api_client(keeper).get("/api/v1/price-list").status_code == 200


def test_the_price_list_shows_the_price_in_force_today(keeper, part, client):
    today = timezone.localdate()
    set_list_price(by=keeper, part=part, price="80.00", valid_from=today - datetime.timedelta(days=30))
    set_list_price(by=keeper, part=part, price="90.00", valid_from=today + datetime.timedelta(days=1))

    assert client.get("/api/v1/price-list").json()["items"][0]["price"] == "80.00"


def test_a_claim_of_nothing_and_a_credit_of_nothing_are_refused(keeper, shop, order):
    """Found by a helper's probe, 2026-12-06: a claim of "0" was opened (and counted in the recovery
    report), and an accepted claim was credited with nothing recovered."""
    part = PartFactory(supplier=SupplierFactory(), supplier_warranty_months=12, cost=Decimal("0"))
    fitted = TODAY - datetime.timedelta(days=10)

    with pytest.raises(ValidationFailed) as nothing:
        claims.open_claim(by=keeper, part=part, fitted_on=fitted, failure="异响", today=TODAY)
    assert (nothing.value.code, nothing.value.field) == ("amount_not_positive", "amount_claimed")
    assert not SupplierClaim.objects.exists()

    claim = claims.open_claim(by=keeper, part=part, fitted_on=fitted, failure="异响", amount_claimed="88", today=TODAY)
    assert str(claim.amount_claimed) == "88.00"
    for step in (SupplierClaimStatus.SENT, SupplierClaimStatus.ACCEPTED):
        claim = claims.move_claim(by=keeper, claim=claim, to=step)
    for recovered, code in [("0", "amount_not_positive"), (None, "required")]:
        with pytest.raises(ValidationFailed) as refused:
            claims.move_claim(by=keeper, claim=claim, to=SupplierClaimStatus.CREDITED, amount_recovered=recovered)
        assert (refused.value.code, refused.value.field) == (code, "amount_recovered")
    claim.refresh_from_db()
    assert claim.status == SupplierClaimStatus.ACCEPTED
