"""Two releases of the same deposit at once, proved on PostgreSQL's row locks: the contract's row lock
queues the second behind the first, which then finds the release and answers 409 ``already_released``.
The first holds its lock until the second is queued behind it (seen in PostgreSQL's lock table)."""

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from aftersales.contracts import services
from aftersales.contracts.choices import EntryKind
from aftersales.contracts.models import Contract, LedgerEntry
from aftersales.contracts.services import common
from aftersales.contracts.tests.factories import make_contract
from aftersales.core.errors import ConflictError
from aftersales.core.tests.threads import run_together, wait_until_blocking

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock races are proved on PostgreSQL"),
]


def test_two_releases_of_one_deposit_one_wins(users, centre, monkeypatch):
    manager, finance = users["manager"], users["finance"]
    contract = make_contract(by=manager, centre=centre, deposit_release_on=None)
    services.book_entry(contract, by=finance, account="deposit", kind="received", amount="5000.00")
    real = common.lock_contract
    first_in: list[bool] = []

    def lock_then_wait(contract: Contract, **kwargs: Any) -> Contract:
        locked = real(contract, **kwargs)
        if not first_in:
            first_in.append(True)
            wait_until_blocking(1)  # the other release is queued behind this lock
        return locked

    monkeypatch.setattr("aftersales.contracts.services.ledger.lock_contract", lock_then_wait)
    results = run_together(
        lambda: services.release_deposit(Contract.objects.get(pk=contract.pk), by=finance),
        lambda: services.release_deposit(Contract.objects.get(pk=contract.pk), by=manager),
    )
    winners = [r for r in results if isinstance(r, LedgerEntry)]
    losers = [r for r in results if isinstance(r, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].code == "already_released"
    released = LedgerEntry.objects.filter(contract=contract, kind=EntryKind.RELEASED)
    assert [e.amount for e in released] == [Decimal("5000.00")]
