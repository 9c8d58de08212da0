"""Parts on the visit: van first, the centre's store second; reservations; the issue hook; the order,
the ledger and the stock agree."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import ConflictError, NotFoundError, ValidationFailed
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.notifications.models import OutboxMessage
from aftersales.parts.choices import MoveKind, OldPartFate, ReservationStatus
from aftersales.parts.models import Stock, StockMove, VisitPart
from aftersales.parts.registry import IssueCheck, issue_checks
from aftersales.parts.services.catalogue import set_list_price
from aftersales.parts.services.reservations import release_reservation, reserve_parts
from aftersales.parts.services.stock import receive_stock
from aftersales.parts.services.visits import IssueLine, clean_lines, use_parts
from aftersales.parts.tests.factories import stock_up, van
from aftersales.service.choices import OrderStatus
from aftersales.service.models import ServiceOrder, Visit
from aftersales.service.services import (
    assign_technician,
    end_visit_unsigned,
    record_visit,
    sign_visit,
    transition_order,
)
from aftersales.service.tests.factories import make_order
from aftersales.service.tests.test_api_flow import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(centre):
    technician = UserFactory(username="tech-sh", role=Role.TECHNICIAN, service_center=centre, phone="+8613900002222")
    dispatcher = UserFactory(role=Role.DISPATCHER, service_center=centre)
    order = make_order(customer=CustomerFactory(service_center=centre))
    assign_technician(order, by=dispatcher, technician=technician)
    visit = record_visit(ServiceOrder.objects.get(pk=order.pk), by=technician)
    return technician, visit, dispatcher


def line(part, quantity=1, location=None, fate=OldPartFate.HANDED_TO_CUSTOMER):
    return IssueLine(part=part, quantity=Decimal(quantity), location=location, old_part_fate=fate)


def test_a_part_from_the_van_comes_off_the_van_first(job, keeper, shop, part):
    technician, visit, _ = job
    my_van = van(technician)
    stock_up(my_van, part, 2, by=keeper)
    stock_up(shop, part, 5, by=keeper)
    set_list_price(by=keeper, part=part, price="85.00", valid_from=visit.arrived_at.date())

    [used] = use_parts(by=technician, visit=visit, lines=[line(part)])

    assert used.location == my_van and used.unit_price == Decimal("85.00")
    assert Stock.objects.get(location=my_van, part=part).on_hand == 1
    assert Stock.objects.get(location=shop, part=part).on_hand == 5
    assert used.move.kind == MoveKind.ISSUE and used.move.order_id == visit.order_id and used.move.visit_id == visit.pk


def test_the_centres_store_serves_when_the_van_has_too_few(job, keeper, shop, part):
    technician, visit, _ = job
    stock_up(van(technician), part, 1, by=keeper)
    stock_up(shop, part, 5, by=keeper)

    [used] = use_parts(by=technician, visit=visit, lines=[line(part, 2)])

    assert used.location == shop
    assert Stock.objects.get(location=shop, part=part).on_hand == 3


def test_neither_van_nor_store_has_it_answers_409_and_writes_nothing(job, keeper, shop, part):
    technician, visit, _ = job
    stock_up(shop, part, 1, by=keeper)
    entries = StockMove.objects.count()

    with pytest.raises(ConflictError) as exc:
        use_parts(by=technician, visit=visit, lines=[line(part), line(part, 1)])

    assert exc.value.code == "insufficient_stock" and exc.value.field == "lines.1.quantity"
    assert StockMove.objects.count() == entries and not VisitPart.objects.exists()
    assert Stock.objects.get(location=shop, part=part).on_hand == 1


def test_kept_for_a_claim_the_old_part_comes_back_as_defective(job, keeper, shop, part):
    technician, visit, _ = job
    stock_up(shop, part, 1, by=keeper)

    use_parts(by=technician, visit=visit, lines=[line(part, fate=OldPartFate.SUPPLIER_CLAIM)])

    stock = Stock.objects.get(location=shop, part=part)
    assert (stock.on_hand, stock.defective) == (0, 1)
    assert StockMove.objects.filter(kind=MoveKind.DEFECTIVE_RETURN).count() == 1


def test_no_part_goes_to_a_cancelled_order(job, keeper, shop, part, users):
    technician, visit, _ = job
    stock_up(shop, part, 1, by=keeper)
    transition_order(
        ServiceOrder.objects.get(pk=visit.order_id), to=OrderStatus.CANCELLED, by=users["manager"], reason="客户撤销"
    )

    with pytest.raises(ConflictError) as exc:
        use_parts(by=technician, visit=visit, lines=[line(part)])

    assert exc.value.code == "order_not_open"
    assert Stock.objects.get(location=shop, part=part).on_hand == 1


def signed(visit, technician):
    """The customer has signed the record (the order stays open: completion is another step)."""
    return sign_visit(
        visit, by=technician, signer_name="王五", image=SimpleUploadedFile("sig.png", png_bytes(), "image/png")
    )


@pytest.mark.parametrize("who", ["technician", "keeper"])
def test_no_part_goes_to_a_signed_visit(job, keeper, shop, part, who):
    """The phone page hides "use this part" once the customer signed; the service refuses it too, for
    the technician and for the keeper issuing from the store, and writes nothing (the signed record
    would list parts it did not show the customer)."""
    technician, visit, _ = job
    stock_up(shop, part, 2, by=keeper)
    visit = signed(visit, technician)
    entries = StockMove.objects.count()

    with pytest.raises(ConflictError) as exc:
        use_parts(by=technician if who == "technician" else keeper, visit=visit, lines=[line(part, location=shop)])

    assert (exc.value.code, exc.value.status, exc.value.field) == ("visit_signed", 409, "visit")
    assert StockMove.objects.count() == entries and not VisitPart.objects.exists()
    assert Stock.objects.get(location=shop, part=part).on_hand == 2
    visit.refresh_from_db()
    assert visit.parts_replaced == ""


def test_a_visit_read_before_the_signature_is_refused_after_it(job, keeper, shop, part):
    """The caller's copy of the visit may predate the signature (a page opened before): the service
    reads it again."""
    technician, visit, _ = job
    stock_up(shop, part, 1, by=keeper)
    signed(Visit.objects.get(pk=visit.pk), technician)

    with pytest.raises(ConflictError) as exc:
        use_parts(by=technician, visit=visit, lines=[line(part)])

    assert exc.value.code == "visit_signed" and not VisitPart.objects.exists()


def test_no_part_goes_to_a_visit_ended_without_a_signature(job, keeper, shop, part):
    technician, visit, _ = job
    stock_up(shop, part, 1, by=keeper)
    end_visit_unsigned(visit, by=technician, reason="customer_absent")

    with pytest.raises(ConflictError) as exc:
        use_parts(by=technician, visit=visit, lines=[line(part, location=shop)])

    assert (exc.value.code, exc.value.field) == ("visit_ended", "visit") and not VisitPart.objects.exists()
    assert Stock.objects.get(location=shop, part=part).on_hand == 1


def test_another_technicians_job_is_not_found(job, keeper, shop, part, centre):
    _, visit, _ = job
    stranger = UserFactory(role=Role.TECHNICIAN, service_center=centre)
    stock_up(shop, part, 1, by=keeper)

    with pytest.raises(NotFoundError):
        use_parts(by=stranger, visit=visit, lines=[line(part)])


def test_a_registered_issue_check_refuses_the_issue(job, keeper, shop, part):
    technician, visit, _ = job
    stock_up(shop, part, 1, by=keeper)
    seen = []

    def needs_quote(order, lines, user):
        seen.append((order.pk, [ln.part.pk for ln in lines], user.pk))
        raise ConflictError("quote_not_approved", "The customer has not approved the quote.")

    issue_checks.register(IssueCheck("test.quote", needs_quote))
    try:
        with pytest.raises(ConflictError) as exc:
            use_parts(by=technician, visit=visit, lines=[line(part)])
    finally:
        issue_checks.unregister("test.quote")

    assert exc.value.code == "quote_not_approved"
    assert seen == [(visit.order_id, [part.pk], technician.pk)]
    assert Stock.objects.get(location=shop, part=part).on_hand == 1


def test_clean_lines_names_the_bad_field(part):
    with pytest.raises(NotFoundError) as unknown:
        clean_lines([{"part_id": 999999, "quantity": 1, "old_part_fate": "customer"}])
    with pytest.raises(ValidationFailed) as fraction:
        clean_lines([{"part_id": part.pk, "quantity": "0.5", "old_part_fate": "customer"}])
    with pytest.raises(ValidationFailed) as fate:
        clean_lines([{"part_id": part.pk, "quantity": 1, "old_part_fate": "lost"}])

    assert unknown.value.field == "lines.0.part_id"
    assert fraction.value.field == "lines.0.quantity" and fraction.value.code == "fractional_quantity"
    assert fate.value.field == "lines.0.old_part_fate"


def test_a_held_reservation_is_issued_from_where_it_is_held(job, keeper, shop, part):
    technician, visit, dispatcher = job
    stock_up(van(technician), part, 3, by=keeper)
    stock_up(shop, part, 3, by=keeper)
    order = ServiceOrder.objects.get(pk=visit.order_id)
    reservation = reserve_parts(by=dispatcher, order=order, part=part, location=shop, quantity=2)
    assert Stock.objects.get(location=shop, part=part).available == 1

    [used] = use_parts(by=technician, visit=visit, lines=[line(part, 2)])

    reservation.refresh_from_db()
    assert used.location == shop and reservation.status == ReservationStatus.ISSUED
    stock = Stock.objects.get(location=shop, part=part)
    assert (stock.on_hand, stock.reserved) == (1, 0)


def test_a_waiting_reservation_is_held_when_the_part_arrives_and_people_are_told(job, keeper, shop, part):
    technician, visit, dispatcher = job
    order = ServiceOrder.objects.get(pk=visit.order_id)
    waiting = reserve_parts(by=dispatcher, order=order, part=part, location=shop, quantity=1, wait=True)
    assert waiting.status == ReservationStatus.WAITING

    receive_stock(by=keeper, location=shop, part=part, quantity=1)

    waiting.refresh_from_db()
    assert waiting.status == ReservationStatus.HELD
    assert Stock.objects.get(location=shop, part=part).reserved == 1
    told = set(
        OutboxMessage.objects.filter(key__startswith=f"parts-reservation-{waiting.pk}-").values_list(
            "recipient", flat=True
        )
    )
    assert {str(technician.pk), str(dispatcher.pk), technician.phone} <= told


def test_reserving_more_than_available_without_wait_is_409(job, keeper, shop, part):
    _, visit, dispatcher = job
    order = ServiceOrder.objects.get(pk=visit.order_id)

    with pytest.raises(ConflictError):
        reserve_parts(by=dispatcher, order=order, part=part, location=shop, quantity=1)

    assert not order.part_reservations.exists()


def test_release_gives_the_reservation_back(job, keeper, shop, part):
    _, visit, dispatcher = job
    stock_up(shop, part, 2, by=keeper)
    order = ServiceOrder.objects.get(pk=visit.order_id)
    reservation = reserve_parts(by=dispatcher, order=order, part=part, location=shop, quantity=2)

    release_reservation(by=dispatcher, reservation=reservation)

    assert Stock.objects.get(location=shop, part=part).available == 2
    with pytest.raises(ConflictError):
        release_reservation(by=dispatcher, reservation=reservation)


def test_the_store_a_part_came_from_reads_as_a_store_in_chinese(job, keeper, shop, part):
    """Phone walk, 2026-12-07: the order page's "Parts used" headed the van's name 开始 (a period's start)
    and the timeline read 开始：李建军的服务车; "From" there is the store it was taken from."""
    from django.utils import translation

    from aftersales.parts.timeline import order_entries

    technician, visit, _ = job
    stock_up(van(technician), part, 2, by=keeper)
    use_parts(by=technician, visit=visit, lines=[line(part)])

    with translation.override("zh-hans"):
        [entry] = order_entries(visit.order)
        page = render_to_string(
            "parts/visit/_page.html", {"visit": visit, "rows": VisitPart.objects.filter(visit=visit)}
        )
    labels = [change.label for change in entry.changes]
    assert "出库库位" in labels and "开始" not in labels
    assert '<th scope="col">出库库位</th>' in page and "开始" not in page
