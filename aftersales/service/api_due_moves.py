"""The API of the due dates a calendar change moves: the preview and apply (docs/api.md)."""

import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from aftersales.core.api import Input, page_limit
from aftersales.core.errors import PermissionDeniedError
from aftersales.core.pagination import CURSOR_MAX_LENGTH, list_page
from aftersales.core.schemas import answers, model_field
from aftersales.service.due_moves import DueMovesPreview, due_date_moves
from aftersales.service.models import OrderEvent
from aftersales.service.permissions import can_review_due_moves
from aftersales.service.services.due_moves import apply_due_date_moves

router = Router(tags=["service orders"])


class DueMoveOut(Schema):
    order_id: int
    number: str
    customer_name: str
    old_due_at: datetime.datetime
    new_due_at: datetime.datetime
    old_at_risk_at: datetime.datetime
    new_at_risk_at: datetime.datetime
    direction: Literal["later", "earlier", "unchanged"]
    warning_cleared: bool
    warning_added: bool


class DueMovesPage(Schema):
    count: int = Field(description="Open orders (of your scope) whose due date or calendar warning would change.")
    later: int
    earlier: int
    items: list[DueMoveOut]
    next_cursor: str | None


class DueMovesQuery(Schema):
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


class DueMovesApplyIn(Input):
    reason: str = model_field(OrderEvent, "reason", "")


class DueMovesAppliedOut(Schema):
    moved: int
    later: int
    earlier: int
    customers_told: int


@router.get("/orders/due-date-moves", response=answers(DueMovesPage, 400, 403))
def preview_due_moves(request: HttpRequest, filters: Query[DueMovesQuery]) -> dict:
    """Open orders whose stored due date today's working-day calendar moves, by order number."""
    if not can_review_due_moves(request.user):
        raise PermissionDeniedError("forbidden", _("Your role may not review due-date moves."))
    limit = page_limit(filters.limit)
    preview: DueMovesPreview = due_date_moves(user=request.user)
    page = list_page(preview.moves, key=lambda move: move.number, cursor=filters.cursor, limit=limit)
    return {
        "count": preview.count,
        "later": preview.later,
        "earlier": preview.earlier,
        "items": page.items,
        "next_cursor": page.next_cursor,
    }


@router.post("/orders/due-date-moves/apply", response=answers(DueMovesAppliedOut, 400, 403))
def apply_due_moves(request: HttpRequest, payload: DueMovesApplyIn) -> dict:
    """Move them (administrators): computed again from the orders as they are now, in one transaction."""
    applied = apply_due_date_moves(by=request.user, reason=payload.reason)
    preview = DueMovesPreview(moves=applied.moves)
    return {
        "moved": applied.count,
        "later": preview.later,
        "earlier": preview.earlier,
        "customers_told": applied.customers_told,
    }
