"""Coverage through the API: the decision for a unit (``GET /units/{id}/warranty``), the registered
sources, and the data of the serial-date and lifetime-item sources."""

import datetime
from dataclasses import asdict
from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from aftersales.catalog.models import ProductModel
from aftersales.core.api import Input, found_or_404, idempotent, page_limit
from aftersales.core.errors import PermissionDeniedError
from aftersales.core.idempotency import Created
from aftersales.core.pagination import CURSOR_MAX_LENGTH, Page, keyset_page
from aftersales.core.schemas import Choice, Day, answers, model_field
from aftersales.coverage import services
from aftersales.coverage.choices import CoverageReason, SerialDateFormat
from aftersales.coverage.models import MAX_GRACE_MONTHS, SERIAL_MAX_LENGTH, LifetimeItem, SerialDateRule
from aftersales.coverage.permissions import can_view_coverage_rules
from aftersales.coverage.registry import CoverageSource, registered_sources
from aftersales.coverage.selectors import decide_coverage
from aftersales.installed_base.permissions import units_visible_to

router = Router(tags=["coverage"])


# ---- the decision -------------------------------------------------------------------------------
class CoverageParams(Schema):
    on: Day | None = Field(None, description="The day asked about (default: today)")
    kind: str = Field("", max_length=20, description="An order kind (repair, maintenance …); sources may use it")
    item: str = model_field(
        LifetimeItem, "code", "", description="An item code, for the lifetime-covered items of the model"
    )


class CoverageOut(Schema):
    unit_id: int
    on: datetime.date
    kind: str
    item: str
    covered: bool
    reason: Annotated[str, Choice(CoverageReason)] = Field(description="A CoverageReason value (docs/coverage.md)")
    detail: str = Field(description="The verdict in words, in the request's language")
    start: datetime.date | None = Field(description="The first day of the period the decision used")
    until: datetime.date | None = Field(description="The last day covered (none: no period, or for life)")
    source: str = Field(description="The key of the source that decided")


@router.get("/units/{unit_id}/warranty", response=answers(CoverageOut, 400, 404))
def get_warranty(request: HttpRequest, unit_id: int, filters: Query[CoverageParams]) -> CoverageOut:
    """Whether the unit is covered on a day (default: today), which source decided, and why."""
    unit = get_object_or_404(units_visible_to(request.user).select_related("product_model"), pk=unit_id)
    day = filters.on or timezone.localdate()
    decision = decide_coverage(unit=unit, on=day, kind=filters.kind, item=filters.item)
    return CoverageOut(unit_id=unit.pk, kind=filters.kind, item=filters.item.upper(), **asdict(decision))


class SourceOut(Schema):
    key: str
    precedence: int
    label: str

    @staticmethod
    def resolve_label(source: CoverageSource) -> str:
        return str(source.label)


@router.get("/coverage/sources", response=answers(list[SourceOut]))
def list_sources(request: HttpRequest) -> list[CoverageSource]:
    """The registered sources in the order they are asked: the first that answers decides."""
    return registered_sources()


def _require_reader(request: HttpRequest) -> None:
    if not can_view_coverage_rules(request.user):  # type: ignore[arg-type]
        raise PermissionDeniedError("forbidden", _("You may not read the coverage rules."))


def _product_model(model_id: int | None) -> ProductModel | None:
    if model_id is None:
        return None
    return found_or_404(ProductModel, model_id, field="product_model_id", missing=_("No such product model."))


class ListParams(Schema):
    product_model_id: int | None = None
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


def _page(qs: QuerySet, filters: ListParams) -> Page:
    if filters.product_model_id is not None:
        qs = qs.filter(product_model_id=filters.product_model_id)
    return keyset_page(qs, cursor=filters.cursor, limit=page_limit(filters.limit))


# ---- serial-date rules --------------------------------------------------------------------------
class SerialDateRuleIn(Input):
    product_model_id: int | None = None
    # English descriptions: the schema is written in one language whatever the request's.
    serial_prefix: str = model_field(
        SerialDateRule, "serial_prefix", "", description="Empty: every serial of the product model"
    )
    date_position: int = Field(ge=1, le=SERIAL_MAX_LENGTH, description="1 = the serial's first character")
    date_format: SerialDateFormat = model_field(SerialDateRule, "date_format", choices=SerialDateFormat)
    grace_months: int = Field(
        0, ge=0, le=MAX_GRACE_MONTHS, description="The warranty starts this many months after production"
    )
    note: str = model_field(SerialDateRule, "note", "")


class SerialDateRuleUpdateIn(SerialDateRuleIn):
    is_active: bool = True


class SerialDateRuleOut(Schema):
    id: int
    product_model_id: int | None
    product_model_code: str | None
    serial_prefix: str
    date_position: int
    date_format: Annotated[str, Choice(SerialDateFormat)]
    grace_months: int
    is_active: bool
    note: str

    @staticmethod
    def resolve_product_model_code(rule: SerialDateRule) -> str | None:
        return rule.product_model.code if rule.product_model else None


