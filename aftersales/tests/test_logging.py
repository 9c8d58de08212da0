"""With DEBUG off, a 500 leaves its traceback on stderr, one JSON object per line in production."""

import datetime
import io
import json
import logging

import pytest
from django.conf import settings

from aftersales.accounts.choices import Role
from aftersales.core.logformat import JsonFormatter


@pytest.fixture
def request_log():
    """The stream of the handler that settings.LOGGING gives django.request, swapped for a buffer."""
    handlers = [h for h in logging.getLogger("django.request").handlers if isinstance(h, logging.StreamHandler)]
    assert handlers, "django.request has no stream handler: a 500 would leave no trace"
    handler = handlers[0]
    buffer = io.StringIO()
    previous_stream, previous_formatter = handler.setStream(buffer), handler.formatter
    handler.setFormatter(JsonFormatter())  # production's format (settings/production.py)
    yield buffer
    handler.setStream(previous_stream)
    handler.setFormatter(previous_formatter)


def test_logs_go_to_stderr():
    assert settings.LOGGING["handlers"]["stderr"]["stream"] == "ext://sys.stderr"
    assert settings.LOGGING["loggers"]["django.request"]["handlers"] == ["stderr"]


@pytest.mark.django_db
def test_a_500_with_debug_off_is_logged_with_its_traceback_as_json(users, api_client, request_log, monkeypatch):
    from aftersales.service import api

    def boom(*args, **kwargs):
        raise RuntimeError("the order reader broke")

    monkeypatch.setattr(api, "_order", boom)
    assert not settings.DEBUG
    client = api_client(users[Role.DISPATCHER])
    client.raise_request_exception = False

    response = client.get("/api/v1/orders/1")

    assert response.status_code == 500
    lines = [json.loads(line) for line in request_log.getvalue().splitlines()]
    assert len(lines) == 1
    entry = lines[0]
    assert (entry["level"], entry["logger"], entry["status"]) == ("ERROR", "django.request", 500)
    assert (entry["method"], entry["path"]) == ("GET", "/api/v1/orders/1")
    assert entry["user_id"] == users[Role.DISPATCHER].pk
    assert entry["exc_type"] == "RuntimeError"
    assert "the order reader broke" in entry["traceback"] and "Traceback" in entry["traceback"]
    assert datetime.datetime.fromisoformat(entry["time"]).tzinfo is not None


def test_the_json_line_has_no_request_body_or_headers():
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/x",), None)

    entry = json.loads(JsonFormatter().format(record))

    assert set(entry) == {"time", "level", "logger", "message"}
    assert entry["message"] == "Internal Server Error: /x"
