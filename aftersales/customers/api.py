"""Customers, their contacts and sites."""

from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from aftersales.accounts.models import ServiceCenter
from aftersales.accounts.permissions import centres_visible_to
from aftersales.core.api import Input, idempotent, page_limit
from aftersales.core.errors import NotFoundError
from aftersales.core.filtering import apply_filters, filter_params
from aftersales.core.idempotency import Created
from aftersales.core.pagination import CURSOR_MAX_LENGTH, Page, keyset_page
from aftersales.core.phones import PHONE_INPUT_MAX_LENGTH
from aftersales.core.schemas import SEARCH_MAX_LENGTH, Choice, answers, model_field
from aftersales.customers import services
from aftersales.customers.choices import CustomerKind
from aftersales.customers.filters import CustomerFilter
from aftersales.customers.models import Contact, Customer, Site
from aftersales.customers.permissions import customers_visible_to
from aftersales.customers.selectors import customer_list

router = Router(tags=["customers"])


class ContactIn(Input):
    name: str = model_field(Contact, "name")
    # Typed as people write it ("138 0013 8000", "+86 …"); stored as E.164, which is shorter.
    mobile: str = Field(max_length=PHONE_INPUT_MAX_LENGTH)
    is_primary: bool = False


class SiteIn(Input):
    name: str = model_field(Site, "name")
    address: str = model_field(Site, "address")
    province: str = model_field(Site, "province", "")
    city: str = model_field(Site, "city", "")


class CustomerIn(Input):
    name: str = model_field(Customer, "name")
    kind: CustomerKind = model_field(Customer, "kind", CustomerKind.COMPANY, choices=CustomerKind)
    service_center_id: int | None = None
    notes: str = model_field(Customer, "notes", "")
    contacts: list[ContactIn] = Field(default_factory=list, max_length=50)
    sites: list[SiteIn] = Field(default_factory=list, max_length=50)


class CustomerPatch(Input):
    name: str | None = model_field(Customer, "name", None)
    notes: str | None = model_field(Customer, "notes", None)


class ContactPatch(Input):
    """Only the fields sent change; ``reason`` goes to the customer's history."""

    name: str | None = model_field(Contact, "name", None)
    mobile: str | None = Field(None, max_length=PHONE_INPUT_MAX_LENGTH)
    is_primary: bool | None = None
    reason: str = Field("", max_length=500, description="Why it changed; kept in the customer's history")


class SitePatch(Input):
    """Only the fields sent change; ``reason`` goes to the customer's history."""

    name: str | None = model_field(Site, "name", None)
    address: str | None = model_field(Site, "address", None)
    province: str | None = model_field(Site, "province", None)
    city: str | None = model_field(Site, "city", None)
    reason: str = Field("", max_length=500, description="Why it changed; kept in the customer's history")


class InUseIn(Input):
    reason: str = Field("", max_length=500, description="Kept in the customer's history")


class ContactOut(Schema):
    id: int
    name: str
    mobile: str
    is_primary: bool
    in_use: bool


class SiteOut(Schema):
    id: int
    name: str
    province: str
    city: str
    address: str
    in_use: bool


class CustomerOut(Schema):
    id: int
    kind: Annotated[str, Choice(CustomerKind)]
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

    search: str | None = Field(
        None,
        max_length=SEARCH_MAX_LENGTH,
        description=(
            "The customer screen's search box: a phone number in any form (a contact on it), four or more "
            "digits that are no whole number (a contact's number contains them), otherwise the name contains it"
        ),
    )
    q: str | None = Field(None, max_length=SEARCH_MAX_LENGTH, description="Name contains")
    phone: str | None = Field(None, max_length=PHONE_INPUT_MAX_LENGTH, description="Any contact's phone number")
    kind: CustomerKind | None = None
    service_center_id: int | None = None


class CustomerQuery(CustomerFilterQuery):
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


@router.get("/customers", response=answers(CustomerPage, 400))
def list_customers(request: HttpRequest, filters: Query[CustomerQuery]) -> Page:
    """Customers in your scope, newest first, with keyset paging (``next_cursor``)."""
    queryset = apply_filters(CustomerFilter, data=filter_params(filters), queryset=customer_list(user=request.user))
    return keyset_page(queryset, cursor=filters.cursor, limit=page_limit(filters.limit))


@router.post("/customers", response=answers(CustomerOut, 400, 403, 404, 422, status=201))
def create_customer(request: HttpRequest, payload: CustomerIn) -> Created:
    def create() -> tuple[int, CustomerOut]:
        centre = None
        if payload.service_center_id is not None:
            centre = centres_visible_to(request.user).filter(pk=payload.service_center_id).first()
            if centre is None:
                raise NotFoundError("not_found", _("No such service centre."), field="service_center_id")
        customer = services.create_customer(
            by=request.user,
            name=payload.name,
            kind=payload.kind,
            service_center=centre,
            notes=payload.notes,
            contacts=[services.ContactData(**c.model_dump()) for c in payload.contacts],
            sites=[services.SiteData(**s.model_dump()) for s in payload.sites],
        )
        return 201, CustomerOut.from_orm(customer_list(user=request.user).get(pk=customer.pk))

    return idempotent(request, create)


