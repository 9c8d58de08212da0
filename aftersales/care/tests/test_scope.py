"""Every care write service checks the caller's scope itself (as aftersales/tests/test_write_services_scope.py
does for the lower apps): called by a user of another centre it answers 404 for a record out of their
scope, 403 for a capability they lack, and writes nothing."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.accounts.tests.factories import ServiceCenterFactory, UserFactory
from aftersales.care import services
from aftersales.care.models import FollowUpRule, FollowUpTask, ScriptQuestion
from aftersales.care.services import rules
from aftersales.care.tests.factories import close_order
from aftersales.core.errors import DomainError
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.installed_base.tests.factories import UnitFactory

A, M, T = Role.AGENT, Role.MANAGER, Role.TECHNICIAN


@dataclass
class World:
    staff: dict[str, User]
    outsiders: dict[str, User]
    customer: Any
    task: FollowUpTask
    complaint: Any
    campaign: Any


@pytest.fixture
def world(db: Any) -> World:
    home = ServiceCenterFactory(code="SH", name="上海服务网点")
    away = ServiceCenterFactory(code="BJ", name="北京服务网点")
    staff = {role: UserFactory(username=f"{role}-sh", role=role, service_center=home) for role in Role.values}
    outsiders = {role: UserFactory(username=f"{role}-bj", role=role, service_center=away) for role in Role.values}
    customer = CustomerFactory(service_center=home)
    order = close_order(manager=staff[M], customer=customer, handed_back=datetime.date(2026, 12, 1), by=staff[A])
    task = FollowUpTask.objects.filter(order=order).first()
    complaint = services.open_complaint(by=staff[A], customer=customer, description="慢")
    UnitFactory(customer=customer)
    campaign = services.announce_campaign(
        by=staff[M], title="联谊会", message="欢迎", event_on=datetime.date.today() + datetime.timedelta(days=30)
    )
    return World(staff, outsiders, customer, task, complaint, campaign)


@dataclass(frozen=True)
class Case:
    service: str
    role: str
    status: int
    call: Callable[[World, User], Any]

    def __str__(self) -> str:
        return f"{self.service}-{self.role}-{self.status}"


CASES = [
    Case(
        "announce_campaign",
        M,
        404,
        lambda w, by: services.announce_campaign(
            by=by,
            title="x",
            message="x",
            event_on=datetime.date.today() + datetime.timedelta(days=30),
            service_center=w.customer.service_center,
        ),
    ),
    Case(
        "announce_campaign",
        A,
        403,
        lambda w, by: services.announce_campaign(by=by, title="x", message="x", event_on=datetime.date.today()),
    ),
    Case("record_letters_sent", M, 404, lambda w, by: services.record_letters_sent(campaign_id=w.campaign.pk, by=by)),
    Case(
        "record_call", A, 404, lambda w, by: services.record_call(task_id=w.task.pk, by=by, outcome="reached", score=5)
    ),
    Case("record_call", T, 404, lambda w, by: services.record_call(task_id=w.task.pk, by=by, outcome="refused")),
    Case("assign_follow_up", M, 404, lambda w, by: services.assign_follow_up(task_id=w.task.pk, by=by, to=by)),
    Case("open_complaint", A, 404, lambda w, by: services.open_complaint(by=by, customer=w.customer, description="x")),
    Case("open_complaint", T, 403, lambda w, by: services.open_complaint(by=by, customer=w.customer, description="x")),
    Case("escalate_complaint", A, 404, lambda w, by: services.escalate_complaint(complaint_id=w.complaint.pk, by=by)),
    Case(
        "resolve_complaint",
        M,
        404,
        lambda w, by: services.resolve_complaint(complaint_id=w.complaint.pk, by=by, resolution="x"),
    ),
    Case(
        "accept_resolution",
        A,
        404,
        lambda w, by: services.accept_resolution(complaint_id=w.complaint.pk, by=by, accepted=True),
    ),
    Case(
        "log_contact",
        A,
        404,
        lambda w, by: services.log_contact(by=by, customer=w.customer, channel="phone", direction="in", summary="x"),
    ),
    Case(
        "log_contact",
        T,
        403,
        lambda w, by: services.log_contact(by=by, customer=w.customer, channel="phone", direction="in", summary="x"),
    ),
    Case(
        "send_customer_message",
        A,
        404,
        lambda w, by: services.send_customer_message(
            by=by, customer=w.customer, channel="sms", recipient="+8613800001111", body="x", key="k"
        ),
    ),
    Case(
        "save_rule",
        A,
        403,
        lambda w, by: rules.save_rule(
            by=by,
            kind="repair",
            callback=True,
            callback_opens=1,
            callback_closes=2,
            first=True,
            first_opens=3,
            first_closes=5,
            second=True,
            second_opens=6,
            second_closes=10,
        ),
    ),
    Case(
        "update_rule",
        A,
        403,
        lambda w, by: rules.update_rule(by=by, rule=FollowUpRule.objects.first(), kind="repair", first_opens=2),
    ),
    Case(
        "create_question",
        A,
        403,
        lambda w, by: rules.create_question(
            by=by, position=1, text="?", answer_type="text", choices="", required=False, active=True
        ),
    ),
    Case(
        "update_question",
        A,
        403,
        lambda w, by: rules.update_question(by=by, question=ScriptQuestion.objects.first(), text="?"),
    ),
]


def _fingerprint() -> dict[str, list[dict[str, Any]]]:
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if model.__module__.startswith("aftersales.")
    }


@pytest.mark.parametrize("case", CASES, ids=str)
def test_care_service_called_from_another_centre_refuses_and_writes_nothing(case: Case, world: World) -> None:
    before = _fingerprint()

    with pytest.raises(DomainError) as caught:
        case.call(world, world.outsiders[case.role])

    assert caught.value.status == case.status, caught.value.as_dict()
    assert _fingerprint() == before
