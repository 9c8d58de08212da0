"""Deliver due outbox messages: once, or in a loop beside the app (the embedded default, ``make run``).

The loop also runs the periodic jobs the apps register (``core.registry.periodic_jobs``: the SLA
sweep), each at its interval, which Celery beat does in production. The command names no app.
"""

import logging
import signal
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from aftersales.core.registry import JobClock, resolve
from aftersales.notifications.services import relay_due_messages

logger = logging.getLogger("aftersales.jobs")


class Command(BaseCommand):
    help = "Send the due outbox messages (SMS, e-mail, robots, in-app notices); --loop keeps relaying."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true", help="Keep relaying until stopped (SIGINT/SIGTERM).")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between runs with --loop.")
        parser.add_argument("--limit", type=int, default=100, help="Messages claimed per run.")

    def handle(self, *args: Any, loop: bool, interval: float, limit: int, **options: Any) -> None:
        stop = threading.Event()
        if loop:
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
            self.stdout.write(f"Relaying the outbox every {interval:g} s (Ctrl-C stops).")
        jobs = JobClock()
        while True:
            if loop:
                self.run_due_jobs(jobs)
            try:
                report = relay_due_messages(limit=limit)
            except Exception as exc:  # noqa: BLE001  (a locked or restarting database must not end the loop)
                if not loop:
                    raise
                self.stderr.write(f"relay failed, trying again: {exc}")
            else:
                if report.claimed or not loop:
                    self.stdout.write(f"sent {len(report.sent)}, failed {len(report.failed)}")
                if loop and report.claimed == limit:
                    continue  # more are due: do not wait
            finally:
                if loop:
                    close_old_connections()  # a long-lived process drops a broken or expired connection
            if not loop or stop.wait(interval):
                return

    def run_due_jobs(self, jobs: JobClock) -> None:
        """Run the periodic jobs that are due, each on its own: one that fails is logged and tried
        again at its next interval, and neither stops the loop nor the others."""
        for job in jobs.due(time.monotonic()):
            try:
                resolve(job.run)()
            except Exception:  # noqa: BLE001
                logger.exception("periodic job %s failed", job.key)
                self.stderr.write(f"periodic job {job.key} failed, trying again in {job.interval:g} s")
