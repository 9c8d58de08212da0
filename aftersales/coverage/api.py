"""The coverage decision through the API: ``GET /units/{id}/warranty``."""

import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from aftersales.core.api import ErrorOut
from aftersales.coverage.selectors import decide_coverage
from aftersales.installed_base.permissions import units_visible_to

router = Router(tags=["coverage"])


class CoverageParams(Schema):
    on: datetime.date | None = Field(None, description="The day asked about (default: today)")
    kind: str = Field("", max_length=20, description="An order kind (repair, maintenance …); sources may use it")


class CoverageOut(Schema):
    unit_id: int
    on: datetime.date
    kind: str
    covered: bool
    reason: str = Field(description="A CoverageReason value (docs/coverage.md)")
    detail: str = Field(description="The verdict in words, in the request's language")
    start: datetime.date | None = Field(description="The first day of the period the decision used")
    until: datetime.date | None = Field(description="The last day covered")
    source: str = Field(description="The key of the source that decided")


@router.get("/units/{unit_id}/warranty", response={200: CoverageOut, 400: ErrorOut, 404: ErrorOut})
def get_warranty(request: HttpRequest, unit_id: int, filters: Query[CoverageParams]) -> dict[str, Any]:
    """Whether the unit is covered on a day (default: today), which source decided, and why."""
    unit = get_object_or_404(units_visible_to(request.user).select_related("product_model"), pk=unit_id)
    day = filters.on or timezone.localdate()
    decision = decide_coverage(unit=unit, on=day, kind=filters.kind)
    return {"unit_id": unit.pk, "kind": filters.kind, **decision.__dict__}
