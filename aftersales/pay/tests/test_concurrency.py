"""Races of a pay run, proved on PostgreSQL's row locks: two threads on their own connections,
released together; the first to take the lock holds it until the other is queued behind it."""

import threading
from typing import Any

import pytest
from django.db import connection

from aftersales.accounts.choices import Role
from aftersales.core.errors import ConflictError
from aftersales.core.tests.threads import run_together, wait_until_blocking
from aftersales.pay import services
from aftersales.pay.models import PayRun, PayStatement
from aftersales.pay.tests.factories import MAY

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock races are proved on PostgreSQL"),
]


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> None:
    compute, record = services._compute, services.record_activity
    gate = threading.Lock()  # only the first racing thread inside the locked section waits, once

    def hold_until_the_other_waits() -> None:
        # The test's own setup (the main thread) goes straight through.
        if threading.current_thread() is not threading.main_thread() and gate.acquire(blocking=False):
            wait_until_blocking(1)

    def compute_then_wait(run: PayRun) -> None:
        compute(run)
        hold_until_the_other_waits()

    def record_then_wait(**kwargs: Any) -> Any:
        hold_until_the_other_waits()
        return record(**kwargs)

    monkeypatch.setattr(services, "_compute", compute_then_wait)
    monkeypatch.setattr(services, "record_activity", record_then_wait)


def test_two_managers_start_the_same_month_one_run(
    setup: dict[str, Any], centre: Any, users: dict[str, Any], slow: None
) -> None:
    other = users[Role.GENERAL_MANAGER]

    results = run_together(
        lambda: services.create_run(by=setup["manager"], centre=centre, period=MAY),
        lambda: services.create_run(by=other, centre=centre, period=MAY),
    )

    runs = [r for r in results if isinstance(r, PayRun)]
    refused = [r for r in results if isinstance(r, ConflictError)]
    assert len(runs) == 1 and len(refused) == 1, results
    assert refused[0].code == "run_exists"
    assert PayRun.objects.count() == 1
    assert PayStatement.objects.count() == 2


def test_approval_and_reopening_at_once_one_wins(
    setup: dict[str, Any], centre: Any, users: dict[str, Any], slow: None
) -> None:
    run = services.create_run(by=setup["manager"], centre=centre, period=MAY)
    services.transition_run(by=setup["manager"], run=run, to="reviewed")

    results = run_together(
        lambda: services.transition_run(by=users[Role.FINANCE], run=PayRun.objects.get(pk=run.pk), to="approved"),
        lambda: services.transition_run(by=setup["manager"], run=PayRun.objects.get(pk=run.pk), to="draft"),
    )

    moved = [r for r in results if isinstance(r, PayRun)]
    refused = [r for r in results if isinstance(r, ConflictError)]
    assert len(moved) == 1 and len(refused) == 1, results
    run.refresh_from_db()
    assert run.status == moved[0].status
    assert run.version == 3
