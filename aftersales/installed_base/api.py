"""Units (the installed base). Their coverage is decided in ``coverage`` (``GET /units/{id}/warranty``)."""

import datetime
from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from aftersales.catalog.models import ProductModel
from aftersales.core.api import Input, found_or_404, idempotent, page_limit
from aftersales.core.filtering import apply_filters, filter_params
from aftersales.core.idempotency import Created
from aftersales.core.pagination import CURSOR_MAX_LENGTH, Page, keyset_page
from aftersales.core.schemas import Choice, Day, answers, model_field
from aftersales.customers.models import Site
from aftersales.customers.permissions import customers_visible_to
from aftersales.installed_base import services
from aftersales.installed_base.choices import Seller
from aftersales.installed_base.filters import UnitFilter
from aftersales.installed_base.models import Unit
from aftersales.installed_base.permissions import units_visible_to

router = Router(tags=["units"])


class UnitIn(Input):
    serial_number: str = model_field(Unit, "serial_number")
    product_model_id: int
    customer_id: int
    site_id: int | None = None
    purchase_date: Day | None = None
    seller: Seller = model_field(Unit, "seller", Seller.OWN, choices=Seller)
    dealer_name: str = model_field(Unit, "dealer_name", "")
    proof_reference: str = model_field(Unit, "proof_reference", "")
    installed_on: Day | None = None


class ProofIn(Input):
    """The proof of purchase as a whole: what the warranty decision reads. ``reason`` goes to the history."""

    purchase_date: Day | None = None
    seller: Seller = model_field(Unit, "seller", Seller.OWN, choices=Seller)
    dealer_name: str = model_field(Unit, "dealer_name", "")
    proof_reference: str = model_field(Unit, "proof_reference", "")
    reason: str = Field("", max_length=500, description="Why the proof changed; kept in the unit's history")


class UnitOut(Schema):
    """A unit with its product model's code and name and its customer's name (loaded with the unit)."""

    id: int
    serial_number: str
    product_model_id: int
    product_model_code: str
    product_model_name: str
    customer_id: int
    customer_name: str
    site_id: int | None
    purchase_date: datetime.date | None
    seller: Annotated[str, Choice(Seller)]
    dealer_name: str
    proof_reference: str
    has_proof_file: bool
    installed_on: datetime.date | None

    @staticmethod
    def resolve_product_model_code(unit: Unit) -> str:
        return unit.product_model.code

    @staticmethod
    def resolve_product_model_name(unit: Unit) -> str:
        return unit.product_model.name

    @staticmethod
    def resolve_customer_name(unit: Unit) -> str:
        return unit.customer.name

    @staticmethod
    def resolve_has_proof_file(unit: Unit) -> bool:
        return bool(unit.proof_file)


class UnitPage(Schema):
    items: list[UnitOut]
    next_cursor: str | None


class UnitFilterQuery(Schema):
    """The unit list's filters (``UnitFilter``): the list and the export."""

    serial_number: str | None = model_field(Unit, "serial_number", None, description="Exact, in any case")
    customer_id: int | None = None
    product_model_id: int | None = None


class UnitQuery(UnitFilterQuery):
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


def _units(request: HttpRequest) -> QuerySet[Unit]:
    return units_visible_to(request.user).select_related("product_model", "customer")


@router.get("/units", response=answers(UnitPage, 400))
def list_units(request: HttpRequest, filters: Query[UnitQuery]) -> Page:
    """Units in your scope, newest first, with keyset paging (``next_cursor``)."""
    queryset = apply_filters(UnitFilter, data=filter_params(filters), queryset=_units(request))
    return keyset_page(queryset, cursor=filters.cursor, limit=page_limit(filters.limit))


@router.post("/units", response=answers(UnitOut, 400, 403, 404, 409, 422, status=201))
def register_unit(request: HttpRequest, payload: UnitIn) -> Created:
    def create() -> tuple[int, UnitOut]:
        customer = found_or_404(
            customers_visible_to(request.user), payload.customer_id, field="customer_id", missing=_("No such customer.")
        )
        model = found_or_404(
            ProductModel, payload.product_model_id, field="product_model_id", missing=_("No such product model.")
        )
        # Any site the caller may see: one of another customer is refused by register_unit with wrong_site.
        sites = Site.objects.filter(customer__in=customers_visible_to(request.user))
        site = (
            found_or_404(sites, payload.site_id, field="site_id", missing=_("No such site."))
            if payload.site_id
            else None
        )
        data = payload.model_dump(exclude={"customer_id", "product_model_id", "site_id"})
        unit = services.register_unit(by=request.user, customer=customer, product_model=model, site=site, **data)
        return 201, UnitOut.from_orm(_units(request).get(pk=unit.pk))

    return idempotent(request, create)


@router.get("/units/{unit_id}", response=answers(UnitOut, 404))
def get_unit(request: HttpRequest, unit_id: int) -> Unit:
    return get_object_or_404(_units(request), pk=unit_id)


@router.post("/units/{unit_id}/proof", response=answers(UnitOut, 400, 403, 404))
def upload_proof(request: HttpRequest, unit_id: int, file: File[UploadedFile]) -> Unit:
    """Upload an invoice (JPEG, PNG, WebP or PDF) as the unit's proof of purchase."""
    unit = get_object_or_404(_units(request), pk=unit_id)
    return services.attach_proof_of_purchase(unit=unit, by=request.user, file=file)


@router.put("/units/{unit_id}/proof", response=answers(UnitOut, 400, 403, 404))
def update_proof(request: HttpRequest, unit_id: int, payload: ProofIn) -> Unit:
    """Correct the proof of purchase (date, seller, dealer, invoice number). Later warranty decisions
    use it; the change and its reason go to the unit's history (``GET /history/unit/{id}``)."""
    unit = get_object_or_404(_units(request), pk=unit_id)
    return services.update_proof_of_purchase(unit=unit, by=request.user, **payload.model_dump())
