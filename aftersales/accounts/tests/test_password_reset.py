"""A forgotten password set anew by a manager or an administrator, and a deactivated user let back in.

Found in the admin review, 2026-12-07: neither the settings screens nor the API could give anyone a new
password (a technician who forgot theirs was locked out for good unless a superuser found the Django
admin; docs/demo.md asks to change the demo users' passwords before going live), and a user
deactivated by mistake could not be made active again.
"""

import pytest
from django.apps import apps
from django.test import Client

from aftersales.accounts.choices import Role
from aftersales.accounts.services import reactivate_user, reset_user_password
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.models import AuditLog

pytestmark = pytest.mark.django_db


def activities(type_: str):
    """The history's rows of ``type_`` (accounts may not import the history app, which sits above it)."""
    return apps.get_model("history", "Activity").objects.filter(type=type_)


STRONG = "Kx9!mountain-river"


def url(user) -> str:
    return f"/settings/users/{user.pk}/password/"


def test_a_manager_sets_a_new_password_for_their_technician(client, users):
    technician = users[Role.TECHNICIAN]
    signed_in = Client()
    signed_in.force_login(technician)
    client.force_login(users[Role.MANAGER])

    form = client.get(url(technician))
    response = client.post(url(technician), {"password": STRONG, "password_again": STRONG})

    assert form.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == f"/settings/users/{technician.pk}/"
    technician.refresh_from_db()
    assert technician.check_password(STRONG)
    assert signed_in.get("/").status_code == 302  # the old session ends with the old password
    assert AuditLog.objects.filter(action="accounts.reset_password").exists()
    activity = activities("user.password_reset").get()
    assert STRONG not in str(activity.__dict__)


def test_the_user_edit_page_links_to_the_password_form(client, users):
    technician = users[Role.TECHNICIAN]
    client.force_login(users[Role.MANAGER])

    assert url(technician) in client.get(f"/settings/users/{technician.pk}/").content.decode()


def test_a_weak_or_mismatched_password_is_refused_at_the_field_and_nothing_written(client, users):
    technician = users[Role.TECHNICIAN]
    before = technician.password
    client.force_login(users[Role.ADMIN])

    weak = client.post(url(technician), {"password": "12345678", "password_again": "12345678"})
    differ = client.post(url(technician), {"password": STRONG, "password_again": STRONG + "x"})

    assert weak.status_code == 200 and differ.status_code == 200
    assert weak.context["form"].errors["password"]
    assert differ.context["form"].errors["password_again"]
    technician.refresh_from_db()
    assert technician.password == before
    assert not AuditLog.objects.filter(action="accounts.reset_password").exists()


def test_the_password_form_follows_who_may_manage_whom(client, users, other_centre):
    stranger = UserFactory(username="bj-tech", role=Role.TECHNICIAN, service_center=other_centre)
    client.force_login(users[Role.MANAGER])

    assert client.get(url(stranger)).status_code == 404
    assert client.get(url(users[Role.ADMIN])).status_code == 403
    assert client.get(url(users[Role.MANAGER])).status_code == 403  # their own: not without the old one
    client.force_login(users[Role.DISPATCHER])
    assert client.post(url(users[Role.TECHNICIAN]), {"password": STRONG, "password_again": STRONG}).status_code == 403
    users[Role.TECHNICIAN].refresh_from_db()
    assert not users[Role.TECHNICIAN].check_password(STRONG)


def test_reset_password_service_refusals(users, other_centre):
    stranger = UserFactory(username="bj-tech", role=Role.TECHNICIAN, service_center=other_centre)
    manager = users[Role.MANAGER]

    with pytest.raises(NotFoundError):
        reset_user_password(user=stranger, by=manager, password=STRONG)
    with pytest.raises(PermissionDeniedError):
        reset_user_password(user=manager, by=manager, password=STRONG)
    with pytest.raises(ValidationFailed) as weak:
        reset_user_password(user=users[Role.TECHNICIAN], by=manager, password="aftersales-demo")
    assert weak.value.code == "weak_password" and weak.value.field == "password"


def test_a_deactivated_user_is_made_active_again(client, users):
    agent = users[Role.AGENT]
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    client.force_login(users[Role.MANAGER])

    page = client.get(f"/settings/users/{agent.pk}/").content.decode()
    response = client.post(f"/settings/users/{agent.pk}/reactivate/")

    assert f"/settings/users/{agent.pk}/reactivate/" in page
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.is_active
    assert activities("user.reactivated").exists()


def test_reactivate_follows_who_may_manage_whom(client, users, centre, other_centre):
    stranger = UserFactory(username="bj-tech", role=Role.TECHNICIAN, service_center=other_centre, is_active=False)
    peer = UserFactory(username="manager2", role=Role.MANAGER, service_center=centre, is_active=False)
    client.force_login(users[Role.MANAGER])

    assert client.post(f"/settings/users/{stranger.pk}/reactivate/").status_code == 404
    assert client.post(f"/settings/users/{peer.pk}/reactivate/").status_code == 403
    assert client.get(f"/settings/users/{users[Role.AGENT].pk}/reactivate/").status_code == 405
    with pytest.raises(NotFoundError):
        reactivate_user(user=stranger, by=users[Role.MANAGER])
    stranger.refresh_from_db()
    peer.refresh_from_db()
    assert not stranger.is_active and not peer.is_active
