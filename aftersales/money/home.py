"""Money's panels on the home page: finance's (orders to invoice, overdue receivables) and the
manager's (quotes waiting for customers, approvals waiting). Registered in ``MoneyConfig.ready()``."""

from typing import Any

from django.urls import reverse
from django.utils import timezone

from aftersales.core.registry import HomeContext
from aftersales.money import selectors
from aftersales.money.choices import ExchangeStatus
from aftersales.money.permissions import exchanges_visible_to
from aftersales.money.services.logistics import awaiting_pickup_for

HOME_LIST_SIZE = 8


def finance(home: HomeContext) -> dict[str, Any]:
    today = timezone.localdate(home.now)
    to_invoice = selectors.orders_to_invoice(user=home.user).select_related("customer").order_by("id")
    overdue = (
        selectors.overdue_invoices(user=home.user, today=today).select_related("customer").order_by("due_on", "id")
    )
    return {
        "to_invoice": list(to_invoice[:HOME_LIST_SIZE]),
        "overdue": list(overdue[:HOME_LIST_SIZE]),
        "today": today,
        "receivables_url": reverse("money:receivables"),
        "invoices_url": reverse("money:invoice_list"),
    }


def quotes(home: HomeContext) -> dict[str, Any] | None:
    waiting = list(selectors.quotes_waiting(user=home.user)[:HOME_LIST_SIZE])
    return {"quotes": waiting, "now": home.now}


def approvals(home: HomeContext) -> dict[str, Any] | None:
    """The service manager's approvals: exchanges waiting for a decision, oldest first."""
    waiting = (
        exchanges_visible_to(home.user)
        .filter(status=ExchangeStatus.REQUESTED)
        .select_related("order", "order__customer", "old_unit")
        .order_by("id")
    )
    return {"exchanges": list(waiting[:HOME_LIST_SIZE])}


def logistics(home: HomeContext) -> dict[str, Any] | None:
    """The parts keeper's purchases waiting for the factory's pick-up notice, oldest first."""
    return {"requests": list(awaiting_pickup_for(home.user)[:HOME_LIST_SIZE]), "url": reverse("money:logistics")}
