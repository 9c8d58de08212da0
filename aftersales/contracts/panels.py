"""The contract's panels on the order page, the technician's phone view and the printed record:
which contract visit the order is, its checklist (per the plan), and its call-back."""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from aftersales.care.selectors import callbacks_for_orders
from aftersales.contracts.models import ContractVisit
from aftersales.contracts.permissions import can_view_contracts

_MEMO = "_contract_visit_by_order"


def _visit_of(request: HttpRequest | None, order_id: int) -> ContractVisit | None:
    """One query per order and request, however many panels ask."""
    memo: dict[int, ContractVisit | None] = getattr(request, _MEMO, None) or {}
    if order_id not in memo:
        memo[order_id] = ContractVisit.objects.select_related("plan", "contract").filter(order_id=order_id).first()
        if request is not None:
            setattr(request, _MEMO, memo)
    return memo[order_id]


def order_panel(request: HttpRequest, order: Any) -> str:
    visit = _visit_of(request, order.pk)
    if visit is None:
        return ""
    callback = callbacks_for_orders([order.pk]).get(order.pk)
    return render_to_string(
        "contracts/panels/order.html",
        {"visit": visit, "callback": callback, "can_open": can_view_contracts(request.user)},
        request=request,
    )


def visit_panel(request: HttpRequest | None, visit: Any, place: str) -> str:
    contract_visit = _visit_of(request, visit.order_id)
    if contract_visit is None or not contract_visit.plan.checklist_items():
        return ""
    return render_to_string(
        "contracts/panels/checklist.html",
        {"visit": contract_visit, "items": contract_visit.plan.checklist_items(), "place": place},
        request=request,
    )
