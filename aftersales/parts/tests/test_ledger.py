"""The stock ledger: each movement kind, the balances it keeps, and bad input that writes nothing."""

from decimal import Decimal

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.parts.choices import MoveKind, UnitOfMeasure
from aftersales.parts.models import Stock, StockMove
from aftersales.parts.services.stock import adjust_stock, receive_stock, scrap_stock
from aftersales.parts.tests.factories import PartFactory, stock_up, store

pytestmark = pytest.mark.django_db


def balance(location, part) -> Stock:
    return Stock.objects.get(location=location, part=part)


def test_receipt_adds_on_hand_and_writes_one_entry(keeper, shop, part):
    move = receive_stock(by=keeper, location=shop, part=part, quantity="5", unit_cost="42.50", reason="首批")

    assert move.kind == MoveKind.RECEIPT and move.on_hand_delta == 5 and move.unit_cost == Decimal("42.50")
    assert move.actor == keeper and move.reason == "首批"
    assert move.on_hand_after == 5  # returned by the INSERT that wrote it
    assert StockMove.objects.get(pk=move.pk).on_hand_after == 5
    stock = balance(shop, part)
    assert (stock.on_hand, stock.reserved, stock.available) == (5, 0, 5)


def test_adjustment_up_and_down_and_scrap_keep_the_sum_of_the_ledger(keeper, shop, part):
    stock_up(shop, part, 10, by=keeper)
    adjust_stock(by=keeper, location=shop, part=part, delta="-3", reason="盘亏")
    adjust_stock(by=keeper, location=shop, part=part, delta="1", reason="盘盈")
    scrap_stock(by=keeper, location=shop, part=part, quantity=2, reason="受潮")

    stock = balance(shop, part)
    assert stock.on_hand == 6
    assert sum(m.on_hand_delta for m in StockMove.objects.filter(location=shop, part=part)) == 6
    assert list(StockMove.objects.order_by("id").values_list("kind", flat=True)) == [
        MoveKind.RECEIPT,
        MoveKind.ADJUSTMENT,
        MoveKind.ADJUSTMENT,
        MoveKind.SCRAP,
    ]


def test_adjustment_below_zero_is_refused_and_writes_nothing(keeper, shop, part):
    stock_up(shop, part, 2, by=keeper)

    with pytest.raises(ConflictError) as exc:
        adjust_stock(by=keeper, location=shop, part=part, delta="-3", reason="盘亏")

    assert exc.value.code == "insufficient_stock" and exc.value.status == 409
    assert balance(shop, part).on_hand == 2
    assert StockMove.objects.count() == 1


@pytest.mark.parametrize(
    ("quantity", "code"),
    [
        ("-1", "invalid_quantity"),
        ("0", "invalid_quantity"),
        ("abc", "invalid_quantity"),
        ("1.5", "fractional_quantity"),
        ("1.0001", "invalid_quantity"),
    ],
)
def test_bad_quantities_are_refused_with_the_field(keeper, shop, part, quantity, code):
    with pytest.raises(ValidationFailed) as exc:
        receive_stock(by=keeper, location=shop, part=part, quantity=quantity)

    assert exc.value.code == code and exc.value.field == "quantity"
    assert not StockMove.objects.exists()


def test_decimal_parts_take_decimals(keeper, shop):
    cable = PartFactory(unit=UnitOfMeasure.METRE)

    receive_stock(by=keeper, location=shop, part=cable, quantity="12.5")

    assert balance(shop, cable).on_hand == Decimal("12.5")


def test_another_centres_store_is_not_found(keeper, other_centre, part):
    elsewhere = store(other_centre)

    with pytest.raises(NotFoundError):
        receive_stock(by=keeper, location=elsewhere, part=part, quantity=1)
    assert not StockMove.objects.exists()


def test_a_technician_may_not_receive_stock(centre, shop, part):
    technician = UserFactory(role=Role.TECHNICIAN, service_center=centre)

    with pytest.raises(PermissionDeniedError):
        receive_stock(by=technician, location=shop, part=part, quantity=1)


def test_ledger_entries_are_never_edited_or_deleted(keeper, shop, part):
    move = receive_stock(by=keeper, location=shop, part=part, quantity=1)

    move.quantity = Decimal(5)
    with pytest.raises(ConflictError) as edited:
        move.save()
    with pytest.raises(ConflictError) as deleted:
        move.delete()
    with pytest.raises(ConflictError):
        StockMove.objects.filter(pk=move.pk).update(quantity=9)
    with pytest.raises(ConflictError):
        StockMove.objects.all().delete()

    assert edited.value.code == deleted.value.code == "ledger_append_only"
    assert StockMove.objects.get(pk=move.pk).quantity == 1


def test_the_migration_fills_the_balance_after_each_earlier_entry(keeper, shop, part):
    """Entries written before ``on_hand_after`` existed get the running sum of their ledger."""
    import importlib

    from django.db import connection

    fill = importlib.import_module("aftersales.parts.migrations.0002_stock_move_on_hand_after").FILL_ON_HAND_AFTER
    other = PartFactory()
    stock_up(shop, part, 10, by=keeper)
    stock_up(shop, other, 4, by=keeper)
    adjust_stock(by=keeper, location=shop, part=part, delta="-3", reason="盘亏")
    scrap_stock(by=keeper, location=shop, part=part, quantity=7, reason="受潮")
    written = list(StockMove.objects.order_by("id").values_list("on_hand_after", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE parts_stockmove SET on_hand_after = NULL")  # as before the column existed
        cursor.execute(fill)
    assert list(StockMove.objects.order_by("id").values_list("on_hand_after", flat=True)) == written == [10, 4, 7, 0]
