"""``GET /history/{target}/{id}``: a record's history, newest first, keyset-paged."""

import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from aftersales.core.api import page_limit
from aftersales.core.errors import NotFoundError
from aftersales.core.pagination import CURSOR_MAX_LENGTH, Page
from aftersales.core.schemas import answers
from aftersales.history.display import ActivityView, describe
from aftersales.history.registry import target_named, target_names
from aftersales.history.selectors import activity_page

router = Router(tags=["history"])


class ChangeOut(Schema):
    field: str
    label: str = Field(description="The field's name in the user's language")
    old: Any = Field(description="As stored; a related record is {id, label}")
    new: Any
    old_display: str
    new_display: str


class ActivityOut(Schema):
    """One activity as ``history.display.describe`` words it (read from its ``ActivityView``)."""

    id: int
    type: str = Field(description="What happened, e.g. unit.proof_updated")
    label: str = Field(description="The type in the user's language")
    actor_id: int | None = Field(description="Empty for the system, or once the user is deleted")
    actor: str = Field(description="The actor's name when it happened; 'System' for the system")
    reason: str
    changes: list[ChangeOut]
    data: dict[str, Any] = Field(description="Everything else recorded (the contact added, the import file ...)")
    created_at: datetime.datetime

    @staticmethod
    def resolve_id(view: ActivityView) -> int:
        return view.activity.pk

    @staticmethod
    def resolve_type(view: ActivityView) -> str:
        return view.activity.type

    @staticmethod
    def resolve_actor_id(view: ActivityView) -> int | None:
        return view.activity.actor_id

    @staticmethod
    def resolve_reason(view: ActivityView) -> str:
        return view.activity.reason

    @staticmethod
    def resolve_data(view: ActivityView) -> dict[str, Any]:
        return {key: value for key, value in view.activity.data.items() if key != "changes"}

    @staticmethod
    def resolve_created_at(view: ActivityView) -> datetime.datetime:
        return view.activity.created_at


class ActivityPage(Schema):
    items: list[ActivityOut]
    next_cursor: str | None


class HistoryQuery(Schema):
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


@router.get("/history/{target}/{record_id}", response=answers(ActivityPage, 400, 404))
def record_history(request: HttpRequest, target: str, record_id: int, params: Query[HistoryQuery]) -> Page:
    """The changes of one record you may see, newest first (``next_cursor`` for the next page).

    ``target`` is the kind of record each app registers: ``customer``, ``unit``, ``product_model``,
    ``sla_policy``, ``calendar_day``, ``calendar_year``, ``serial_date_rule``, ``lifetime_item``,
    ``service_center``, ``user`` (an unknown one answers 404 ``unknown_target`` listing them). Service orders keep their own
    timeline (``GET /orders/{id}``). A record outside your scope answers 404, as its own endpoint does.
    """
    registered = target_named(target)
    if registered is None:
        raise NotFoundError(
            "unknown_target",
            _("No kind of record called “%(target)s” has a history. Known: %(known)s.")
            % {"target": target[:40], "known": ", ".join(target_names())},
            field="target",
        )
    record = get_object_or_404(registered.visible_to(request.user), pk=record_id)
    page = activity_page(record, cursor=params.cursor, limit=page_limit(params.limit, default=50))
    return Page(items=[describe(activity) for activity in page.items], next_cursor=page.next_cursor)
