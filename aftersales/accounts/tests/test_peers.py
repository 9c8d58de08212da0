"""A service manager manages the staff below them, never a peer (issue 8 #11; ASVS 5.0 V8.2.1, V8.2.2).

A fellow manager of the same centre (by primary or extra role) can be neither demoted, edited nor
deactivated by another manager, on the screen or through the service; nor can a manager make
someone a manager. An administrator still can.
"""

import pytest

from aftersales.accounts import services
from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.accounts.permissions import can_manage_user, roles_assignable_by
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import PermissionDeniedError

pytestmark = pytest.mark.django_db

STRONG = "Kx9!mountain-river"


@pytest.fixture
def peer(users: dict[str, User]) -> User:
    return UserFactory(username="manager-2-sh", role=Role.MANAGER, service_center=users[Role.MANAGER].service_center)


def _edit_data(user: User, **changes: object) -> dict[str, object]:
    return {
        "first_name": user.first_name or "x",
        "last_name": user.last_name,
        "phone": "",
        "role": user.role,
        "service_center": user.service_center_id,
        **changes,
    }


def test_manager_may_not_manage_a_fellow_manager(users, peer):
    assert not can_manage_user(users[Role.MANAGER], peer)
    assert can_manage_user(users[Role.MANAGER], users[Role.AGENT])
    assert can_manage_user(users[Role.ADMIN], peer)


def test_manager_may_not_manage_someone_holding_a_manager_role_as_an_extra_role(users):
    agent = users[Role.AGENT]
    services.set_roles(user=agent, roles=[Role.MANAGER], by=users[Role.ADMIN])

    assert not can_manage_user(users[Role.MANAGER], User.objects.get(pk=agent.pk))


def test_manager_cannot_demote_a_fellow_manager_on_the_screen(client, users, peer):
    client.force_login(users[Role.MANAGER])

    page = client.get(f"/settings/users/{peer.pk}/")
    response = client.post(f"/settings/users/{peer.pk}/", _edit_data(peer, role=Role.AGENT))

    assert page.status_code == 403
    assert response.status_code == 403
    peer.refresh_from_db()
    assert peer.role == Role.MANAGER


def test_manager_cannot_deactivate_a_fellow_manager(client, users, peer):
    client.force_login(users[Role.MANAGER])

    response = client.post(f"/settings/users/{peer.pk}/deactivate/")

    assert response.status_code == 403
    peer.refresh_from_db()
    assert peer.is_active


def test_services_refuse_a_manager_changing_a_peer_and_write_nothing(users, peer):
    manager = users[Role.MANAGER]

    with pytest.raises(PermissionDeniedError):
        services.deactivate_user(user=peer, by=manager)
    with pytest.raises(PermissionDeniedError):
        services.update_user(user=peer, by=manager, role=Role.AGENT, service_center=peer.service_center, first_name="x")

    peer.refresh_from_db()
    assert peer.is_active and peer.role == Role.MANAGER


def test_manager_cannot_make_a_manager(client, users, centre):
    manager = users[Role.MANAGER]
    client.force_login(manager)
    data = {
        "username": "new-mgr",
        "first_name": "x",
        "role": Role.MANAGER,
        "service_center": centre.pk,
        "password": STRONG,
        "password_again": STRONG,
    }

    response = client.post("/settings/users/new/", data)

    assert "role" in response.context["form"].errors
    assert not User.objects.filter(username="new-mgr").exists()
    assert Role.MANAGER not in roles_assignable_by(manager)
    with pytest.raises(PermissionDeniedError):
        services.update_user(
            user=users[Role.AGENT], by=manager, role=Role.MANAGER, service_center=centre, first_name="x"
        )


def test_admin_still_demotes_a_manager(users, peer):
    services.update_user(
        user=peer, by=users[Role.ADMIN], role=Role.AGENT, service_center=peer.service_center, first_name="x"
    )

    peer.refresh_from_db()
    assert peer.role == Role.AGENT