@router.get("/customers/{customer_id}", response=answers(CustomerOut, 404))
def get_customer(request: HttpRequest, customer_id: int) -> Customer:
    return get_object_or_404(customer_list(user=request.user), pk=customer_id)


@router.patch("/customers/{customer_id}", response=answers(CustomerOut, 400, 403, 404))
def update_customer(request: HttpRequest, customer_id: int, payload: CustomerPatch) -> Customer:
    customer = get_object_or_404(customers_visible_to(request.user), pk=customer_id)
    services.update_customer(customer=customer, by=request.user, **payload.model_dump(exclude_unset=True))
    return customer_list(user=request.user).get(pk=customer_id)


@router.post("/customers/{customer_id}/contacts", response=answers(ContactOut, 400, 403, 404, 409, status=201))
def add_contact(request: HttpRequest, customer_id: int, payload: ContactIn) -> Status[Contact]:
    customer = get_object_or_404(customers_visible_to(request.user), pk=customer_id)
    return Status(
        201, services.add_contact(customer=customer, by=request.user, data=services.ContactData(**payload.model_dump()))
    )


@router.post("/customers/{customer_id}/sites", response=answers(SiteOut, 400, 403, 404, status=201))
def add_site(request: HttpRequest, customer_id: int, payload: SiteIn) -> Status[Site]:
    customer = get_object_or_404(customers_visible_to(request.user), pk=customer_id)
    return Status(
        201, services.add_site(customer=customer, by=request.user, data=services.SiteData(**payload.model_dump()))
    )


def _contact(request: HttpRequest, customer_id: int, contact_id: int) -> Contact:
    return get_object_or_404(
        Contact.objects.filter(customer__in=customers_visible_to(request.user)), pk=contact_id, customer_id=customer_id
    )


def _site(request: HttpRequest, customer_id: int, site_id: int) -> Site:
    return get_object_or_404(
        Site.objects.filter(customer__in=customers_visible_to(request.user)), pk=site_id, customer_id=customer_id
    )


@router.patch("/customers/{customer_id}/contacts/{contact_id}", response=answers(ContactOut, 400, 403, 404, 409))
def update_contact(request: HttpRequest, customer_id: int, contact_id: int, payload: ContactPatch) -> Contact:
    """Correct a contact person; one made primary is the only primary contact."""
    contact = _contact(request, customer_id, contact_id)
    return services.update_contact(contact=contact, by=request.user, **payload.model_dump(exclude_unset=True))


@router.post("/customers/{customer_id}/contacts/{contact_id}/retire", response=answers(ContactOut, 400, 403, 404))
def retire_contact(request: HttpRequest, customer_id: int, contact_id: int, payload: InUseIn) -> Contact:
    """Take a contact out of use (never deleted: orders, contracts and portal accounts refer to it). New
    orders, letters and portal sign-ins no longer use it; old records still show it. Again: no change."""
    contact = _contact(request, customer_id, contact_id)
    return services.set_contact_in_use(contact=contact, by=request.user, in_use=False, reason=payload.reason)


@router.post("/customers/{customer_id}/contacts/{contact_id}/reinstate", response=answers(ContactOut, 400, 403, 404))
def reinstate_contact(request: HttpRequest, customer_id: int, contact_id: int, payload: InUseIn) -> Contact:
    """Put a contact back in use."""
    contact = _contact(request, customer_id, contact_id)
    return services.set_contact_in_use(contact=contact, by=request.user, in_use=True, reason=payload.reason)


@router.patch("/customers/{customer_id}/sites/{site_id}", response=answers(SiteOut, 400, 403, 404))
def update_site(request: HttpRequest, customer_id: int, site_id: int, payload: SitePatch) -> Site:
    """Correct a site's name or address (orders that name the site show the corrected one)."""
    site = _site(request, customer_id, site_id)
    return services.update_site(site=site, by=request.user, **payload.model_dump(exclude_unset=True))


@router.post("/customers/{customer_id}/sites/{site_id}/retire", response=answers(SiteOut, 400, 403, 404))
def retire_site(request: HttpRequest, customer_id: int, site_id: int, payload: InUseIn) -> Site:
    """Take a site out of use (never deleted: orders and units refer to it). New orders and units can no
    longer pick it; old records still show it. Again: no change."""
    site = _site(request, customer_id, site_id)
    return services.set_site_in_use(site=site, by=request.user, in_use=False, reason=payload.reason)


@router.post("/customers/{customer_id}/sites/{site_id}/reinstate", response=answers(SiteOut, 400, 403, 404))
def reinstate_site(request: HttpRequest, customer_id: int, site_id: int, payload: InUseIn) -> Site:
    """Put a site back in use."""
    site = _site(request, customer_id, site_id)
    return services.set_site_in_use(site=site, by=request.user, in_use=True, reason=payload.reason)


class CentreOut(Schema):
    id: int
    code: str
    name: str
    region: str


@router.get("/service-centers", response=answers(list[CentreOut]), tags=["accounts"])
def list_centres(request: HttpRequest) -> QuerySet[ServiceCenter]:
    return centres_visible_to(request.user)
