"""Several roles per user: the primary ``role`` plus extra roles given by an administrator."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.accounts import services
from aftersales.accounts.capabilities import capabilities_of, has_capability, roles_of, users_with_capability
from aftersales.accounts.choices import Role
from aftersales.accounts.models import User, UserRole
from aftersales.accounts.permissions import can_manage_user
from aftersales.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.models import AuditLog

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_extra_roles_add_their_capabilities(users: dict[str, User]) -> None:
    agent = users[Role.AGENT]
    assert not has_capability(agent, "service.assign_order")

    services.set_roles(user=agent, roles=[Role.DISPATCHER], by=users[Role.ADMIN])

    agent = _fresh(agent)
    assert roles_of(agent) == {Role.AGENT, Role.DISPATCHER}
    assert has_capability(agent, "service.assign_order")
    assert has_capability(agent, "service.open_order")  # the primary role's stay


def test_roles_are_read_once_per_user_object_and_not_at_all_without_extra_roles(users: dict[str, User]) -> None:
    services.set_roles(user=users[Role.AGENT], roles=[Role.FINANCE], by=users[Role.ADMIN])
    with_extra, without = _fresh(users[Role.AGENT]), _fresh(users[Role.DISPATCHER])

    with CaptureQueriesContext(connection) as ctx:
        capabilities_of(with_extra)
        roles_of(with_extra)
        has_capability(with_extra, "service.assign_order")
    assert len(ctx.captured_queries) == 1
    with CaptureQueriesContext(connection) as ctx:
        capabilities_of(without)
        roles_of(without)
    assert len(ctx.captured_queries) == 0


def test_set_roles_replaces_and_ignores_the_primary(users: dict[str, User]) -> None:
    admin, agent = users[Role.ADMIN], users[Role.AGENT]
    services.set_roles(user=agent, roles=[Role.DISPATCHER, Role.FINANCE], by=admin)

    services.set_roles(user=agent, roles=[Role.AGENT, Role.FINANCE, Role.TECHNICIAN], by=admin)

    assert sorted(UserRole.objects.filter(user=agent).values_list("role", flat=True)) == ["finance", "technician"]
    assert AuditLog.objects.filter(action="accounts.set_roles").count() == 2

    services.set_roles(user=agent, roles=[], by=admin)
    agent = _fresh(agent)
    assert (roles_of(agent), agent.has_extra_roles) == ({Role.AGENT}, False)
    assert not UserRole.objects.filter(user=agent).exists()


@pytest.mark.parametrize(
    ("roles", "by_role", "error", "code"),
    [
        (["dispatcher", "pilot", "astronaut"], Role.ADMIN, ValidationFailed, "unknown_role"),
        (["dispatcher"], Role.MANAGER, PermissionDeniedError, "forbidden"),
        (["dispatcher"], Role.GENERAL_MANAGER, PermissionDeniedError, "forbidden"),
    ],
)
def test_bad_input_or_caller_writes_nothing(users: dict[str, User], roles, by_role, error, code) -> None:
    agent = users[Role.AGENT]
    services.set_roles(user=agent, roles=[Role.FINANCE], by=users[Role.ADMIN])
    audits = AuditLog.objects.count()

    with pytest.raises(error) as raised:
        services.set_roles(user=agent, roles=roles, by=users[by_role])

    assert raised.value.code == code
    if code == "unknown_role":
        assert (raised.value.field, "astronaut, pilot" in raised.value.detail) == ("roles", True)
    assert list(UserRole.objects.filter(user=agent).values_list("role", flat=True)) == ["finance"]
    assert AuditLog.objects.count() == audits


def test_admin_cannot_change_own_roles_and_system_actors_do_not_exist(users: dict[str, User]) -> None:
    admin = users[Role.ADMIN]
    with pytest.raises(PermissionDeniedError):
        services.set_roles(user=admin, roles=[Role.FINANCE], by=admin)
    with pytest.raises(NotFoundError):
        services.set_roles(user=services.system_actor("machine"), roles=[Role.FINANCE], by=admin)
    assert not UserRole.objects.exists()


def test_pick_lists_and_manager_limits_see_extra_roles(users: dict[str, User]) -> None:
    admin, agent = users[Role.ADMIN], users[Role.AGENT]
    services.set_roles(user=agent, roles=[Role.TECHNICIAN], by=admin)
    technicians = set(users_with_capability("service.work_assigned"))
    assert {agent, users[Role.TECHNICIAN]} <= technicians
    assert users[Role.FINANCE] not in technicians
    # a manager may not manage someone holding an administrator's role, even as an extra one
    manager = users[Role.MANAGER]
    assert can_manage_user(manager, _fresh(agent))
    services.set_roles(user=agent, roles=[Role.ADMIN], by=admin)
    assert not can_manage_user(manager, _fresh(agent))


# --- API ---------------------------------------------------------------------------------------


def test_api_sets_roles(users: dict[str, User], api_client) -> None:
    agent = users[Role.AGENT]
    response = api_client(users[Role.ADMIN]).put(
        f"/api/v1/users/{agent.pk}/roles", {"roles": ["finance", "dispatcher"]}, content_type=JSON
    )

    assert response.status_code == 200
    assert response.json() == {
        "id": agent.pk,
        "role": "agent",
        "extra_roles": ["dispatcher", "finance"],
        "roles": ["agent", "dispatcher", "finance"],
    }


@pytest.mark.parametrize(
    ("by_role", "body", "status", "code"),
    [
        (Role.ADMIN, {"roles": ["nope"]}, 400, "unknown_role"),
        (Role.ADMIN, {"roles": "finance"}, 400, "invalid_input"),
        (Role.ADMIN, {"roles": ["finance"], "role": "admin"}, 400, "invalid_input"),
        (Role.MANAGER, {"roles": ["finance"]}, 403, "forbidden"),
    ],
)
def test_api_refuses_and_writes_nothing(users, api_client, by_role, body, status, code) -> None:
    agent = users[Role.AGENT]
    response = api_client(users[by_role]).put(f"/api/v1/users/{agent.pk}/roles", body, content_type=JSON)

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not UserRole.objects.exists()
    assert not _fresh(agent).has_extra_roles


def test_api_unknown_user_and_anonymous(users, api_client, client) -> None:
    admin = users[Role.ADMIN]
    missing = api_client(admin).put("/api/v1/users/999999/roles", {"roles": []}, content_type=JSON)
    machine = services.system_actor("machine")
    actor = api_client(admin).put(f"/api/v1/users/{machine.pk}/roles", {"roles": []}, content_type=JSON)
    anonymous = client.put(f"/api/v1/users/{admin.pk}/roles", {"roles": []}, content_type=JSON)

    assert (missing.status_code, actor.status_code, anonymous.status_code) == (404, 404, 401)


# --- settings screen ---------------------------------------------------------------------------


def _edit_data(user: User, **extra: Any) -> dict[str, Any]:
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": "",
        "email": "",
        "role": user.role,
        "service_center": user.service_center_id or "",
        **extra,
    }


def test_admin_gives_extra_roles_on_the_edit_form(client, users) -> None:
    agent = users[Role.AGENT]
    client.force_login(users[Role.ADMIN])
    page = client.get(f"/settings/users/{agent.pk}/")
    assert 'name="extra_roles"' in page.content.decode()

    response = client.post(f"/settings/users/{agent.pk}/", _edit_data(agent, extra_roles=["dispatcher", "finance"]))

    assert response.status_code == 302
    assert roles_of(_fresh(agent)) == {"agent", "dispatcher", "finance"}
    listing = client.get("/settings/users/").content.decode()
    assert "（兼：调度、财务）" in listing


def test_edit_form_bad_role_shows_the_error_and_writes_nothing(client, users) -> None:
    agent = users[Role.AGENT]
    client.force_login(users[Role.ADMIN])

    response = client.post(f"/settings/users/{agent.pk}/", _edit_data(agent, first_name="新名", extra_roles=["pilot"]))

    assert response.status_code == 200
    assert "extra_roles" in response.context["form"].errors
    agent = _fresh(agent)
    assert (agent.first_name, agent.has_extra_roles) == ("测试", False)


def test_manager_sees_no_extra_roles_field(client, users) -> None:
    client.force_login(users[Role.MANAGER])
    page = client.get(f"/settings/users/{users[Role.AGENT].pk}/")
    assert page.status_code == 200
    assert 'name="extra_roles"' not in page.content.decode()


@pytest.mark.django_db
def test_the_first_administrator_made_by_createsuperuser_is_an_administrator_by_role(monkeypatch):
    """Found by a probe on an empty install, 2026-12-06: ``createsuperuser`` left the role at its default
    (agent): the first administrator read as 客服 everywhere and could not change their own role."""
    from django.core.management import call_command

    from aftersales.accounts.choices import Role
    from aftersales.accounts.models import User

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long enough secret 2026")
    call_command("createsuperuser", interactive=False, username="boss", email="boss@example.com", verbosity=0)

    boss = User.objects.get(username="boss")
    assert (boss.role, boss.is_superuser, boss.is_staff) == (Role.ADMIN, True, True)
    assert User.objects.create_user(username="clerk", password="x").role == Role.AGENT


def test_the_scope_fingerprint_moves_with_role_centre_and_stand_in(users: dict[str, User], other_centre) -> None:
    """What kept screens are keyed by (core.kept): the same for the same scope read again, another for
    another role, centre or stand-in in force."""
    from aftersales.accounts.capabilities import scope_fingerprint

    agent, admin = users[Role.AGENT], users[Role.ADMIN]
    seen = {scope_fingerprint(agent)}
    assert scope_fingerprint(_fresh(agent)) in seen  # a Role member and the text read back alike

    services.set_roles(user=agent, roles=[Role.FINANCE], by=admin)
    seen.add(scope_fingerprint(_fresh(agent)))
    agent = _fresh(agent)
    agent.service_center = other_centre
    agent.save(update_fields=["service_center"])
    seen.add(scope_fingerprint(_fresh(agent)))
    today = timezone.localdate()
    services.create_stand_in(
        from_user=users[Role.MANAGER], to_user=agent, starts_on=today, ends_on=today, reason="年假", by=admin
    )
    seen.add(scope_fingerprint(_fresh(agent)))

    assert len(seen) == 4
