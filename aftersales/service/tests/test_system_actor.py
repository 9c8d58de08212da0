"""System actors: service accounts that act for a job, a machine or an import (here: opening orders)."""

from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.test import Client

from aftersales.accounts.capabilities import capabilities_of, has_capability, users_with_capability
from aftersales.accounts.choices import Role
from aftersales.accounts.models import ApiToken, ServiceCenter, User
from aftersales.accounts.permissions import users_visible_to
from aftersales.accounts.services import issue_token, system_actor, user_for_token
from aftersales.core.errors import DomainError
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.choices import EventType, OrderStatus
from aftersales.service.services import open_order, transition_order

pytestmark = pytest.mark.django_db


def test_system_actor_is_made_once_per_kind() -> None:
    machine = system_actor("machine")

    assert system_actor("machine").pk == machine.pk
    assert system_actor("scheduler").pk != machine.pk
    assert machine.is_system and machine.is_active
    assert not machine.has_usable_password()
    assert machine.service_center_id is None


def test_unknown_system_actor_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown system actor"):
        system_actor("robot")
    assert not User.objects.filter(username="system-robot").exists()


def test_system_actor_holds_its_own_capabilities_not_a_role() -> None:
    machine = system_actor("machine")

    assert has_capability(machine, "service.open_order")
    assert has_capability(machine, "accounts.see_all_centres")
    # Its stored role (the column's default) gives it nothing.
    assert not has_capability(machine, "service.edit_order")
    assert not has_capability(machine, "service.assign_order")
    assert "customers.edit_customers" not in capabilities_of(machine)
    assert has_capability(system_actor("importer"), "customers.edit_customers")


def test_system_actor_cannot_sign_in_or_get_a_token(client: Client) -> None:
    machine = system_actor("machine")

    assert authenticate(username=machine.username, password="") is None
    assert not client.login(username=machine.username, password="")
    with pytest.raises(DomainError) as caught:
        issue_token(username=machine.username, password="", ip="127.0.0.1")
    assert caught.value.status == 401
    assert not ApiToken.objects.filter(user=machine).exists()
    # A token row put there by hand (the admin, a bad script) still authenticates nobody.
    ApiToken.objects.create(user=machine, name="x", prefix="abcd", key_hash=ApiToken.hash_key("secret-key"))
    assert user_for_token("secret-key") is None


def test_machine_opens_an_order_shown_as_the_system_on_the_timeline(client: Client, users: dict[str, User]) -> None:
    customer = CustomerFactory(service_center=users[Role.AGENT].service_center)

    order = open_order(
        by=system_actor("machine"),
        kind="repair",
        customer=customer,
        reporter_name="设备告警",
        reporter_phone="13900001111",
        description="发动机故障码 P0301",
    )

    event = order.events.get(type=EventType.CREATED)
    assert event.actor.is_system
    assert order.created_by.system_kind == "machine"
    client.force_login(users[Role.MANAGER])
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "系统（设备）" in page


def test_system_actor_acts_only_within_its_capabilities(users: dict[str, User]) -> None:
    customer = CustomerFactory(service_center=users[Role.AGENT].service_center)
    order = open_order(
        by=system_actor("scheduler"),
        kind="repair",
        customer=customer,
        reporter_name="月访",
        reporter_phone="13900001111",
        description="季度巡检",
    )

    with pytest.raises(DomainError) as caught:
        transition_order(order, to=OrderStatus.CANCELLED, by=system_actor("scheduler"), reason="x")

    assert caught.value.status == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.NEW


def test_system_actors_are_not_staff_lists(users: dict[str, User], centre: ServiceCenter) -> None:
    machine = system_actor("machine")

    assert machine not in users_visible_to(users[Role.ADMIN])
    assert machine not in users_with_capability("service.open_order")


def test_system_actor_name_is_translated(settings: Any) -> None:
    from django.utils import translation

    machine = system_actor("machine")
    with translation.override("en"):
        assert str(machine) == "System (machine)"
    with translation.override("zh-hans"):
        assert str(machine) == "系统（设备）"