class SerialDateRulePage(Schema):
    items: list[SerialDateRuleOut]
    next_cursor: str | None


def _rules() -> QuerySet[SerialDateRule]:
    return SerialDateRule.objects.select_related("product_model")


@router.get("/coverage/serial-date-rules", response=answers(SerialDateRulePage, 400, 403))
def list_serial_date_rules(request: HttpRequest, filters: Query[ListParams]) -> Page:
    """The serial-date rules (active or not), newest first, with keyset paging."""
    _require_reader(request)
    return _page(_rules(), filters)


@router.post("/coverage/serial-date-rules", response=answers(SerialDateRuleOut, 400, 403, 404, 409, 422, status=201))
def create_serial_date_rule(request: HttpRequest, payload: SerialDateRuleIn) -> Created:
    """Add a rule: where the production date sits in a model's (or a serial prefix's) serial numbers."""

    def create() -> tuple[int, SerialDateRuleOut]:
        data = payload.model_dump(exclude={"product_model_id"})
        rule = services.create_serial_date_rule(
            by=request.user, product_model=_product_model(payload.product_model_id), **data
        )
        return 201, SerialDateRuleOut.from_orm(rule)

    return idempotent(request, create)


@router.get("/coverage/serial-date-rules/{rule_id}", response=answers(SerialDateRuleOut, 403, 404))
def get_serial_date_rule(request: HttpRequest, rule_id: int) -> SerialDateRule:
    _require_reader(request)
    return get_object_or_404(_rules(), pk=rule_id)


@router.put("/coverage/serial-date-rules/{rule_id}", response=answers(SerialDateRuleOut, 400, 403, 404, 409))
def update_serial_date_rule(request: HttpRequest, rule_id: int, payload: SerialDateRuleUpdateIn) -> SerialDateRule:
    """Replace a rule's fields; ``is_active: false`` switches it off."""
    rule = get_object_or_404(_rules(), pk=rule_id)
    data = payload.model_dump(exclude={"product_model_id"})
    rule = services.update_serial_date_rule(
        by=request.user, rule=rule, product_model=_product_model(payload.product_model_id), **data
    )
    return rule


# ---- lifetime-covered items ---------------------------------------------------------------------
class LifetimeItemIn(Input):
    product_model_id: int
    code: str = model_field(LifetimeItem, "code")
    name: str = model_field(LifetimeItem, "name")
    note: str = model_field(LifetimeItem, "note", "")


class LifetimeItemUpdateIn(LifetimeItemIn):
    is_active: bool = True


class LifetimeItemOut(Schema):
    id: int
    product_model_id: int
    product_model_code: str
    code: str
    name: str
    is_active: bool
    note: str

    @staticmethod
    def resolve_product_model_code(item: LifetimeItem) -> str:
        return item.product_model.code


class LifetimeItemPage(Schema):
    items: list[LifetimeItemOut]
    next_cursor: str | None


def _items() -> QuerySet[LifetimeItem]:
    return LifetimeItem.objects.select_related("product_model")


@router.get("/coverage/lifetime-items", response=answers(LifetimeItemPage, 400, 403))
def list_lifetime_items(request: HttpRequest, filters: Query[ListParams]) -> Page:
    """The lifetime-covered items (listed or taken off), newest first, with keyset paging."""
    _require_reader(request)
    return _page(_items(), filters)


@router.post("/coverage/lifetime-items", response=answers(LifetimeItemOut, 400, 403, 404, 409, 422, status=201))
def create_lifetime_item(request: HttpRequest, payload: LifetimeItemIn) -> Created:
    """List an item of a product model as covered for the unit's life."""

    def create() -> tuple[int, LifetimeItemOut]:
        model = found_or_404(
            ProductModel, payload.product_model_id, field="product_model_id", missing=_("No such product model.")
        )
        item = services.create_lifetime_item(
            by=request.user, product_model=model, **payload.model_dump(exclude={"product_model_id"})
        )
        return 201, LifetimeItemOut.from_orm(item)

    return idempotent(request, create)


@router.get("/coverage/lifetime-items/{item_id}", response=answers(LifetimeItemOut, 403, 404))
def get_lifetime_item(request: HttpRequest, item_id: int) -> LifetimeItem:
    _require_reader(request)
    return get_object_or_404(_items(), pk=item_id)


@router.put("/coverage/lifetime-items/{item_id}", response=answers(LifetimeItemOut, 400, 403, 404, 409))
def update_lifetime_item(request: HttpRequest, item_id: int, payload: LifetimeItemUpdateIn) -> LifetimeItem:
    """Replace an item's fields; ``is_active: false`` takes it off the list."""
    item = get_object_or_404(_items(), pk=item_id)
    model = found_or_404(
        ProductModel, payload.product_model_id, field="product_model_id", missing=_("No such product model.")
    )
    item = services.update_lifetime_item(
        by=request.user, item=item, product_model=model, **payload.model_dump(exclude={"product_model_id"})
    )
    return item
