"""``manage.py relay_outbox``: one run, and the loop that ``make run`` starts beside the app."""

import io
import threading

import pytest
from django.core.management import call_command

from aftersales.notifications.choices import MessageStatus
from aftersales.notifications.management.commands import relay_outbox
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.services import enqueue_message


@pytest.mark.django_db
def test_one_run_sends_what_is_due_and_says_so(_outbox):
    enqueue_message(channel="sms", recipient="+8613900001111", body="a")
    out = io.StringIO()

    call_command("relay_outbox", stdout=out)

    assert out.getvalue().strip() == "sent 1, failed 0"
    assert OutboxMessage.objects.get().status == MessageStatus.SENT


@pytest.mark.django_db
def test_loop_keeps_relaying_survives_a_failed_run_and_stops_on_request(_outbox, monkeypatch):
    runs: list[int] = []
    real_relay = relay_outbox.relay_due_messages

    def relay(**kwargs):
        runs.append(1)
        if len(runs) >= 3:
            stop_event.set()
        if len(runs) == 1:
            raise RuntimeError("database is locked")
        return real_relay(**kwargs)

    class StopAfterThree(threading.Event):
        def wait(self, timeout=None):
            return self.is_set()  # no real waiting in a test

    stop_event = StopAfterThree()
    monkeypatch.setattr(relay_outbox, "relay_due_messages", relay)
    monkeypatch.setattr(relay_outbox.threading, "Event", lambda: stop_event)
    monkeypatch.setattr(relay_outbox.signal, "signal", lambda *args: None)
    # The loop closes stale connections between runs; here that would be the test's transaction.
    monkeypatch.setattr(relay_outbox, "close_old_connections", lambda: None)
    enqueue_message(channel="sms", recipient="+8613900001111", body="a")
    err = io.StringIO()

    call_command("relay_outbox", "--loop", "--interval", "0", stdout=io.StringIO(), stderr=err)

    assert len(runs) == 3
    assert "database is locked" in err.getvalue()
    assert [d.recipient for d in _outbox] == ["+8613900001111"]
