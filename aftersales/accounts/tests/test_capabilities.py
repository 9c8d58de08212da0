"""The capability table and ``has_capability``."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured

from aftersales.accounts.capabilities import (
    Capability,
    capabilities_of,
    capabilities_of_role,
    has_capability,
    register_capabilities,
    registered,
    users_with_capability,
)
from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCenter, User
from aftersales.accounts.tests.factories import UserFactory

# The table written out, so that a change to who may do what is a visible change to this test.
EXPECTED: dict[str, set[str]] = {
    "accounts.see_all_centres": {Role.GENERAL_MANAGER, Role.ADMIN},
    "accounts.manage_settings": {Role.MANAGER, Role.ADMIN},
    "accounts.administer": {Role.ADMIN},
    "customers.view_centre_customers": set(Role.values) - {Role.TECHNICIAN},
    "customers.edit_customers": {Role.AGENT, Role.DISPATCHER, Role.MANAGER, Role.ADMIN},
    "catalog.edit_product_models": {Role.MANAGER, Role.ADMIN},
    "coverage.edit_rules": {Role.MANAGER, Role.ADMIN},
    "calendars.view_calendar": {Role.DISPATCHER, Role.TECHNICIAN, Role.MANAGER, Role.GENERAL_MANAGER, Role.ADMIN},
    "calendars.edit_calendar": {Role.ADMIN},
    "calendars.see_missing_year": {Role.MANAGER, Role.ADMIN},
    "service.view_centre_orders": set(Role.values) - {Role.TECHNICIAN},
    "service.work_assigned": {Role.TECHNICIAN},
    "service.open_order": {Role.AGENT, Role.DISPATCHER, Role.MANAGER, Role.ADMIN},
    "service.edit_order": {Role.AGENT, Role.DISPATCHER, Role.MANAGER, Role.ADMIN},
    "service.accept_order": {Role.AGENT, Role.DISPATCHER, Role.MANAGER, Role.ADMIN},
    "service.cancel_order": {Role.AGENT, Role.DISPATCHER, Role.MANAGER, Role.ADMIN},
    "service.close_consultation": {Role.AGENT, Role.DISPATCHER, Role.MANAGER, Role.ADMIN},
    "service.assign_order": {Role.DISPATCHER, Role.MANAGER, Role.ADMIN},
    "service.record_progress": {Role.TECHNICIAN, Role.DISPATCHER, Role.MANAGER, Role.ADMIN},
    "service.review_order": {Role.MANAGER, Role.ADMIN},
    "service.reopen_order": {Role.MANAGER, Role.ADMIN},
    "service.override_warranty": {Role.MANAGER, Role.ADMIN},
    "service.extend_due": {Role.DISPATCHER, Role.MANAGER, Role.ADMIN},
    "service.review_due_moves": {Role.MANAGER, Role.GENERAL_MANAGER, Role.ADMIN},
    "service.apply_due_moves": {Role.ADMIN},
    "service.correct_visits": {Role.MANAGER, Role.ADMIN},
    "service.watch_new_orders": {Role.AGENT},
    "service.watch_unassigned": {Role.DISPATCHER},
    "service.watch_completed": {Role.MANAGER},
    "service.watch_parts": {Role.PARTS_KEEPER},
    "service.watch_overdue": {Role.MANAGER, Role.FINANCE, Role.GENERAL_MANAGER, Role.ADMIN},
}


def test_table_holds_the_expected_roles() -> None:
    table = {name: set(cap.roles) for name, cap in registered().items()}
    assert {name: table.get(name) for name in EXPECTED} == EXPECTED


@pytest.mark.parametrize("role", Role.values)
def test_capabilities_of_role_matches_the_table(role: str) -> None:
    expected = {name for name, roles in EXPECTED.items() if role in roles}
    assert expected <= capabilities_of_role(role)


def test_general_manager_acts_on_no_order() -> None:
    held = {name for name in capabilities_of_role(Role.GENERAL_MANAGER) if name.startswith("service.")}
    # Reviewing the due dates a calendar change would move is a read; applying them is not theirs.
    assert held == {"service.view_centre_orders", "service.watch_overdue", "service.review_due_moves"}


def test_unknown_capability_is_a_programming_error(users: dict[str, User]) -> None:
    with pytest.raises(ImproperlyConfigured, match="Unknown capability"):
        has_capability(users[Role.ADMIN], "service.fly_to_the_moon")


def test_capability_name_must_be_dotted() -> None:
    with pytest.raises(ImproperlyConfigured, match="dotted"):
        Capability(name="assign", label="x", roles=frozenset({Role.ADMIN}))


def test_capability_with_unknown_role_refuses() -> None:
    with pytest.raises(ImproperlyConfigured, match="unknown roles"):
        Capability(name="service.x", label="x", roles=frozenset({"pilot"}))


def test_registering_a_taken_name_differently_refuses() -> None:
    with pytest.raises(ImproperlyConfigured, match="twice"):
        register_capabilities([Capability(name="service.assign_order", label="x", roles=frozenset({Role.AGENT}))])
    assert registered()["service.assign_order"].roles == frozenset(EXPECTED["service.assign_order"])


def test_registering_the_same_definition_again_is_harmless() -> None:
    register_capabilities([registered()["service.assign_order"]])
    assert registered()["service.assign_order"].roles == frozenset(EXPECTED["service.assign_order"])


def test_centre_narrows_the_check(users: dict[str, User], centre: ServiceCenter, other_centre: ServiceCenter) -> None:
    dispatcher = users[Role.DISPATCHER]
    assert has_capability(dispatcher, "service.assign_order", centre_id=centre.pk)
    assert not has_capability(dispatcher, "service.assign_order", centre_id=other_centre.pk)
    # General managers and admins see every centre.
    assert has_capability(users[Role.ADMIN], "service.assign_order", centre_id=other_centre.pk)
    assert not has_capability(users[Role.GENERAL_MANAGER], "service.assign_order", centre_id=centre.pk)


def test_user_without_centre_acts_on_no_centre(db: Any, centre: ServiceCenter) -> None:
    stray = UserFactory(role=Role.DISPATCHER, service_center=None)
    assert has_capability(stray, "service.assign_order")
    assert not has_capability(stray, "service.assign_order", centre_id=centre.pk)


def test_superuser_holds_every_capability(db: Any, other_centre: ServiceCenter) -> None:
    root = UserFactory(role=Role.AGENT, is_superuser=True, service_center=None)
    assert all(has_capability(root, name, centre_id=other_centre.pk) for name in registered())


def test_anonymous_and_inactive_hold_nothing(users: dict[str, User]) -> None:
    manager = users[Role.MANAGER]
    manager.is_active = False
    assert not has_capability(AnonymousUser(), "service.open_order")
    assert not has_capability(manager, "service.open_order")
    assert capabilities_of(AnonymousUser()) == frozenset()


def test_capabilities_are_cached_on_the_user(users: dict[str, User], django_assert_num_queries: Any) -> None:
    agent = User.objects.get(pk=users[Role.AGENT].pk)
    with django_assert_num_queries(0):
        assert has_capability(agent, "service.open_order")
        assert has_capability(agent, "service.edit_order")
    assert capabilities_of(agent) is capabilities_of(agent)


def test_users_with_capability_lists_active_role_holders(users: dict[str, User]) -> None:
    gone = UserFactory(username="tech-gone", role=Role.TECHNICIAN, is_active=False)
    technicians = set(users_with_capability("service.work_assigned"))
    assert users[Role.TECHNICIAN] in technicians
    assert gone not in technicians
    assert users[Role.DISPATCHER] not in technicians
