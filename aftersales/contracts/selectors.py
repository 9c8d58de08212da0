"""Reads of contracts: lists and details through the one scoping function (``permissions.in_scope``),
the year's visit calendar, the ledger's balances and the deposit's release blockers, the contract
that covers a unit on a day (the coverage source)."""

import calendar as pycalendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.care.selectors import callbacks_for_orders, open_complaint_count
from aftersales.contracts.choices import ContractAccount, ContractStatus, EntryKind, VisitStatus
from aftersales.contracts.models import Contract, ContractUnit, ContractVisit, LedgerEntry, Problem, Project
from aftersales.contracts.permissions import in_scope

CONTRACT_STATES = ("active", "expiring", "expired", "cancelled", "all")


def contract_list(*, user: User, state: str = "all", expiring_days: int = 60, q: str = "") -> QuerySet[Contract]:
    """The contracts the user sees, newest first; ``state``: active, expiring (within
    ``expiring_days``), expired, cancelled or all."""
    today = timezone.localdate()
    contracts = in_scope(Contract.objects.select_related("customer", "service_center"), user)
    if state in ("active", "expiring"):
        contracts = contracts.filter(status=ContractStatus.ACTIVE, ends_on__gte=today)
    if state == "expiring":
        contracts = contracts.filter(ends_on__lte=today + datetime.timedelta(days=expiring_days))
    elif state == "expired":
        contracts = contracts.filter(status=ContractStatus.ACTIVE, ends_on__lt=today)
    elif state == "cancelled":
        contracts = contracts.filter(status=ContractStatus.CANCELLED)
    if q:
        contracts = contracts.filter(title__icontains=q) | contracts.filter(number__icontains=q)
    return contracts.order_by("-id")


def contract_detail(*, user: User, contract_id: int) -> Contract | None:
    return (
        in_scope(Contract.objects.select_related("customer", "contact", "service_center", "account_owner"), user)
        .prefetch_related("units__product_model", "plans__technician")
        .filter(pk=contract_id)
        .first()
    )


def visits_of(contract: Contract) -> QuerySet[ContractVisit]:
    return contract.visits.select_related("plan", "order").order_by("due_on", "id")


@dataclass
class VisitRow:
    visit: ContractVisit
    callback: object | None = None


def visit_rows(contract: Contract) -> list[VisitRow]:
    """The contract's visits with each one's call-back (customer care's task), two queries."""
    visits = list(visits_of(contract))
    callbacks = callbacks_for_orders([v.order_id for v in visits if v.order_id])
    return [VisitRow(v, callbacks.get(v.order_id) if v.order_id else None) for v in visits]


@dataclass
class MonthView:
    year: int
    month: int
    weeks: list[list[tuple[datetime.date | None, list[ContractVisit]]]] = field(default_factory=list)


def year_calendar(*, user: User, year: int, contract: Contract | None = None) -> list[MonthView]:
    """Twelve months of weeks (Monday first) with the visits due each day: one contract's, or
    every visit the user sees."""
    visits = in_scope(ContractVisit.objects.select_related("plan", "contract", "order"), user).filter(due_on__year=year)
    if contract is not None:
        visits = visits.filter(contract=contract)
    by_day: dict[datetime.date, list[ContractVisit]] = defaultdict(list)
    for visit in visits.order_by("due_on", "id"):
        by_day[visit.due_on].append(visit)
    months = []
    for month in range(1, 13):
        view = MonthView(year, month)
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            view.weeks.append([(day if day.month == month else None, by_day.get(day, [])) for day in week])
        months.append(view)
    return months


@dataclass
class Balance:
    expected: Decimal = Decimal("0.00")
    received: Decimal = Decimal("0.00")
    released: Decimal = Decimal("0.00")
    due_unpaid: Decimal = Decimal("0.00")

    @property
    def held(self) -> Decimal:
        """Received (corrections included) less released: what is held now."""
        return self.received - self.released

    @property
    def outstanding(self) -> Decimal:
        return max(self.expected - self.received, Decimal("0.00"))


def balances(contract: Contract, *, today: datetime.date | None = None) -> dict[str, Balance]:
    """Deposit and fee figures from the ledger's entries (a correction corrects the amount received)."""
    today = today or timezone.localdate()
    figures = {ContractAccount.DEPOSIT.value: Balance(), ContractAccount.FEE.value: Balance()}
    due: dict[str, Decimal] = defaultdict(Decimal)
    for entry in LedgerEntry.objects.filter(contract=contract).only("account", "kind", "amount", "due_on"):
        balance = figures[entry.account]
        if entry.kind == EntryKind.EXPECTED:
            balance.expected += entry.amount
            if entry.due_on is not None and entry.due_on <= today:
                due[entry.account] += entry.amount
        elif entry.kind in (EntryKind.RECEIVED, EntryKind.CORRECTION):
            balance.received += entry.amount
        else:
            balance.released += entry.amount
    for account, balance in figures.items():
        balance.due_unpaid = max(due[account] - balance.received, Decimal("0.00"))
    return figures


def ledger_of(contract: Contract) -> QuerySet[LedgerEntry]:
    return contract.entries.select_related("actor").order_by("id")


def release_blockers(contract: Contract, *, today: datetime.date | None = None) -> list[str]:
    """Why the deposit may not be released now (empty: it may): its release day not reached,
    mandatory visits missed, complaints open on the contract (the last two as the contract says)."""
    today = today or timezone.localdate()
    reasons = []
    if contract.deposit_release_on is not None and today < contract.deposit_release_on:
        reasons.append(_("not due before %(day)s") % {"day": contract.deposit_release_on.isoformat()})
    if contract.block_on_missed_visits:
        missed = contract.visits.filter(status=VisitStatus.MISSED, plan__mandatory=True).count()
        if missed:
            reasons.append(_("%(count)d mandatory visit(s) missed") % {"count": missed})
    if contract.block_on_open_complaints:
        unit_ids = list(ContractUnit.objects.filter(contract=contract).values_list("unit_id", flat=True))
        order_ids = list(contract.visits.exclude(order=None).values_list("order_id", flat=True))
        count = open_complaint_count(customer_id=contract.customer_id, unit_ids=unit_ids, order_ids=order_ids)
        if count:
            reasons.append(_("%(count)d complaint(s) open") % {"count": count})
    return reasons


# ---- projects -----------------------------------------------------------------------------------
def project_list(*, user: User) -> QuerySet[Project]:
    return in_scope(
        Project.objects.select_related("customer", "project_manager", "development_manager"), user
    ).order_by("-id")


def project_detail(*, user: User, project_id: int) -> Project | None:
    return (
        in_scope(Project.objects.select_related("customer", "contract", "project_manager", "development_manager"), user)
        .prefetch_related(Prefetch("problems", queryset=Problem.objects.select_related("owner", "order")))
        .filter(pk=project_id)
        .first()
    )


def problem_detail(*, user: User, problem_id: int) -> Problem | None:
    return in_scope(Problem.objects.select_related("project"), user).filter(pk=problem_id).first()
