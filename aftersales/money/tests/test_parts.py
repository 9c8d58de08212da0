"""Parts on a visit and money, end to end through the API: in warranty the issued parts become the
company's (or the supplier's) charge lines at once; out of warranty a part is issued only after the
customer approved it in a quote, and then only as much as was approved; the invoice is right to the fen."""

import datetime
import json
from decimal import Decimal

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.money.models import ChargeLine, LedgerEntry, Quote
from aftersales.money.services.charges import add_charge, override_bearer
from aftersales.money.services.quotes import quote_token
from aftersales.money.tests.factories import order_with
from aftersales.parts.choices import LocationKind, UnitOfMeasure
from aftersales.parts.models import Location, StockMove, VisitPart
from aftersales.parts.services.catalogue import set_list_price
from aftersales.parts.tests.factories import PartFactory, stock_up
from aftersales.service.models import ServiceOrder
from aftersales.service.services import assign_technician, override_warranty, record_visit

pytestmark = pytest.mark.django_db


def post(client, path, body=None):
    return client.post(f"/api/v1{path}", json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def keeper(centre):
    return UserFactory(role=Role.PARTS_KEEPER, service_center=centre)


@pytest.fixture
def bearing(keeper, centre):
    part = PartFactory(number="BRG-6205", name="主轴轴承", cost=Decimal("40.00"))
    shop = Location.objects.create(code="ST-1", name="库房", kind=LocationKind.CENTRE_STORE, service_center=centre)
    stock_up(shop, part, 10, by=keeper)
    set_list_price(by=keeper, part=part, price="85.37", valid_from=datetime.date(2020, 1, 1))
    return part


def job(users, coverage):
    """An order of ``coverage`` assigned to the technician, with a visit under way."""
    tech = users[Role.TECHNICIAN]
    order = order_with(coverage, by=users[Role.AGENT])
    assign_technician(order, by=users[Role.DISPATCHER], technician=tech)
    visit = record_visit(ServiceOrder.objects.get(pk=order.pk), by=tech)
    return order, visit


def issue(client, visit, part, quantity="1", fate="customer"):
    return post(
        client,
        f"/visits/{visit.pk}/parts",
        {"lines": [{"part_id": part.pk, "quantity": quantity, "old_part_fate": fate}]},
    )


def test_in_warranty_issued_parts_become_the_companys_lines_and_a_claimed_part_the_suppliers(
    users, api_client, bearing
):
    order, visit = job(users, "in_warranty")
    tech = api_client(users[Role.TECHNICIAN])

    assert issue(tech, visit, bearing, "2").status_code == 201, "in warranty nothing waits for a quote"
    assert issue(tech, visit, bearing, "1", fate="claim").status_code == 201

    company, supplier = order.charge_lines.order_by("id")
    assert (company.kind, company.bearer, company.status, company.part_id) == (
        "parts",
        "company",
        "approved",
        bearing.pk,
    )
    # 2 × 85.37 = 170.74; tax 13 % = 22.1962 → 22.20
    assert (company.net, company.tax, company.gross) == (Decimal("170.74"), Decimal("22.20"), Decimal("192.94"))
    assert supplier.bearer == "supplier" and supplier.supplier_claim and supplier.net == Decimal("85.37")
    assert company.source == f"visit-part-{VisitPart.objects.filter(order=order).first().pk}"
    booked = LedgerEntry.objects.filter(order=order).values_list("account", "amount")
    assert sorted(booked) == [("supplier_claim", Decimal("85.37")), ("warranty_cost", Decimal("170.74"))]
    # The coverage decision changes back and forth: the claimed part stays the supplier's.
    override_warranty(ServiceOrder.objects.get(pk=order.pk), by=users[Role.MANAGER], covered=False, reason="人为")
    override_warranty(ServiceOrder.objects.get(pk=order.pk), by=users[Role.MANAGER], covered=True, reason="复核")
    assert ChargeLine.objects.get(pk=supplier.pk).bearer == "supplier"


def test_out_of_warranty_a_part_waits_for_the_customers_approval_then_is_invoiced_to_the_fen(
    users, api_client, client, bearing
):
    order, visit = job(users, "expired")
    tech = api_client(users[Role.TECHNICIAN])

    refused = issue(tech, visit, bearing)
    assert refused.status_code == 409
    assert (refused.json()["code"], refused.json()["field"]) == ("quote_not_approved", "lines.0.part_id")
    assert not VisitPart.objects.exists() and not StockMove.objects.filter(kind="issue").exists()
    assert not order.charge_lines.exists()

    line = post(tech, f"/orders/{order.pk}/charges", {"kind": "parts", "part_id": bearing.pk, "quantity": "2"})
    assert line.status_code == 201, line.content
    assert (line.json()["unit_price"], line.json()["description"]) == ("85.37", "BRG-6205 主轴轴承")
    post(tech, f"/orders/{order.pk}/charges", {"kind": "labour", "description": "更换轴承", "unit_price": "133.33"})
    quote = Quote.objects.get(pk=post(tech, f"/orders/{order.pk}/quotes").json()["id"])

    waiting = issue(tech, visit, bearing)
    assert waiting.status_code == 409 and "尚未答复" in waiting.json()["detail"], "the quote is out: wait"

    post(client, f"/public/quotes/{quote_token(quote)}/answer", {"approve": True, "name": "王先生"})
    assert issue(tech, visit, bearing, "2").status_code == 201
    parts_line = ChargeLine.objects.get(pk=line.json()["id"])
    assert parts_line.issued == Decimal("2") and order.charge_lines.count() == 2, "drawn from the approved line"
    more = issue(tech, visit, bearing, "1")
    assert more.status_code == 409 and more.json()["code"] == "quote_not_approved", "only what was approved"

    invoice = post(api_client(users[Role.FINANCE]), f"/orders/{order.pk}/invoices").json()
    # parts 170.74 + tax 22.20; labour 133.33 + tax 17.3329 → 17.33: net 304.07, tax 39.53, gross 343.60
    assert (invoice["net"], invoice["tax"], invoice["gross"]) == ("304.07", "39.53", "343.60")


def test_a_part_by_weight_in_warranty_is_one_line_of_the_whole_amount(users, api_client, keeper, centre):
    oil = PartFactory(number="OIL-1", name="冷冻油", unit=UnitOfMeasure.KILOGRAM, cost=Decimal("33.33"))
    van = Location.objects.create(
        code="VAN-T", name="车", kind=LocationKind.VAN, service_center=centre, holder=users[Role.TECHNICIAN]
    )
    stock_up(van, oil, "5", by=keeper)
    order, visit = job(users, "in_warranty")

    assert issue(api_client(users[Role.TECHNICIAN]), visit, oil, "0.125").status_code == 201

    line = order.charge_lines.get()  # no list price: the part's cost; 0.125 × 33.33 = 4.16625 → 4.17
    assert (line.quantity, line.unit_price, line.net, line.tax) == (
        Decimal("1.00"),
        Decimal("4.17"),
        Decimal("4.17"),
        Decimal("0.54"),
    )
    assert "0.125" in line.description


def test_bad_parts_lines_answer_with_the_field_and_write_nothing(users, api_client, bearing):
    order = order_with("expired", by=users[Role.AGENT])
    agent = api_client(users[Role.AGENT])
    no_price = PartFactory(number="NEW-1")

    cases = [
        ({"kind": "labour", "part_id": bearing.pk, "unit_price": "1.00"}, 400, "part_id"),
        ({"kind": "parts", "part_id": 999999}, 404, "part_id"),
        ({"kind": "parts", "part_id": no_price.pk}, 400, "unit_price"),
        ({"kind": "parts", "part_id": bearing.pk, "unit_price": "-1"}, 400, "unit_price"),
    ]
    for body, status, field in cases:
        answer = post(agent, f"/orders/{order.pk}/charges", body)
        assert (answer.status_code, answer.json()["field"]) == (status, field), body
    assert not order.charge_lines.exists()
    given = add_charge(order, by=users[Role.AGENT], kind="parts", part_id=no_price.pk, unit_price="12.50")
    assert (given.unit_price, given.part_id) == (Decimal("12.50"), no_price.pk)


def test_a_manager_moving_an_issued_part_to_the_customer_needs_no_second_issue(users, api_client, bearing):
    order, visit = job(users, "in_warranty")
    issue(api_client(users[Role.TECHNICIAN]), visit, bearing)
    line = order.charge_lines.get()
    moved = override_bearer(line, by=users[Role.MANAGER], bearer="customer", reason="客户要求原厂件")
    assert (moved.bearer, moved.status) == ("customer", "draft")
    assert LedgerEntry.objects.filter(order=order, charge_line=line).count() == 2  # booked, then reversed


def test_another_centres_order_lines_by_part_are_not_found(users, api_client, other_centre, bearing):
    order = order_with("expired", by=users[Role.AGENT])
    stranger = UserFactory(role=Role.AGENT, service_center=other_centre)
    answer = post(api_client(stranger), f"/orders/{order.pk}/charges", {"kind": "parts", "part_id": bearing.pk})
    assert answer.status_code == 404 and not order.charge_lines.exists()
