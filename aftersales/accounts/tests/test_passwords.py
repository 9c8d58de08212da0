"""Passwords anyone would guess here are refused (issue 8 #17; ASVS 5.0 V6.1.2, V6.2.4, V6.2.11):
the demo password and passwords containing the product's or the company's name."""

import pytest
from django.conf import settings

from aftersales.accounts import services
from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def create(users, centre, password: str) -> User:
    return services.create_user(
        by=users[Role.ADMIN],
        username="new-user",
        password=password,
        role=Role.AGENT,
        service_center=centre,
        first_name="新",
    )


def test_the_demo_password_is_refused_for_a_new_user(users, centre):
    with pytest.raises(ValidationFailed) as excinfo:
        create(users, centre, settings.AFTERSALES["DEMO_PASSWORD"])

    assert excinfo.value.code == "weak_password"
    assert excinfo.value.field == "password"
    assert not User.objects.filter(username="new-user").exists()


@pytest.mark.parametrize("password", ["AfterSales#2026x", "my-售后-password-9", "示例设备有限公司2026!"])
def test_a_password_with_a_context_word_is_refused(users, centre, password):
    with pytest.raises(ValidationFailed) as excinfo:
        create(users, centre, password)

    assert excinfo.value.code == "weak_password"
    assert not User.objects.filter(username="new-user").exists()


def test_the_demo_password_is_refused_on_the_settings_screen(client, users, centre):
    client.force_login(users[Role.ADMIN])
    demo = settings.AFTERSALES["DEMO_PASSWORD"]
    data = {
        "username": "new-user",
        "first_name": "新",
        "role": Role.AGENT,
        "service_center": centre.pk,
        "password": demo,
        "password_again": demo,
    }

    response = client.post("/settings/users/new/", data)

    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert not User.objects.filter(username="new-user").exists()


def test_an_ordinary_strong_password_is_accepted(users, centre):
    assert create(users, centre, "Kx9!mountain-river").check_password("Kx9!mountain-river")


def test_production_refuses_to_start_while_a_demo_user_keeps_the_demo_password(settings):
    from aftersales.core.checks import check_demo_passwords, refuse_demo_passwords

    settings.AFTERSALES_REFUSE_DEMO_PASSWORD = True
    User.objects.create_user(username="admin", password=settings.AFTERSALES["DEMO_PASSWORD"], role=Role.ADMIN)

    assert [error.id for error in check_demo_passwords()] == ["aftersales.E001"]
    with pytest.raises(RuntimeError):
        refuse_demo_passwords()
