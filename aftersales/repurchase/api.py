"""Sale and repurchase over REST (docs/repurchase.md): record a clause (classified at once, with its
reasoning), preview a classification and its entries without writing, post the entries at the sale,
buy-back and lapse, reverse the last posting.

Every list and detail goes through ``permissions.contracts_visible_to`` (out of scope answers 404).
The journal for the accounting system is ``GET /exports/repurchase_entries.xlsx`` (or ``.csv``).
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from aftersales.core.api import Input, idempotent, page_limit
from aftersales.core.errors import NotFoundError
from aftersales.core.filtering import apply_filters, filter_params
from aftersales.core.pagination import CURSOR_MAX_LENGTH, keyset_page
from aftersales.core.schemas import SEARCH_MAX_LENGTH, Choice, Day, Money, answers, model_field
from aftersales.customers.permissions import customers_visible_to
from aftersales.installed_base.permissions import units_visible_to
from aftersales.repurchase import rules, selectors, services
from aftersales.repurchase.choices import Account, Classification, Event, Holder, Side, Status
from aftersales.repurchase.filters import ContractFilter
from aftersales.repurchase.models import JournalEntry, RepurchaseContract

router = Router(tags=["repurchase"])
C = RepurchaseContract


class TermsIn(Input):
    """The inputs of the classification."""

    holder: Holder = model_field(C, "holder", choices=Holder)
    sale_date: Day
    price: Money = model_field(C, "price", description="Selling price, CNY")
    repurchase_price: Money = model_field(C, "repurchase_price", description="CNY")
    deadline: Day = Field(description="The repurchase on or before this day")
    cost: Money | None = model_field(C, "cost", None, description="Cost of the asset, CNY (needed to post a sale)")
    market_value: Money | None = model_field(
        C, "market_value", None, description="Expected market value at the repurchase date, CNY (a put)"
    )
    incentive: bool | None = Field(
        None, description="A put: whether the customer has a significant economic incentive to exercise it"
    )
    incentive_reason: str = model_field(C, "incentive_reason", "", description="A put: why (or why not)")


class RepurchaseContractIn(TermsIn):
    customer_id: int
    unit_ids: list[int] = Field(default_factory=list, max_length=100, description="The units sold (the customer's)")
    number: str = model_field(C, "number", description="The sales contract's number")
    asset: str = model_field(C, "asset")


class ContractPatch(Input):
    """Any input of a contract not yet posted; the contract is classified again."""

    holder: Holder | None = model_field(C, "holder", None, choices=Holder)
    sale_date: Day | None = None
    price: Money | None = model_field(C, "price", None)
    repurchase_price: Money | None = model_field(C, "repurchase_price", None)
    deadline: Day | None = None
    cost: Money | None = model_field(C, "cost", None)
    market_value: Money | None = model_field(C, "market_value", None)
    incentive: bool | None = None
    incentive_reason: str | None = model_field(C, "incentive_reason", None)
    number: str | None = model_field(C, "number", None)
    asset: str | None = model_field(C, "asset", None)
    unit_ids: list[int] | None = Field(None, max_length=100)


class RepurchaseLineOut(Schema):
    account: Annotated[str, Choice(Account)]
    account_name: str
    account_code: str
    side: Side
    amount: Decimal


class PlannedOut(Schema):
    event: Event
    memo: str
    lines: list[RepurchaseLineOut]


class RepurchaseEntryOut(Schema):
    id: int
    number: str
    seq: int
    event: Event
    posted_on: datetime.date
    memo: str
    reverses_id: int | None
    reversed: bool
    lines: list[RepurchaseLineOut]

    @staticmethod
    def resolve_number(entry: JournalEntry) -> str:
        return str(entry)

    @staticmethod
    def resolve_reversed(entry: JournalEntry) -> bool:
        return hasattr(entry, "reversed_by")

    @staticmethod
    def resolve_lines(entry: JournalEntry) -> list[Any]:
        return selectors.shown_lines(entry.lines.all())


class RepurchaseContractOut(Schema):
    id: int
    number: str
    customer_id: int
    customer_name: str
    unit_ids: list[int]
    asset: str
    sale_date: datetime.date
    price: Decimal
    cost: Decimal | None
    holder: Holder
    repurchase_price: Decimal
    deadline: datetime.date
    market_value: Decimal | None
    incentive: bool | None
    incentive_reason: str
    classification: Classification
    rule: str = Field(description="The rule applied (docs/repurchase.md)")
    reasoning: str = Field(description="The rule and why, in words")
    status: Status
    settled_on: datetime.date | None

    @staticmethod
    def resolve_customer_name(contract: RepurchaseContract) -> str:
        return contract.customer.name

    @staticmethod
    def resolve_unit_ids(contract: RepurchaseContract) -> list[int]:
        return [unit.pk for unit in contract.units.all()]

    @staticmethod
    def resolve_reasoning(contract: RepurchaseContract) -> str:
        return selectors.reasoning(contract)


class RepurchaseContractDetailOut(RepurchaseContractOut):
    entries: list[RepurchaseEntryOut]

    @staticmethod
    def resolve_entries(contract: RepurchaseContract) -> list[JournalEntry]:
        return list(contract.entries.all())


class RepurchaseContractPage(Schema):
    items: list[RepurchaseContractOut]
    next_cursor: str | None


class RepurchasePreviewOut(Schema):
    classification: Classification
    rule: str
    reasoning: str
    suggested_incentive: bool | None = Field(description="The source's rule of thumb for a put (None: no suggestion)")
    suggestion: str
    entries: list[PlannedOut] = Field(description="Every entry the contract's life would post")


class RepurchaseContractQuery(Schema):
    q: str | None = Field(None, max_length=SEARCH_MAX_LENGTH)
    holder: Holder | None = None
    classification: Classification | None = None
    status: Status | None = None
    deadline_before: datetime.date | None = None
    customer_id: int | None = None
    cursor: str | None = Field(None, max_length=CURSOR_MAX_LENGTH)
    limit: int | None = None


class ExerciseIn(Input):
    on: Day = Field(description="The day the asset is bought back (on or before the deadline)")


class LapseIn(Input):
    on: Day = Field(description="The day the right lapsed (on or after the deadline)")
    cost: Money | None = model_field(C, "cost", None, description="The asset's cost, when the contract has none")


class ReverseIn(Input):
    on: Day
    reason: str = Field(max_length=500)


def _contract(request: HttpRequest, contract_id: int) -> RepurchaseContract:
    return get_object_or_404(selectors.contract_with_entries(request.user), pk=contract_id)


def _units(request: HttpRequest, ids: list[int]) -> list[Any]:
    units = list(units_visible_to(request.user).filter(pk__in=ids))
    if len(units) != len(set(ids)):
        raise NotFoundError("not_found", _("No such unit."), field="unit_ids")
    return units


@router.get("/repurchase/contracts", response=answers(RepurchaseContractPage, 400))
def list_contracts(request: HttpRequest, filters: Query[RepurchaseContractQuery]) -> Any:
    """The clauses you may see, by deadline (soonest first), keyset-paged."""
    qs = apply_filters(ContractFilter, data=filter_params(filters), queryset=selectors.contracts_for_list(request.user))
    page = keyset_page(qs, ordering=("deadline", "id"), cursor=filters.cursor, limit=page_limit(filters.limit))
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/repurchase/classify", response=answers(RepurchasePreviewOut, 400))
def classify(request: HttpRequest, payload: TermsIn) -> dict[str, Any]:
    """The classification, its reasoning and every entry it would post, without writing anything."""
    terms, outcome = services.check_terms(**payload.model_dump())
    suggested, why = rules.suggested_incentive(terms)
    return {
        "classification": outcome.classification,
        "rule": outcome.rule,
        "reasoning": outcome.reasoning,
        "suggested_incentive": suggested if payload.holder == Holder.CUSTOMER_OPTION else None,
        "suggestion": why if payload.holder == Holder.CUSTOMER_OPTION else "",
        "entries": selectors.planned_entries(terms, outcome.classification, holder=payload.holder),
    }


@router.post(
    "/repurchase/contracts", response=answers(RepurchaseContractDetailOut, 400, 403, 404, 409, 422, status=201)
)
def create_contract(request: HttpRequest, payload: RepurchaseContractIn) -> Any:
    """Record a clause, classified at once; nothing is posted yet."""
    customer = customers_visible_to(request.user).filter(pk=payload.customer_id).first()
    if customer is None:
        raise NotFoundError("not_found", _("No such customer."), field="customer_id")
    units = _units(request, payload.unit_ids)
    found = customer

    def create() -> tuple[int, Any]:
        data = payload.model_dump(exclude={"customer_id", "unit_ids"})
        contract = services.create_contract(by=request.user, customer=found, units=units, **data)
        return 201, RepurchaseContractDetailOut.from_orm(_contract(request, contract.pk))

    return idempotent(request, create)


@router.get("/repurchase/contracts/{contract_id}", response=answers(RepurchaseContractDetailOut, 404))
def get_contract(request: HttpRequest, contract_id: int) -> RepurchaseContract:
    """One clause with its classification, reasoning and entries."""
    return _contract(request, contract_id)


@router.patch("/repurchase/contracts/{contract_id}", response=answers(RepurchaseContractDetailOut, 400, 403, 404, 409))
def change_contract(request: HttpRequest, contract_id: int, payload: ContractPatch) -> RepurchaseContract:
    """Change inputs before the first entry is posted (409 ``already_posted`` after)."""
    contract = _contract(request, contract_id)
    data = payload.model_dump(exclude_unset=True)
    if "unit_ids" in data:
        data["units"] = _units(request, data.pop("unit_ids") or [])
    services.change_contract(by=request.user, contract=contract, **data)
    return _contract(request, contract_id)


@router.post("/repurchase/contracts/{contract_id}/post", response=answers(RepurchaseContractDetailOut, 403, 404, 409))
def post_inception(request: HttpRequest, contract_id: int) -> RepurchaseContract:
    """Post the entries at the sale; the classification is fixed from now on."""
    services.post_inception(by=request.user, contract=_contract(request, contract_id))
    return _contract(request, contract_id)


@router.post(
    "/repurchase/contracts/{contract_id}/exercise", response=answers(RepurchaseContractDetailOut, 400, 403, 404, 409)
)
def post_exercise(request: HttpRequest, contract_id: int, payload: ExerciseIn) -> RepurchaseContract:
    """The asset is bought back: post the buy-back's entries."""
    services.post_exercise(by=request.user, contract=_contract(request, contract_id), on=payload.on)
    return _contract(request, contract_id)


@router.post(
    "/repurchase/contracts/{contract_id}/lapse", response=answers(RepurchaseContractDetailOut, 400, 403, 404, 409)
)
def post_lapse(request: HttpRequest, contract_id: int, payload: LapseIn) -> RepurchaseContract:
    """The right lapsed unexercised: post the sale (not for a forward)."""
    services.post_lapse(by=request.user, contract=_contract(request, contract_id), on=payload.on, cost=payload.cost)
    return _contract(request, contract_id)


@router.post(
    "/repurchase/contracts/{contract_id}/reverse", response=answers(RepurchaseContractDetailOut, 400, 403, 404, 409)
)
def reverse_posting(request: HttpRequest, contract_id: int, payload: ReverseIn) -> RepurchaseContract:
    """Reverse the last posting with new entries; the contract steps back."""
    services.reverse_posting(
        by=request.user, contract=_contract(request, contract_id), on=payload.on, reason=payload.reason
    )
    return _contract(request, contract_id)
