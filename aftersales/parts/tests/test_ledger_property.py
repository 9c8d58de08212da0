"""Property: any sequence of movements keeps each balance equal to the sum of its ledger entries and
never below zero; a refused movement writes nothing."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.core.errors import ConflictError
from aftersales.parts.choices import MoveKind
from aftersales.parts.models import Stock, StockMove
from aftersales.parts.services.ledger import post_move

pytestmark = pytest.mark.django_db

# (kind, on_hand, reserved, in_transit, defective) per unit of quantity
MOVES = {
    "receipt": (MoveKind.RECEIPT, 1, 0, 0, 0),
    "issue": (MoveKind.ISSUE, -1, 0, 0, 0),
    "reserve": (MoveKind.RESERVE, 0, 1, 0, 0),
    "release": (MoveKind.RELEASE, 0, -1, 0, 0),
    "issue_reserved": (MoveKind.ISSUE, -1, -1, 0, 0),
    "transit": (MoveKind.IN_TRANSIT, 0, 0, 1, 0),
    "arrive": (MoveKind.TRANSFER_IN, 1, 0, -1, 0),
    "defective": (MoveKind.DEFECTIVE_RETURN, 0, 0, 0, 1),
    "scrap_defective": (MoveKind.SCRAP, 0, 0, 0, -1),
    "adjust_down": (MoveKind.ADJUSTMENT, -1, 0, 0, 0),
}

steps = st.lists(st.tuples(st.sampled_from(sorted(MOVES)), st.integers(min_value=1, max_value=5)), max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=steps)
def test_random_movements_keep_the_balance_equal_to_the_ledger_and_never_negative(keeper, shop, part, sequence):
    with transaction.atomic():
        model = {"on_hand": 0, "reserved": 0, "in_transit": 0, "defective": 0}
        for name, quantity in sequence:
            kind, *unit = MOVES[name]
            deltas = dict(zip(model, (Decimal(u * quantity) for u in unit), strict=True))
            after = {key: model[key] + deltas[key] for key in model}
            allowed = min(after.values()) >= 0 and after["reserved"] <= after["on_hand"]
            entries = StockMove.objects.count()
            try:
                with transaction.atomic():
                    post_move(kind=kind, location=shop, part=part, quantity=Decimal(quantity), by=keeper, **deltas)
            except ConflictError as exc:
                assert not allowed, (name, quantity, model)
                assert exc.code == "insufficient_stock"
                assert StockMove.objects.count() == entries  # nothing written
            else:
                assert allowed, (name, quantity, model)
                model = after
            stock = Stock.objects.filter(location=shop, part=part).first() or Stock()
            ledger = StockMove.objects.filter(location=shop, part=part)
            assert stock.on_hand == sum((m.on_hand_delta for m in ledger), Decimal(0)) == model["on_hand"]
            assert stock.reserved == sum((m.reserved_delta for m in ledger), Decimal(0)) == model["reserved"]
            # Each entry carries the on-hand balance it left: the running sum of the ledger up to it.
            running = Decimal(0)
            for m in ledger.order_by("id"):
                running += m.on_hand_delta
                assert m.on_hand_after == running
            assert stock.in_transit == model["in_transit"] and stock.defective == model["defective"]
            assert min(stock.on_hand, stock.reserved, stock.available, stock.in_transit, stock.defective) >= 0
        transaction.set_rollback(True)  # the next example starts from an empty ledger
