"""Races in customer care, proved on PostgreSQL's row locks: two clerks taking the same follow-up
from the pool at once, and two agents resolving the same complaint — one call, one resolution; the
other clerk is told plainly."""

import datetime
from typing import Any

import pytest
from django.db import connection

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.care import services
from aftersales.care.choices import Outcome, Purpose, TaskStatus
from aftersales.care.models import Complaint, FollowUpCall, FollowUpTask
from aftersales.care.services import complaints, followups
from aftersales.care.tests.factories import at, close_order
from aftersales.core.errors import DomainError
from aftersales.core.tests.threads import run_together, wait_until_blocking
from aftersales.customers.tests.factories import CustomerFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock races are proved on PostgreSQL"),
]


def hold_lock(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> None:
    """The first thread to lock the row keeps it until the other is queued behind it."""
    real = getattr(module, name)

    def lock_and_hold(pk: int, **kwargs: Any) -> Any:
        row = real(pk, **kwargs)
        wait_until_blocking(1, timeout=3)
        return row

    monkeypatch.setattr(module, name, lock_and_hold)


@pytest.fixture
def clerks(users, centre):
    return users[Role.AGENT], UserFactory(username="agent-2", role=Role.AGENT, service_center=centre)


def test_two_clerks_take_the_same_pool_follow_up_one_call_is_recorded(users, centre, clerks, monkeypatch):
    order = close_order(manager=users[Role.MANAGER], customer=CustomerFactory(service_center=centre))
    task = FollowUpTask.objects.get(order=order, purpose=Purpose.CALLBACK)
    hold_lock(monkeypatch, followups, "_lock_task")
    when = at(datetime.date(2026, 12, 2))

    results = run_together(
        *(
            lambda clerk=clerk: services.record_call(
                task_id=task.pk, by=clerk, outcome=Outcome.REACHED, score=5, now=when
            )
            for clerk in clerks
        )
    )

    winners = [r for r in results if isinstance(r, FollowUpCall)]
    losers = [r for r in results if isinstance(r, DomainError)]
    assert len(winners) == 1 and len(losers) == 1, results
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.assigned_to_id == winners[0].by_id
    assert FollowUpCall.objects.filter(task=task).count() == 1


def test_two_agents_resolve_the_same_complaint_one_resolution_stands(users, centre, clerks, monkeypatch):
    customer = CustomerFactory(service_center=centre)
    complaint = services.open_complaint(by=clerks[0], customer=customer, description="维修后仍漏气")
    hold_lock(monkeypatch, complaints, "_lock_complaint")

    results = run_together(
        *(
            lambda clerk=clerk, text=text: services.resolve_complaint(
                complaint_id=complaint.pk, by=clerk, resolution=text
            )
            for clerk, text in zip(clerks, ("上门复修", "更换整机"), strict=True)
        )
    )

    winners = [r for r in results if isinstance(r, Complaint)]
    losers = [r for r in results if isinstance(r, DomainError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].code == "complaint_resolved"
    complaint.refresh_from_db()
    assert complaint.resolution == winners[0].resolution
