"""The contract ledger (维保合同台账) as xlsx/CSV: the "contracts" export kind, registered in
``ContractsConfig.ready()`` and served by ``exchange``. The rows are the contract list's in the caller's
scope (``selectors.contract_list``), filtered by the list's tab (``state``); amounts stay Decimal; no
phone numbers, so no audit row. The project list likewise ("projects", ``selectors.project_list``)."""

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from aftersales.contracts import selectors
from aftersales.contracts.choices import ContractStatus, ProblemStatus
from aftersales.core.filtering import list_tab
from aftersales.core.registry import ExportRows
from aftersales.core.tabular import CHUNK_SIZE, capped, choice_label, display, money

CONTRACT_COLUMNS = (
    pgettext_lazy("contracts", "Number"),
    gettext_lazy("Title"),
    gettext_lazy("Kind"),
    gettext_lazy("Customer"),
    gettext_lazy("Service centre"),
    gettext_lazy("Starts on"),
    gettext_lazy("Ends on"),
    gettext_lazy("Status"),
    gettext_lazy("Units"),
    money(gettext_lazy("Price")),
    gettext_lazy("Billing"),
    money(gettext_lazy("Warranty deposit")),
    gettext_lazy("Deposit released on"),
    gettext_lazy("Response within (hours)"),
    gettext_lazy("Resolved within (working days)"),
    gettext_lazy("Account owner"),
)


def contract_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    """The contracts of the list's tab (``state``: active, expiring, expired, cancelled, all; all when
    not given), newest first, with their state on the day of the export and how many units they cover."""
    state = list_tab(params, "state", selectors.CONTRACT_STATES, default="all")
    today = timezone.localdate(now)
    contracts = capped(
        selectors.contract_list(user=user, state=state)
        .select_related("account_owner")
        .annotate(unit_count=Count("covered"))
    )

    def generate() -> Iterator[list[Any]]:
        for contract in contracts.iterator(chunk_size=CHUNK_SIZE):
            yield [
                contract.number,
                contract.title,
                display(contract, "kind"),
                contract.customer.name,
                contract.service_center.name,
                contract.starts_on,
                contract.ends_on,
                choice_label(ContractStatus, contract.state(today)),
                contract.unit_count,
                contract.price,
                display(contract, "billing"),
                contract.deposit_amount,
                contract.deposit_release_on,
                contract.response_hours,
                contract.resolution_days,
                str(contract.account_owner) if contract.account_owner else "",
            ]

    return ExportRows(rows=generate(), filters={"state": state})


PROJECT_COLUMNS = (
    pgettext_lazy("contracts", "Number"),
    gettext_lazy("Name"),
    gettext_lazy("Customer"),
    gettext_lazy("Service centre"),
    gettext_lazy("Contract"),
    gettext_lazy("Accepted on"),
    gettext_lazy("Project manager"),
    gettext_lazy("Development manager"),
    gettext_lazy("Problems"),
    gettext_lazy("Open problems"),
    gettext_lazy("Signed off at"),
    gettext_lazy("Signed by"),
    gettext_lazy("Note"),
)


def project_rows(*, user: Any, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    """Every project of the list (``selectors.project_list``: the reader's centres, newest first; the
    list takes no filter), with how many problems its sheet has and how many are still open."""
    projects = capped(
        selectors.project_list(user=user)
        .select_related("service_center", "contract")
        .annotate(
            problem_count=Count("problems"),
            open_count=Count("problems", filter=Q(problems__status=ProblemStatus.OPEN)),
        )
    )

    def generate() -> Iterator[list[Any]]:
        for project in projects.iterator(chunk_size=CHUNK_SIZE):
            yield [
                project.number,
                project.name,
                project.customer.name,
                project.service_center.name,
                project.contract.number if project.contract else "",
                project.accepted_on,
                str(project.project_manager),
                str(project.development_manager),
                project.problem_count,
                project.open_count,
                project.signed_off_at,
                project.signed_by,
                project.sign_off_note,
            ]

    return ExportRows(rows=generate(), filters={})
