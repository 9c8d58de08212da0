"""Auth through the API: tokens, throttling per user and per address, deactivation, sessions."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ApiToken
from aftersales.accounts.services import deactivate_user
from aftersales.accounts.tests.factories import UserFactory

JSON = "application/json"
PASSWORD = "pw-for-tests-1"  # UserFactory's


@pytest.fixture
def agent(users: dict[str, Any]) -> Any:
    return users[Role.AGENT]


def get_token(client: Client, username: str, password: str, *, name: Any = None, **extra: Any) -> Any:
    body = {"username": username, "password": password}
    if name is not None:
        body["name"] = name
    return client.post("/api/v1/auth/token", body, content_type=JSON, **extra)


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
def test_token_after_max_failures_from_one_address_answers_429_with_the_delay(agent, settings):
    limit = settings.AFTERSALES["LOGIN_MAX_ATTEMPTS"]
    for _ in range(limit):
        get_token(Client(), agent.username, "wrong", REMOTE_ADDR="10.0.0.1")

    response = get_token(Client(), agent.username, PASSWORD, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
    assert response.json()["retry_after"] == settings.AFTERSALES["LOGIN_BACKOFF_SECONDS"]
    assert response["Retry-After"] == str(settings.AFTERSALES["LOGIN_BACKOFF_SECONDS"])
    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_token_failures_from_other_addresses_do_not_lock_the_user_out(agent, settings):
    for i in range(settings.AFTERSALES["LOGIN_MAX_ATTEMPTS"] * 3):
        get_token(Client(), agent.username, "wrong", REMOTE_ADDR=f"198.51.100.{i % 4}")

    assert get_token(Client(), agent.username, PASSWORD, REMOTE_ADDR="10.0.1.1").status_code == 200


@pytest.mark.django_db
def test_token_made_up_names_from_one_address_do_not_lock_its_users(users, settings):
    for i in range(settings.AFTERSALES["LOGIN_MAX_ATTEMPTS"] * 3):
        get_token(Client(), f"guess{i}", "wrong", REMOTE_ADDR="10.9.9.9")

    assert get_token(Client(), users[Role.AGENT].username, PASSWORD, REMOTE_ADDR="10.9.9.9").status_code == 200


@pytest.mark.django_db
def test_token_below_limit_still_accepts_good_password(agent, settings):
    for _ in range(settings.AFTERSALES["LOGIN_MAX_ATTEMPTS"] - 1):
        get_token(Client(), agent.username, "wrong")

    assert get_token(Client(), agent.username, PASSWORD).status_code == 200


@pytest.mark.django_db
def test_token_behind_proxy_throttles_the_forwarded_address(agent, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "TRUSTED_PROXY_COUNT": 1}
    for _ in range(settings.AFTERSALES["LOGIN_MAX_ATTEMPTS"]):
        get_token(Client(), "guess0", "wrong", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")

    attacker = get_token(Client(), "guess0", "wrong", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    colleague = get_token(Client(), "guess0", "wrong", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8")

    assert attacker.status_code == 429
    assert colleague.status_code == 401


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


# ---- token lifetime, names, listing and revocation ----------------------------------------------


def bearer(key: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {key}"})


@pytest.mark.django_db
def test_token_answer_carries_name_prefix_and_expiry(agent, client, settings):
    before = timezone.now()

    body = get_token(client, agent.username, PASSWORD).json()

    assert body["name"] == "api"
    assert body["prefix"] == body["token"][:8]
    days = settings.AFTERSALES["API_TOKEN_DAYS"]
    expires = datetime.datetime.fromisoformat(body["expires_at"])
    assert before + datetime.timedelta(days=days) <= expires <= timezone.now() + datetime.timedelta(days=days)


@pytest.mark.django_db
def test_token_for_same_client_name_replaces_the_old_one(agent, client):
    first = get_token(client, agent.username, PASSWORD, name="erp-sync").json()["token"]

    second = get_token(client, agent.username, PASSWORD, name="erp-sync").json()["token"]

    assert ApiToken.objects.filter(user=agent).count() == 1
    assert bearer(first).get("/api/v1/me").status_code == 401
    assert bearer(second).get("/api/v1/me").status_code == 200


@pytest.mark.django_db
def test_tokens_for_different_clients_coexist(agent, client):
    get_token(client, agent.username, PASSWORD, name="erp-sync")
    get_token(client, agent.username, PASSWORD, name="phone")

    assert set(ApiToken.objects.filter(user=agent).values_list("name", flat=True)) == {"erp-sync", "phone"}


@pytest.mark.django_db
def test_tokens_beyond_the_cap_revoke_the_oldest(agent, client, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "API_TOKENS_PER_USER": 3}
    keys = [get_token(client, agent.username, PASSWORD, name=f"c{i}").json()["token"] for i in range(4)]

    assert list(ApiToken.objects.filter(user=agent).order_by("pk").values_list("name", flat=True)) == ["c1", "c2", "c3"]
    assert bearer(keys[0]).get("/api/v1/me").status_code == 401
    assert bearer(keys[3]).get("/api/v1/me").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["", "   ", "x" * 101, 7])
def test_token_with_bad_client_name_answers_400_and_writes_nothing(agent, client, name):
    response = get_token(client, agent.username, PASSWORD, name=name)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert response.json()["field"] == "name"
    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_expired_token_answers_401_token_expired(agent, client):
    key = get_token(client, agent.username, PASSWORD).json()["token"]
    ApiToken.objects.filter(user=agent).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = bearer(key).get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


@pytest.mark.django_db
def test_token_without_expiry_when_days_is_zero(agent, client, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "API_TOKEN_DAYS": 0}

    body = get_token(client, agent.username, PASSWORD).json()

    assert body["expires_at"] is None
    assert bearer(body["token"]).get("/api/v1/me").status_code == 200


@pytest.mark.django_db
def test_using_a_token_records_last_use(agent, client):
    key = get_token(client, agent.username, PASSWORD).json()["token"]
    assert ApiToken.objects.get(user=agent).last_used_at is None

    bearer(key).get("/api/v1/me")

    assert ApiToken.objects.get(user=agent).last_used_at is not None


@pytest.mark.django_db
def test_list_tokens_shows_own_tokens_without_secret(agent, users, client):
    key = get_token(client, agent.username, PASSWORD, name="erp-sync").json()["token"]
    get_token(client, users[Role.MANAGER].username, PASSWORD, name="manager-tool")

    response = bearer(key).get("/api/v1/auth/tokens")

    assert response.status_code == 200
    [token] = response.json()
    assert token["name"] == "erp-sync"
    assert token["prefix"] == key[:8]
    assert set(token) == {"id", "name", "prefix", "created_at", "expires_at", "last_used_at"}
    assert key not in response.content.decode()


@pytest.mark.django_db
def test_list_tokens_without_auth_answers_401(client):
    response = client.get("/api/v1/auth/tokens")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_revoke_own_token_stops_it_at_once(agent, client):
    keep = get_token(client, agent.username, PASSWORD, name="keep").json()["token"]
    drop = get_token(client, agent.username, PASSWORD, name="drop").json()

    response = bearer(keep).delete(f"/api/v1/auth/tokens/{drop['id']}")

    assert response.status_code == 204
    assert bearer(drop["token"]).get("/api/v1/me").status_code == 401
    assert bearer(keep).get("/api/v1/me").status_code == 200


@pytest.mark.django_db
def test_revoke_another_users_token_answers_404_and_deletes_nothing(agent, users, client):
    mine = get_token(client, agent.username, PASSWORD).json()["token"]
    theirs = get_token(client, users[Role.MANAGER].username, PASSWORD).json()

    response = bearer(mine).delete(f"/api/v1/auth/tokens/{theirs['id']}")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert bearer(theirs["token"]).get("/api/v1/me").status_code == 200
