"""Sessions end when idle or old, and what a signed-in user sees is never cached (issue 8 #17;
ASVS 5.0 V7.3.1, V7.3.2, V14.3.2). Time is moved by patching ``timezone.now``, never by sleeping."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from aftersales.accounts.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """``clock(minutes=31)`` moves ``timezone.now()`` forward."""
    start = timezone.now()
    offset = [datetime.timedelta()]
    monkeypatch.setattr(timezone, "now", lambda: start + offset[0])

    def advance(**delta: float) -> None:
        offset[0] += datetime.timedelta(**delta)

    return advance


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code in (200, 302)
    return client


def test_session_ends_after_30_idle_minutes(users, clock):
    client = signed_in(users[Role.AGENT])

    clock(minutes=31)
    response = client.get("/orders/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert SESSION_KEY not in client.session


def test_session_ended_by_idleness_answers_401_on_the_api(users, clock):
    client = signed_in(users[Role.AGENT])

    clock(minutes=31)

    assert client.get("/api/v1/me").status_code == 401


def test_activity_keeps_the_session_alive(users, clock):
    client = signed_in(users[Role.AGENT])
    for _ in range(6):
        clock(minutes=25)
        assert client.get("/api/v1/me").status_code == 200


def test_session_ends_12_hours_after_sign_in_whatever_the_activity(users, clock):
    client = signed_in(users[Role.AGENT])
    for _ in range(24):
        clock(minutes=29)
        client.get("/api/v1/me")
    clock(minutes=29)  # 12 h 05 min after sign-in

    assert client.get("/api/v1/me").status_code == 401


def test_session_cookie_and_stored_session_last_at_most_12_hours():
    assert settings.SESSION_COOKIE_AGE == 12 * 3600


def test_signed_in_pages_are_not_stored_by_browsers(users):
    client = signed_in(users[Role.MANAGER])

    response = client.get("/orders/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_api_answers_are_not_stored_with_a_token_or_without(users, api_client):
    with_token = api_client(users[Role.AGENT]).get("/api/v1/customers")
    anonymous = Client().get("/api/v1/customers")

    assert with_token.status_code == 200
    assert "no-store" in with_token["Cache-Control"]
    assert anonymous.status_code == 401
    assert "no-store" in anonymous["Cache-Control"]
