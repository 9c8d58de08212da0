"""Money's panels on the home page: finance's (orders to invoice, overdue receivables) and the
manager's (quotes waiting for customers). Registered in ``MoneyConfig.ready()``."""

from typing import Any

from django.urls import reverse
from django.utils import timezone

from aftersales.core.registry import HomeContext
from aftersales.money import selectors

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
