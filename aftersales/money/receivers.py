"""What money does when an order changes (service's domain events, docs/architecture.md)."""

from typing import Any

from aftersales.money.services.charges import rederive_bearers
from aftersales.service.choices import EventType

COVERAGE_EVENTS = (EventType.WARRANTY_DECIDED, EventType.WARRANTY_OVERRIDDEN)


def on_order_event(*, order: Any, event: Any, actor: Any, **kwargs: Any) -> None:
    """The coverage decision changed (overridden, misuse found): lines nobody overrode follow it."""
    if event.type in COVERAGE_EVENTS and order.charge_lines.exists():
        rederive_bearers(order, by=actor)
