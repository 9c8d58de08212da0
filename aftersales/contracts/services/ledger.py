"""The contract's deposit and fee ledger (domain.md Fees §12: 质保金 and contract fees are collected
and kept on a ledger). Entries are appended, never changed: a correction is a new entry with its
reason. The deposit is released once, and not while the release is blocked (missed mandatory
visits, open complaints, before its release day) unless a manager overrides with a reason."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.contracts.choices import ContractAccount, ContractStatus, EntryKind
from aftersales.contracts.models import Contract, LedgerEntry
from aftersales.contracts.permissions import can_keep_ledger, can_override_release
from aftersales.contracts.selectors import balances, release_blockers
from aftersales.contracts.services.common import lock_contract, require, require_amount
from aftersales.core.errors import ConflictError, ValidationFailed
from aftersales.core.validation import require_choice, require_in_range, require_text
from aftersales.history.services import record_activity

BOOKABLE = (EntryKind.EXPECTED, EntryKind.RECEIVED, EntryKind.CORRECTION)


def _require_ledger(by: User, centre_id: int | None = None) -> None:
    require(can_keep_ledger(by, centre_id=centre_id), _("Only finance and service managers book contract money."))


@transaction.atomic
def book_entry(
    contract: Contract,
    *,
    by: User,
    account: str,
    kind: str,
    amount: Any,
    due_on: datetime.date | None = None,
    memo: str = "",
) -> LedgerEntry:
    """Book an expected amount, money received, or a correction (any sign, with its reason) on the
    contract's deposit or fee account. Money received on a cancelled contract answers 409
    ``contract_cancelled``; a release goes through ``release_deposit``."""
    _require_ledger(by)
    contract = lock_contract(contract, by=by)
    _require_ledger(by, contract.service_center_id)
    require_choice(account, field="account", choices=ContractAccount)
    require_choice(kind, field="kind", choices=EntryKind)
    if kind not in BOOKABLE:
        raise ValidationFailed("invalid_kind", _("A deposit is released with its own action."), field="kind")
    value = require_amount(amount, field="amount", allow_zero=False, allow_negative=kind == EntryKind.CORRECTION)
    memo = require_text(memo, field="memo", max_length=500, required=kind == EntryKind.CORRECTION)
    due_on = require_in_range(due_on, field="due_on")
    if contract.status == ContractStatus.CANCELLED and kind != EntryKind.CORRECTION:
        raise ConflictError("contract_cancelled", _("The contract is cancelled: only corrections are booked."))
    if account == ContractAccount.DEPOSIT and contract.entries.filter(kind=EntryKind.RELEASED).exists():
        raise ConflictError("already_released", _("The deposit was released already."), field="account")
    if kind == EntryKind.RECEIVED:
        _require_within_expected(contract, account=account, value=value)
        due_on = due_on or timezone.localdate()
    entry = LedgerEntry.objects.create(
        contract=contract, account=account, kind=kind, amount=value, due_on=due_on, memo=memo, actor=by
    )
    record_activity(
        target=contract,
        type=f"contract.{kind}",
        by=by,
        reason=memo if kind == EntryKind.CORRECTION else "",
        data={"account": account, "amount": str(value)},
    )
    return entry


def _require_within_expected(contract: Contract, *, account: str, value: Decimal) -> None:
    """Money received may not take an account past what it expects (a receipt of 99,999,999.00 against a
    deposit of 6,000.00 was a typing slip): book the expected amount first, or a correction."""
    balance = balances(contract)[account]
    room = max(balance.expected - balance.received, Decimal("0.00"))
    if value > room:
        raise ValidationFailed(
            "more_than_expected",
            _("At most %(room)s more can be received on this account (expected %(expected)s, received %(received)s).")
            % {"room": f"{room:,.2f}", "expected": f"{balance.expected:,.2f}", "received": f"{balance.received:,.2f}"},
            field="amount",
        )


@transaction.atomic
def release_deposit(contract: Contract, *, by: User, override_reason: str = "") -> LedgerEntry:
    """Pay the held deposit back to the customer. Refused with 409 ``release_blocked`` (and the
    reasons) while it is blocked, unless a manager gives ``override_reason``; 409 ``already_released``
    the second time (the contract's row lock queues two releases, a partial unique index backs it)."""
    _require_ledger(by)
    contract = lock_contract(contract, by=by)
    _require_ledger(by, contract.service_center_id)
    reason = require_text(override_reason, field="override_reason", max_length=500, required=False)
    if contract.entries.filter(account=ContractAccount.DEPOSIT, kind=EntryKind.RELEASED).exists():
        raise ConflictError("already_released", _("The deposit was released already."))
    held = balances(contract)["deposit"].held
    if held <= 0:
        raise ConflictError("nothing_to_release", _("No deposit has been received on this contract."))
    blockers = release_blockers(contract)
    if blockers and not reason:
        raise ConflictError(
            "release_blocked",
            _("The deposit cannot be released: %(reasons)s") % {"reasons": "; ".join(blockers)},
            field="override_reason",
            reasons=blockers,
        )
    if blockers:
        require(
            can_override_release(by, centre_id=contract.service_center_id),
            _("Only a service manager releases a blocked deposit."),
        )
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                contract=contract,
                account=ContractAccount.DEPOSIT,
                kind=EntryKind.RELEASED,
                amount=held,
                due_on=timezone.localdate(),
                memo=_("Deposit released"),
                override_reason=reason if blockers else "",
                actor=by,
            )
    except IntegrityError as exc:  # pragma: no cover - the row lock queues releases; the index is the backstop
        raise ConflictError("already_released", _("The deposit was released already.")) from exc
    record_activity(
        target=contract,
        type="contract.deposit_released",
        by=by,
        reason=reason if blockers else "",
        data={"amount": str(held), "blockers": blockers},
    )
    return entry
