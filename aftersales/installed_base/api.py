"""Units (the installed base). Their coverage is decided in ``coverage`` (``GET /units/{id}/warranty``)."""

import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from aftersales.catalog.models import ProductModel
from aftersales.core.api import ErrorOut, Input, idempotent, page_limit
from aftersales.core.errors import ValidationFailed
from aftersales.core.pagination import keyset_page
from aftersales.core.schemas import answers, model_field
from aftersales.customers.permissions import customers_visible_to
from aftersales.installed_base import services
from aftersales.installed_base.choices import Seller
from aftersales.installed_base.filters import UnitFilter
from aftersales.installed_base.models import Unit
from aftersales.installed_base.permissions import units_visible_to

router = Router(tags=["units"])


class UnitIn(Input):
    serial_number: str = Field(max_length=64)
    product_model_id: int
    customer_id: int
    site_id: int | None = None
    purchase_date: datetime.date | None = None
    seller: Seller = Seller.OWN
    dealer_name: str = Field("", max_length=200)
    proof_reference: str = Field("", max_length=100)
    installed_on: datetime.date | None = None


class ProofIn(Input):
    """The proof of purchase as a whole: what the warranty decision reads. ``reason`` goes to the history."""

    purchase_date: datetime.date | None = None
    seller: Seller = Seller.OWN
    dealer_name: str = model_field(Unit, "dealer_name", "")
    proof_reference: str = model_field(Unit, "proof_reference", "")
    reason: str = Field("", max_length=500, description="Why the proof changed; kept in the unit's history")


class UnitOut(Schema):
    id: int
    serial_number: str
    product_model_id: int
    product_model_code: str
    product_model_name: str
    customer_id: int
    customer_name: str
    site_id: int | None
    purchase_date: datetime.date | None
    seller: str
    dealer_name: str
    proof_reference: str
    has_proof_file: bool
    installed_on: datetime.date | None


def unit_out(unit: Unit) -> dict[str, Any]:
    # A plain dict (not aliases and resolvers on the schema): the idempotent create stores and
    # replays this body, and it has to validate against UnitOut again.
    return {
        "id": unit.pk,
        "serial_number": unit.serial_number,
        "product_model_id": unit.product_model_id,
        "product_model_code": unit.product_model.code,
        "product_model_name": unit.product_model.name,
        "customer_id": unit.customer_id,
        "customer_name": unit.customer.name,
        "site_id": unit.site_id,
        "purchase_date": unit.purchase_date,
        "seller": unit.seller,
        "dealer_name": unit.dealer_name,
        "proof_reference": unit.proof_reference,
        "has_proof_file": bool(unit.proof_file),
        "installed_on": unit.installed_on,
    }


class UnitPage(Schema):
    items: list[UnitOut]
    next_cursor: str | None


class UnitFilterQuery(Schema):
    """The unit list's filters (``UnitFilter``): the list and the export."""

    serial_number: str | None = Field(None, max_length=64, description="Exact, in any case")
    customer_id: int | None = None
    product_model_id: int | None = None


class UnitQuery(UnitFilterQuery):
    cursor: str | None = Field(None, max_length=200)
    limit: int | None = None


def _units(request: HttpRequest) -> Any:
    return units_visible_to(request.user).select_related("product_model", "customer")


@router.get("/units", response={200: UnitPage, 400: ErrorOut})
def list_units(request: HttpRequest, filters: Query[UnitQuery]) -> dict[str, Any]:
    """Units in your scope, newest first, with keyset paging (``next_cursor``)."""
    data = filters.model_dump(exclude={"cursor", "limit"}, exclude_none=True)
    filterset = UnitFilter(data=data, queryset=_units(request))
    if not filterset.is_valid():
        field, messages = next(iter(filterset.errors.items()))
        raise ValidationFailed("invalid_filter", f"{field}: {' '.join(messages)}", field=field)
    page = keyset_page(filterset.qs, cursor=filters.cursor, limit=page_limit(filters.limit))
    return {"items": [unit_out(u) for u in page.items], "next_cursor": page.next_cursor}


@router.post(
    "/units", response={201: UnitOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
)
def register_unit(request: HttpRequest, payload: UnitIn) -> Status[Any]:
    def create() -> tuple[int, Any]:
        customer = get_object_or_404(customers_visible_to(request.user), pk=payload.customer_id)
        model = get_object_or_404(ProductModel, pk=payload.product_model_id)
        site = get_object_or_404(customer.sites, pk=payload.site_id) if payload.site_id else None
        data = payload.model_dump(exclude={"customer_id", "product_model_id", "site_id"})
        unit = services.register_unit(by=request.user, customer=customer, product_model=model, site=site, **data)
        return 201, UnitOut.model_validate(unit_out(_units(request).get(pk=unit.pk))).model_dump(mode="json")

    return idempotent(request, create)


@router.get("/units/{unit_id}", response={200: UnitOut, 404: ErrorOut})
def get_unit(request: HttpRequest, unit_id: int) -> Any:
    return unit_out(get_object_or_404(_units(request), pk=unit_id))


@router.post("/units/{unit_id}/proof", response={200: UnitOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def upload_proof(request: HttpRequest, unit_id: int, file: File[UploadedFile]) -> Any:
    """Upload an invoice (JPEG, PNG, WebP or PDF) as the unit's proof of purchase."""
    unit = get_object_or_404(_units(request), pk=unit_id)
    return unit_out(services.attach_proof_of_purchase(unit=unit, by=request.user, file=file))


@router.put("/units/{unit_id}/proof", response=answers(UnitOut, 400, 403, 404))
def update_proof(request: HttpRequest, unit_id: int, payload: ProofIn) -> Any:
    """Correct the proof of purchase (date, seller, dealer, invoice number). Later warranty decisions
    use it; the change and its reason go to the unit's history (``GET /history/unit/{id}``)."""
    unit = get_object_or_404(_units(request), pk=unit_id)
    return unit_out(services.update_proof_of_purchase(unit=unit, by=request.user, **payload.model_dump()))
