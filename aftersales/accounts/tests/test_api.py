"""Auth through the API: tokens, throttling per user and per address, deactivation, sessions."""

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ApiToken
from aftersales.accounts.services import deactivate_user
from aftersales.accounts.tests.factories import UserFactory

JSON = "application/json"
PASSWORD = "pw-for-tests-1"  # UserFactory's


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    # The login throttle counts in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def agent(users: dict[str, Any]) -> Any:
    return users[Role.AGENT]


def get_token(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post("/api/v1/auth/token", {"username": username, "password": password}, content_type=JSON, **extra)


@pytest.mark.django_db
def test_token_with_good_password_works_on_me(agent, client):
    response = get_token(client, agent.username, PASSWORD)

    assert response.status_code == 200
    me = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {response.json()['token']}"})
    assert me.status_code == 200
    assert me.json() == {
        "id": agent.pk,
        "username": agent.username,
        "name": str(agent),
        "role": "agent",
        "service_center_id": agent.service_center_id,
    }


@pytest.mark.django_db
def test_token_is_stored_only_as_hash(agent, client):
    key = get_token(client, agent.username, PASSWORD).json()["token"]

    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert ApiToken.objects.filter(key_hash=ApiToken.hash_key(key), user=agent).exists()


@pytest.mark.django_db
def test_token_with_wrong_password_answers_401_invalid_credentials(agent, client):
    response = get_token(client, agent.username, "wrong")

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_token_for_unknown_user_answers_401(client):
    response = get_token(client, "nobody", "whatever")

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


@pytest.mark.django_db
def test_token_after_max_failures_answers_429_per_user(agent, settings):
    limit = settings.AFTERSALES["LOGIN_MAX_ATTEMPTS"]
    for i in range(limit):
        get_token(Client(), agent.username, "wrong", REMOTE_ADDR=f"10.0.0.{i + 1}")

    response = get_token(Client(), agent.username, PASSWORD, REMOTE_ADDR="10.0.1.1")

    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
    assert response.json()["retry_after"] == settings.AFTERSALES["LOGIN_LOCK_SECONDS"]
    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_token_after_max_failures_answers_429_per_address(users, settings):
    limit = settings.AFTERSALES["LOGIN_MAX_ATTEMPTS"]
    for i in range(limit):
        get_token(Client(), f"guess{i}", "wrong", REMOTE_ADDR="10.9.9.9")

    blocked = get_token(Client(), users[Role.AGENT].username, PASSWORD, REMOTE_ADDR="10.9.9.9")
    elsewhere = get_token(Client(), users[Role.AGENT].username, PASSWORD, REMOTE_ADDR="10.9.9.10")

    assert blocked.status_code == 429
    assert elsewhere.status_code == 200


@pytest.mark.django_db
def test_token_below_limit_still_accepts_good_password(agent, settings):
    for _ in range(settings.AFTERSALES["LOGIN_MAX_ATTEMPTS"] - 1):
        get_token(Client(), agent.username, "wrong")

    assert get_token(Client(), agent.username, PASSWORD).status_code == 200


@pytest.mark.django_db
def test_token_behind_proxy_throttles_the_forwarded_address(agent, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "TRUSTED_PROXY_COUNT": 1}
    for i in range(settings.AFTERSALES["LOGIN_MAX_ATTEMPTS"]):
        get_token(Client(), f"guess{i}", "wrong", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")

    colleague = get_token(
        Client(), agent.username, PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8"
    )

    assert colleague.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {"username": "agent"},
        {"username": "agent", "password": "x", "remember": True},
        {"username": "agent", "password": "x" * 100_000},
        {"username": ["agent"], "password": "x"},
    ],
)
def test_token_bad_body_answers_400(body, client):
    response = client.post("/api/v1/auth/token", body, content_type=JSON)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


@pytest.mark.django_db
def test_me_without_auth_answers_401(client):
    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_me_with_unknown_token_answers_401():
    response = Client(headers={"Authorization": "Bearer not-a-token"}).get("/api/v1/me")

    assert response.status_code == 401


@pytest.mark.django_db
def test_inactive_users_token_answers_401_at_once(agent, users, api_client):
    client = api_client(agent)
    assert client.get("/api/v1/me").status_code == 200

    deactivate_user(user=agent, by=users[Role.ADMIN])

    assert client.get("/api/v1/me").status_code == 401
    assert ApiToken.objects.filter(user=agent).count() == 0


@pytest.mark.django_db
def test_inactive_users_session_answers_401_at_once(agent, users):
    client = Client()
    client.force_login(agent)
    assert client.get("/api/v1/me").status_code == 200

    deactivate_user(user=agent, by=users[Role.ADMIN])

    assert client.get("/api/v1/me").status_code == 401
    page = client.get("/")
    assert page.status_code == 302
    assert page["Location"].startswith("/login/")


@pytest.mark.django_db
def test_inactive_user_cannot_get_a_token(client, centre):
    user = UserFactory(username="leaver", role=Role.AGENT, service_center=centre, is_active=False)

    response = get_token(client, user.username, PASSWORD)

    assert response.status_code == 401


@pytest.mark.django_db
def test_session_post_without_csrf_token_is_refused(agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)

    response = client.post("/api/v1/customers", {"name": "某公司"}, content_type=JSON)

    assert response.status_code in (401, 403)
