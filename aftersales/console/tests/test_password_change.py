"""Changing one's own password (/password/), with the current one.

Found in the admin review, 2026-12-07: nobody could change their own password anywhere (only a
superuser through the Django admin), so a password a manager set for someone who forgot theirs, or the
demo password, stayed what it was.
"""

import pytest
from django.apps import apps

from aftersales.accounts.choices import Role
from aftersales.core.models import AuditLog

pytestmark = pytest.mark.django_db

URL = "/password/"
OLD = "Old!pass-word-42"
NEW = "Kx9!mountain-river"


@pytest.fixture
def agent(users):
    agent = users[Role.AGENT]
    agent.set_password(OLD)
    agent.save()
    return agent


def test_a_user_changes_their_own_password_and_stays_signed_in(client, agent):
    client.force_login(agent)

    page = client.get("/")
    response = client.post(URL, {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})

    assert URL in page.content.decode()  # the navbar's user name leads there
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password(NEW)
    assert client.get("/").status_code == 200
    assert AuditLog.objects.filter(action="accounts.change_own_password", user=agent).exists()
    assert apps.get_model("history", "Activity").objects.filter(type="user.password_changed").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"old_password": "wrong", "new_password1": NEW, "new_password2": NEW}, "old_password"),
        ({"old_password": OLD, "new_password1": "12345678", "new_password2": "12345678"}, "new_password2"),
        ({"old_password": OLD, "new_password1": NEW, "new_password2": NEW + "x"}, "new_password2"),
    ],
)
def test_a_wrong_current_password_or_a_weak_new_one_is_refused_at_the_field(client, agent, data, field):
    client.force_login(agent)

    response = client.post(URL, data)

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    agent.refresh_from_db()
    assert agent.check_password(OLD)
    assert not AuditLog.objects.filter(action="accounts.change_own_password").exists()


def test_the_password_page_needs_a_signed_in_user(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
