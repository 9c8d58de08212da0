"""The database down: /healthz answers 503 within a couple of seconds instead of never, whether
PostgreSQL's port refuses connections or a server accepts them and never answers (connect_timeout)."""

import time
from collections.abc import Iterator

import pytest
from django.db import connections
from django.db.utils import ConnectionHandler
from django.test import Client

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

    assert options == {"connect_timeout": 2, "sslmode": "require"}


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
