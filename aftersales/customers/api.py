"""Customers, their contacts and sites."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from aftersales.accounts.permissions import centres_visible_to
from aftersales.core.api import ErrorOut, Input, idempotent, page_limit
from aftersales.core.errors import ValidationFailed
from aftersales.core.pagination import keyset_page
from aftersales.customers import services
from aftersales.customers.choices import CustomerKind
from aftersales.customers.filters import CustomerFilter
from aftersales.customers.permissions import customers_visible_to
from aftersales.customers.selectors import customer_list

router = Router(tags=["customers"])


class ContactIn(Input):
    name: str = Field(max_length=100)
    mobile: str = Field(max_length=30)
    is_primary: bool = False


class SiteIn(Input):
    name: str = Field(max_length=100)
    address: str = Field(max_length=255)
    province: str = Field("", max_length=50)
    city: str = Field("", max_length=50)


class CustomerIn(Input):
    name: str = Field(max_length=200)
    kind: CustomerKind = CustomerKind.COMPANY
    service_center_id: int | None = None
    notes: str = Field("", max_length=4000)
    contacts: list[ContactIn] = Field(default_factory=list, max_length=50)
    sites: list[SiteIn] = Field(default_factory=list, max_length=50)


class CustomerPatch(Input):
    name: str | None = Field(None, max_length=200)
    notes: str | None = Field(None, max_length=4000)


class ContactOut(Schema):
    id: int
    name: str
    mobile: str
    is_primary: bool


class SiteOut(Schema):
    id: int
    name: str
    province: str
    city: str
    address: str


class CustomerOut(Schema):
    id: int
    kind: str
    name: str
    service_center_id: int
    notes: str
    contacts: list[ContactOut]
    sites: list[SiteOut]


class CustomerPage(Schema):
    items: list[CustomerOut]
    next_cursor: str | None


class CustomerFilterQuery(Schema):
    """The customer list's filters (``CustomerFilter``): the list and the export."""

    q: str | None = Field(None, max_length=100, description="Name contains")
    phone: str | None = Field(None, max_length=30, description="Any contact's phone number")
    kind: CustomerKind | None = None
    service_center_id: int | None = None


class CustomerQuery(CustomerFilterQuery):
    cursor: str | None = Field(None, max_length=200)
    limit: int | None = None


def serialize(customer: Any) -> dict[str, Any]:
    return CustomerOut.from_orm(customer).model_dump(mode="json")


@router.get("/customers", response={200: CustomerPage, 400: ErrorOut})
def list_customers(request: HttpRequest, filters: Query[CustomerQuery]) -> dict[str, Any]:
    """Customers in your scope, newest first, with keyset paging (``next_cursor``)."""
    data = filters.model_dump(exclude={"cursor", "limit"}, exclude_none=True)
    filterset = CustomerFilter(data=data, queryset=customer_list(user=request.user))
    if not filterset.is_valid():
        field, messages = next(iter(filterset.errors.items()))
        raise ValidationFailed("invalid_filter", f"{field}: {' '.join(messages)}", field=field)
    page = keyset_page(filterset.qs, cursor=filters.cursor, limit=page_limit(filters.limit))
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/customers", response={201: CustomerOut, 400: ErrorOut, 403: ErrorOut, 422: ErrorOut})
def create_customer(request: HttpRequest, payload: CustomerIn) -> Status[Any]:
    def create() -> tuple[int, Any]:
        centre = None
        if payload.service_center_id is not None:
            centre = get_object_or_404(centres_visible_to(request.user), pk=payload.service_center_id)
        customer = services.create_customer(
            by=request.user,
            name=payload.name,
            kind=payload.kind,
            service_center=centre,
            notes=payload.notes,
            contacts=[services.ContactData(**c.model_dump()) for c in payload.contacts],
            sites=[services.SiteData(**s.model_dump()) for s in payload.sites],
        )
        return 201, serialize(customer_list(user=request.user).get(pk=customer.pk))

    return idempotent(request, create)


@router.get("/customers/{customer_id}", response={200: CustomerOut, 404: ErrorOut})
def get_customer(request: HttpRequest, customer_id: int) -> Any:
    return get_object_or_404(customer_list(user=request.user), pk=customer_id)


@router.patch("/customers/{customer_id}", response={200: CustomerOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def update_customer(request: HttpRequest, customer_id: int, payload: CustomerPatch) -> Any:
    customer = get_object_or_404(customers_visible_to(request.user), pk=customer_id)
    services.update_customer(customer=customer, by=request.user, **payload.model_dump(exclude_unset=True))
    return customer_list(user=request.user).get(pk=customer_id)


@router.post(
    "/customers/{customer_id}/contacts",
    response={201: ContactOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def add_contact(request: HttpRequest, customer_id: int, payload: ContactIn) -> Status[Any]:
    customer = get_object_or_404(customers_visible_to(request.user), pk=customer_id)
    return Status(
        201, services.add_contact(customer=customer, by=request.user, data=services.ContactData(**payload.model_dump()))
    )


@router.post("/customers/{customer_id}/sites", response={201: SiteOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def add_site(request: HttpRequest, customer_id: int, payload: SiteIn) -> Status[Any]:
    customer = get_object_or_404(customers_visible_to(request.user), pk=customer_id)
    return Status(
        201, services.add_site(customer=customer, by=request.user, data=services.SiteData(**payload.model_dump()))
    )


class CentreOut(Schema):
    id: int
    code: str
    name: str
    region: str


@router.get("/service-centers", response=list[CentreOut], tags=["accounts"])
def list_centres(request: HttpRequest) -> Any:
    return centres_visible_to(request.user)
