"""accounts (below history) announces its changes with a signal; history records them."""

import pytest
from django.db import transaction
from django.utils import translation

from aftersales.accounts import services
from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCenter, User
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.models import AuditLog
from aftersales.history.display import describe
from aftersales.history.selectors import activity_for
from aftersales.history.testing import old_new, only_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(centre: ServiceCenter) -> User:
    return UserFactory(username="root", role=Role.ADMIN, service_center=None)


def test_create_and_update_a_centre(admin: User) -> None:
    centre = services.create_service_center(by=admin, code="gz", name="广州", region="华南")
    services.update_service_center(centre=centre, by=admin, code="GZ", name="广州网点", region="华南")

    created, updated = reversed(list(activity_for(centre)))
    assert created.type == "service_center.created"
    assert old_new(created) == {"code": (None, "GZ"), "name": (None, "广州"), "region": (None, "华南")}
    assert updated.type == "service_center.updated"
    assert old_new(updated) == {"name": ("广州", "广州网点")}
    assert AuditLog.objects.get(action="accounts.update_service_center").target == centre


def test_company_profile_saves_are_its_history_and_shown_on_its_screen(admin: User, client) -> None:
    profile = services.update_company_profile(by=admin, name="沪东精密", hotline="400-800-1234")
    services.update_company_profile(by=admin, name="沪东精密机械有限公司", hotline="400-800-1234")

    first, second = reversed(list(activity_for(profile)))
    assert (first.type, first.actor) == ("company_profile.updated", admin)
    assert old_new(first) == {"name": (None, "沪东精密"), "hotline": (None, "400 800 1234")}
    assert old_new(second) == {"name": ("沪东精密", "沪东精密机械有限公司")}
    client.force_login(admin)
    assert "沪东精密机械有限公司" in client.get("/settings/company/").content.decode().split('id="history')[-1]


def test_create_update_and_deactivate_a_user(admin: User, centre: ServiceCenter) -> None:
    user = services.create_user(
        by=admin, username="wang", password="Long-enough-pw-42", role=Role.AGENT, service_center=centre, first_name="王"
    )
    services.update_user(user=user, by=admin, role=Role.DISPATCHER, service_center=centre, first_name="王")
    services.deactivate_user(user=user, by=admin)

    created = only_activity(user, type="user.created")
    assert old_new(created)["role"] == (None, "agent")
    assert old_new(created)["service_center"] == (None, {"id": centre.pk, "label": centre.name})
    assert "password" not in created.changes
    assert old_new(only_activity(user, type="user.updated")) == {"role": ("agent", "dispatcher")}
    deactivated = only_activity(user, type="user.deactivated")
    assert (old_new(deactivated), deactivated.actor) == ({"is_active": (True, False)}, admin)


def test_deactivation_by_the_system_reads_as_system(centre: ServiceCenter) -> None:
    user = UserFactory(service_center=centre)

    services.deactivate_user(user=user, by=None)

    assert only_activity(user).actor_label == ""


def test_account_activity_rolls_back_with_the_change(admin: User) -> None:
    centre = services.create_service_center(by=admin, code="GZ", name="广州", region="华南")

    with pytest.raises(RuntimeError), transaction.atomic():
        services.update_service_center(centre=centre, by=admin, code="GZ", name="新名", region="华南")
        raise RuntimeError("later failure")

    assert [a.type for a in activity_for(centre)] == ["service_center.created"]


def test_extra_roles_changes_are_recorded(admin: User, centre: ServiceCenter) -> None:
    agent = UserFactory(username="li", role=Role.AGENT, service_center=centre)
    services.set_roles(user=agent, roles=[Role.DISPATCHER, Role.FINANCE], by=admin)
    services.set_roles(user=agent, roles=[Role.FINANCE, Role.TECHNICIAN], by=admin)

    changed = [row for row in reversed(list(activity_for(agent))) if row.type == "user.roles_changed"]

    assert [old_new(row) for row in changed] == [
        {"extra_roles": ([], ["dispatcher", "finance"])},
        {"extra_roles": (["dispatcher", "finance"], ["finance", "technician"])},
    ]
    assert changed[0].actor == admin


def test_changes_to_a_reverse_relation_are_named_after_its_model(admin: User, centre: ServiceCenter) -> None:
    agent = UserFactory(username="zhao", role=Role.AGENT, service_center=centre)
    services.set_roles(user=agent, roles=[Role.DISPATCHER], by=admin)

    with translation.override("zh-hans"):
        (change,) = describe(only_activity(agent, type="user.roles_changed")).changes
    with translation.override("en"):
        (english,) = describe(only_activity(agent, type="user.roles_changed")).changes

    assert (change.label, english.label, english.new_display) == ("附加角色", "extra roles", "dispatcher")
