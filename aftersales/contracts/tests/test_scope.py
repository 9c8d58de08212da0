"""Every contracts write service checks the caller's scope itself: called by a manager, finance
clerk or agent of another centre it answers 404 for a record out of their scope and writes nothing;
a role without the capability gets 403."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.contracts import services
from aftersales.contracts.tests.factories import make_contract, make_customer, with_year_plans
from aftersales.core.errors import DomainError, NotFoundError, PermissionDeniedError
from aftersales.installed_base.tests.factories import UnitFactory


def _counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_app_config("contracts").get_models()}


@pytest.fixture
def world(users: Any, centre: Any, other_centre: Any) -> dict[str, Any]:
    manager = users["manager"]
    contract = with_year_plans(make_contract(by=manager, centre=centre), by=manager)
    services.book_entry(contract, by=users["finance"], account="deposit", kind="received", amount="5000.00")
    project = services.open_project(
        by=manager,
        customer=contract.customer,
        name="产线改造",
        accepted_on=datetime.date(2026, 3, 1),
        project_manager=users["dispatcher"],
        development_manager=users["technician"],
    )
    problem = services.add_problem(project, by=manager, reporter="王工", description="报表慢")
    away = {role: UserFactory(role=role, service_center=other_centre) for role in Role.values}
    return {"home": users, "away": away, "contract": contract, "project": project, "problem": problem}


CALLS: list[tuple[str, str, Callable[[dict[str, Any], Any], Any]]] = [
    ("cancel_contract", Role.MANAGER, lambda w, by: services.cancel_contract(w["contract"], by=by, reason="x")),
    (
        "add_visit_plan",
        Role.MANAGER,
        lambda w, by: services.add_visit_plan(w["contract"], by=by, kind="custom", rule="FREQ=YEARLY"),
    ),
    (
        "book_entry",
        Role.FINANCE,
        lambda w, by: services.book_entry(w["contract"], by=by, account="fee", kind="received", amount="1.00"),
    ),
    (
        "release_deposit",
        Role.MANAGER,
        lambda w, by: services.release_deposit(w["contract"], by=by, override_reason="x"),
    ),
    ("generate_for_contract", Role.MANAGER, lambda w, by: services.generate_for_contract(w["contract"], by=by)),
    ("add_problem", Role.AGENT, lambda w, by: services.add_problem(w["project"], by=by, reporter="x", description="y")),
    ("resolve_problem", Role.AGENT, lambda w, by: services.resolve_problem(w["problem"], by=by, resolution="z")),
    (
        "raise_problem_order",
        Role.AGENT,
        lambda w, by: services.raise_problem_order(w["problem"], by=by, reporter_phone="13900001111"),
    ),
    ("sign_off_sheet", Role.AGENT, lambda w, by: services.sign_off_sheet(w["project"], by=by, signed_by="x")),
]


@pytest.mark.parametrize(("name", "role", "call"), CALLS, ids=[c[0] for c in CALLS])
def test_another_centre_gets_404_or_403_and_nothing_is_written(world, name, role, call):
    before = _counts()
    with pytest.raises(DomainError) as exc:
        call(world, world["away"][role])
    assert exc.value.status in (403, 404)
    with pytest.raises(PermissionDeniedError):
        call(world, world["home"][Role.TECHNICIAN])
    assert _counts() == before


def test_creates_for_another_centres_customer_are_refused(world, centre):
    customer = make_customer(centre)
    away = world["away"][Role.MANAGER]
    before = _counts()
    with pytest.raises(PermissionDeniedError):
        make_contract(by=away, centre=centre, customer=customer, units=[UnitFactory(customer=customer)])
    with pytest.raises(PermissionDeniedError):
        services.open_project(
            by=away,
            customer=customer,
            name="x",
            accepted_on=datetime.date(2026, 1, 5),
            project_manager=away,
            development_manager=world["away"][Role.TECHNICIAN],
        )
    with pytest.raises(NotFoundError):
        services.cancel_contract(
            world["contract"], by=world["away"][Role.GENERAL_MANAGER].__class__.objects.get(pk=away.pk), reason="x"
        )
    assert _counts() == before
