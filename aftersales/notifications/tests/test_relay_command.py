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


@pytest.mark.django_db
def test_loop_runs_the_registered_periodic_jobs_and_survives_a_failing_one(_outbox, monkeypatch):
    """The embedded setup has no beat: the relay loop runs what the apps registered, at their interval."""
    from aftersales.core.registry import PeriodicJob, periodic_jobs

    ran: list[str] = []
    passes: list[int] = []

    def failing() -> None:
        ran.append("failing")
        raise RuntimeError("boom")

    class StopAfterTwo(threading.Event):
        def wait(self, timeout=None):
            passes.append(1)
            return len(passes) >= 2

    monkeypatch.setattr(periodic_jobs, "_entries", {})
    periodic_jobs.register(PeriodicJob("test.often", lambda: ran.append("often"), interval=0, task="t.often"))
    periodic_jobs.register(PeriodicJob("test.failing", failing, interval=3600, task="t.failing"))
    stop_event = StopAfterTwo()
    monkeypatch.setattr(relay_outbox.threading, "Event", lambda: stop_event)
    monkeypatch.setattr(relay_outbox.signal, "signal", lambda *args: None)
    monkeypatch.setattr(relay_outbox, "close_old_connections", lambda: None)
    err = io.StringIO()

    call_command("relay_outbox", "--loop", "--interval", "0", stdout=io.StringIO(), stderr=err)

    # Two passes: the hourly job once (and its failure did not stop the loop), the other each pass.
    assert sorted(ran) == ["failing", "often", "often"]
    assert "test.failing failed" in err.getvalue()


@pytest.mark.django_db
def test_one_run_does_not_run_the_periodic_jobs(_outbox, monkeypatch):
    from aftersales.core.registry import PeriodicJob, periodic_jobs

    ran: list[str] = []
    monkeypatch.setattr(periodic_jobs, "_entries", {})
    periodic_jobs.register(PeriodicJob("test.job", lambda: ran.append("job"), interval=0, task="t.job"))

    call_command("relay_outbox", stdout=io.StringIO())

    assert ran == []
