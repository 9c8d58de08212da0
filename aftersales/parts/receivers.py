"""What spare parts do when an order changes (``service.signals``), inside the transaction of the
change (docs/architecture.md, Domain events)."""

from typing import Any

from aftersales.accounts.services import system_actor
from aftersales.parts.services.reservations import release_for_order
from aftersales.service.choices import OrderStatus
from aftersales.service.models import OrderEvent, ServiceOrder

# An order in these states can take no part (``require_open_order``), so nothing stays set aside for
# it: a cancelled order never will, a closed one is done (reopened, it reserves again).
RELEASE_ON = frozenset({OrderStatus.CANCELLED, OrderStatus.CLOSED})


def on_status_changed(
    sender: Any, *, order: ServiceOrder, event: OrderEvent, actor: Any, new_status: str, **kwargs: Any
) -> None:
    """Cancelling or closing an order releases its held reservations and drops its waiting ones."""
    if new_status in RELEASE_ON:
        release_for_order(order=order, by=actor or system_actor("scheduler"), reason=event.reason)
