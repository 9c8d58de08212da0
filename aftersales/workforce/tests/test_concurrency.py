"""Races on expense claims, proved on PostgreSQL's row locks: the manager and their stand-in approving
the same step at once — one decision is recorded, the other is told the step is done."""

import datetime
import threading
from typing import Any

import pytest
from django.db import connection

from aftersales.accounts.choices import Role
from aftersales.accounts.services import create_stand_in
from aftersales.core.errors import ConflictError
from aftersales.core.tests.threads import run_together, wait_until_blocking
from aftersales.workforce.models import ClaimDecision, ExpenseClaim
from aftersales.workforce.services import claims
from aftersales.workforce.tests.factories import TUESDAY, at, job_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock races are proved on PostgreSQL"),
]


@pytest.fixture
def slow_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    real = claims._lock_claim
    gate = threading.Lock()  # only the first racing thread to take the claim's lock waits, once

    def lock_then_wait(claim_id: int, **kwargs: Any) -> ExpenseClaim:
        locked = real(claim_id, **kwargs)
        # The test's own setup (the main thread) goes straight through.
        if threading.current_thread() is not threading.main_thread() and gate.acquire(blocking=False):
            wait_until_blocking(1)  # the other approval is queued behind this lock
        return locked

    monkeypatch.setattr(claims, "_lock_claim", lock_then_wait)


def test_manager_and_stand_in_approve_the_same_step_one_wins(users, slow_lock):
    tech, manager, deputy = users[Role.TECHNICIAN], users[Role.MANAGER], users[Role.DISPATCHER]
    order = job_for(users)
    claim = claims.create_claim(by=tech)
    claims.add_expense_line(
        claim_id=claim.pk,
        by=tech,
        kind="meals",
        spent_on=TUESDAY,
        amount="10",
        description="x",
        order_id=order.pk,
        today=TUESDAY,
    )
    claims.submit_claim(claim_id=claim.pk, by=tech, now=at(TUESDAY))
    today = datetime.date.today()
    create_stand_in(from_user=manager, to_user=deputy, starts_on=today, ends_on=today, reason="外出", by=manager)
    deputy.refresh_from_db()

    results = run_together(
        lambda: claims.decide_claim(claim_id=claim.pk, by=manager, decision="approved", step=1),
        lambda: claims.decide_claim(claim_id=claim.pk, by=deputy, decision="approved", step=1),
    )

    winners = [r for r in results if isinstance(r, ExpenseClaim)]
    losers = [r for r in results if isinstance(r, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].code == "step_done"
    assert ExpenseClaim.objects.get(pk=claim.pk).step == 2
    assert ClaimDecision.objects.filter(claim=claim, decision="approved").count() == 1
