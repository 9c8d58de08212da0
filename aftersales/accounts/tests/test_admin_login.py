"""The Django admin's sign-in is throttled like /login/ and the API (issue 8 #1; ASVS 5.0 V6.3.1, V6.3.4:
no way in escapes the brute-force controls)."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from aftersales.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "Kx9!admin-river-long"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser(username="root", password=PASSWORD, email="")


def post(client: Client, password: str, **extra: str):
    return client.post(ADMIN_LOGIN, {"username": "root", "password": password, "next": "/admin/"}, **extra)


def test_admin_login_waits_after_max_failures_and_answers_429(client, superuser, settings):
    for _ in range(settings.AFTERSALES["LOGIN_MAX_ATTEMPTS"]):
        assert post(client, "guess").status_code == 200

    response = post(client, PASSWORD)  # the right password is not even checked during the delay

    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.AFTERSALES["LOGIN_BACKOFF_SECONDS"])
    assert SESSION_KEY not in client.session


def test_admin_login_counts_with_the_other_ways_in(client, superuser, settings):
    for _ in range(settings.AFTERSALES["LOGIN_MAX_ATTEMPTS"]):
        Client().post("/api/v1/auth/token", {"username": "root", "password": "guess"}, content_type="application/json")

    assert post(client, PASSWORD).status_code == 429


def test_admin_login_with_the_right_password_signs_in(client, superuser):
    response = post(client, PASSWORD)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(superuser.pk)
