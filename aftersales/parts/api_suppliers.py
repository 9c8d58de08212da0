"""Suppliers over the API: who parts are bought from (``GET/POST /suppliers``, ``GET/PATCH
/suppliers/{id}``). Every reader of stock reads them; the parts keeper and administrators add and
change them, through the same services as the settings section (docs/parts.md)."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from aftersales.core.api import Input, idempotent, page_limit
from aftersales.core.idempotency import Created
from aftersales.core.pagination import CURSOR_MAX_LENGTH, keyset_page
from aftersales.core.schemas import SEARCH_MAX_LENGTH, answers, model_field
from aftersales.parts.api import _reader
from aftersales.parts.models import Supplier
from aftersales.parts.permissions import suppliers_visible_to
from aftersales.parts.services import catalogue

router = Router(tags=["spare parts"])


class SupplierOut(Schema):
    id: int
    code: str
    name: str
    outside: bool = Field(description="Another company, whose own warranty is claimed back (supplier claims)")
    contact: str


class SupplierPage(Schema):
    items: list[SupplierOut]
    next_cursor: str | None


class SupplierQuery(Schema):
    q: str = Field("", max_length=SEARCH_MAX_LENGTH, description="Part of the code or the name")
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


class SupplierIn(Input):
    code: str = model_field(Supplier, "code", description="Unique, kept in capitals; a parts import names it")
    name: str = model_field(Supplier, "name")
    outside: bool = True
    contact: str = model_field(Supplier, "contact", "")


class SupplierPatch(Input):
    code: str | None = model_field(Supplier, "code", None)
    name: str | None = model_field(Supplier, "name", None)
    outside: bool | None = None
    contact: str | None = model_field(Supplier, "contact", None)


def _supplier(request: HttpRequest, supplier_id: int) -> Supplier:
    return get_object_or_404(suppliers_visible_to(request.user), pk=supplier_id)


@router.get("/suppliers", response=answers(SupplierPage, 400, 403))
def list_suppliers(request: HttpRequest, params: Query[SupplierQuery]) -> dict[str, Any]:
    """The suppliers (search by code or name), ordered by id, keyset-paged."""
    _reader(request)
    qs = suppliers_visible_to(request.user)
    q = params.q.strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    page = keyset_page(qs, ordering=("id",), cursor=params.cursor, limit=page_limit(params.limit))
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/suppliers", response=answers(SupplierOut, 400, 403, 409, 422, status=201))
def create_supplier(request: HttpRequest, payload: SupplierIn) -> Created:
    """Add a supplier (parts keeper, administrator); a code that exists answers 409 ``duplicate_code``."""

    def create() -> tuple[int, Any]:
        supplier = catalogue.create_supplier(by=request.user, **payload.model_dump())
        return 201, SupplierOut.from_orm(supplier)

    return idempotent(request, create)


@router.get("/suppliers/{supplier_id}", response=answers(SupplierOut, 403, 404))
def get_supplier(request: HttpRequest, supplier_id: int) -> Supplier:
    _reader(request)
    return _supplier(request, supplier_id)


@router.patch("/suppliers/{supplier_id}", response=answers(SupplierOut, 400, 403, 404, 409))
def update_supplier(request: HttpRequest, supplier_id: int, payload: SupplierPatch) -> Supplier:
    """Change a supplier: the fields sent, the others as they are."""
    supplier = _supplier(request, supplier_id)
    current = {"code": supplier.code, "name": supplier.name, "outside": supplier.outside, "contact": supplier.contact}
    changes = {key: value for key, value in payload.model_dump(exclude_unset=True).items() if value is not None}
    return catalogue.update_supplier(by=request.user, supplier=supplier, **{**current, **changes})
