"""The database down: /healthz answers 503 within a couple of seconds instead of never, whether
PostgreSQL's port refuses connections or a server accepts them and never answers (connect_timeout);
the sign-in page still shows, with the environment's company name."""

import time
from collections.abc import Iterator

import psycopg
import pytest
from django.core.cache import cache
from django.db import connection, connections
from django.db.utils import ConnectionHandler
from django.test import Client

from aftersales.accounts.selectors import COMPANY_CACHE_KEY
from aftersales.core.tests.outages import closed_port, deadline, silent_server
from aftersales.settings.base import database_settings

ANSWER_WITHIN = 3.0  # libpq's shortest connect timeout is 2 s


def _swap_default(url: str) -> Iterator[None]:
    """The request's default connection replaced by one to ``url``, configured as settings do."""
    entry = database_settings(url)
    down = ConnectionHandler({"default": entry})["default"]
    real = connections["default"]
    connections["default"] = down
    try:
        yield
    finally:
        down.close()
        connections["default"] = real


@pytest.fixture(params=["refuses", "never_answers"])
def database_down(request: pytest.FixtureRequest, django_db_blocker) -> Iterator[None]:
    with django_db_blocker.unblock():
        Client().get("/login/")  # URLs loaded: time the outage, not a cold process
        if request.param == "refuses":
            yield from _swap_default(f"postgres://aftersales@127.0.0.1:{closed_port()}/aftersales")
        else:
            with silent_server() as port:
                yield from _swap_default(f"postgres://aftersales@127.0.0.1:{port}/aftersales")


def test_postgresql_connections_have_a_connect_timeout():
    options = database_settings("postgres://aftersales@db.example:5432/aftersales?sslmode=require")["OPTIONS"]

    assert options == {
        "connect_timeout": 2,
        "sslmode": "require",
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
        "tcp_user_timeout": 30000,
        "prepare_threshold": 5,
        "options": "-c jit=off -c plan_cache_mode=force_generic_plan",
    }


def test_postgresql_session_options_are_configurable(monkeypatch):
    monkeypatch.setenv("DATABASE_SESSION_OPTIONS", "")
    assert "options" not in database_settings("postgres://aftersales@db.example:5432/aftersales")["OPTIONS"]
    monkeypatch.setenv("DATABASE_SESSION_OPTIONS", "-c jit=on")
    assert database_settings("postgres://a@h:5432/d")["OPTIONS"]["options"] == "-c jit=on"


def test_database_keepalive_and_user_timeout_are_configurable(monkeypatch):
    monkeypatch.setenv("DATABASE_KEEPALIVES_IDLE", "5")
    monkeypatch.setenv("DATABASE_KEEPALIVES_INTERVAL", "2")
    monkeypatch.setenv("DATABASE_KEEPALIVES_COUNT", "4")
    monkeypatch.setenv("DATABASE_TCP_USER_TIMEOUT_MS", "9000")

    options = database_settings("postgres://aftersales@db.example:5432/aftersales")["OPTIONS"]

    assert (options["keepalives_idle"], options["keepalives_interval"], options["keepalives_count"]) == (5, 2, 4)
    assert options["tcp_user_timeout"] == 9000


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="libpq's connection parameters")
def test_an_open_postgresql_connection_carries_keepalives_and_a_user_timeout():
    """A connection open when the server freezes is bounded by the kernel: the options reach libpq."""
    connection.ensure_connection()
    dsn = psycopg.conninfo.conninfo_to_dict(connection.connection.info.dsn)

    assert dsn["keepalives"] == "1"
    assert (dsn["keepalives_idle"], dsn["keepalives_interval"], dsn["keepalives_count"]) == ("30", "10", "3")
    assert dsn["tcp_user_timeout"] == "30000"
    assert dsn["connect_timeout"] == "2"


@pytest.mark.usefixtures("database_down")
def test_healthz_answers_503_quickly_when_the_database_does_not_answer(django_db_blocker):
    started = time.monotonic()
    with deadline(30), django_db_blocker.unblock():
        response = Client().get("/healthz")
    took = time.monotonic() - started

    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert took < ANSWER_WITHIN, took


@pytest.mark.usefixtures("database_down")
def test_a_worker_starting_with_the_database_down_boots_within_seconds(django_db_blocker, settings):
    from aftersales.core.checks import refuse_demo_passwords

    settings.AFTERSALES_REFUSE_DEMO_PASSWORD = True  # as production's WSGI entry point runs it
    started = time.monotonic()
    with deadline(30), django_db_blocker.unblock():
        refuse_demo_passwords()  # the check cannot run; the worker starts and /healthz says 503
    took = time.monotonic() - started

    assert took < ANSWER_WITHIN, took


@pytest.mark.usefixtures("database_down")
def test_the_sign_in_page_shows_with_the_database_down_and_the_profile_not_cached(django_db_blocker, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "COMPANY_NAME": "环境变量公司"}
    cache.clear()
    with deadline(30), django_db_blocker.unblock():
        response = Client().get("/login/")

    assert response.status_code == 200
    assert "环境变量公司" in response.content.decode()
    assert cache.get(COMPANY_CACHE_KEY) is None  # the saved profile shows once the database answers
