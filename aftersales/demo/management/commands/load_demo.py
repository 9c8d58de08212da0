"""``manage.py load_demo``: the demo set (issue #2 §10), only into an empty database.

Everything is created through the services in one transaction, so the demo obeys the same rules as
real data and a failure leaves nothing behind. Running it again on a database with data changes
nothing (``make run`` calls it every time).
"""

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from aftersales.demo.loader import DemoLoader, database_is_empty, notifications_discarded


class Command(BaseCommand):
    help = "Load the demo data set (demo users' password: aftersales-demo) into an empty database."

    def handle(self, *args: Any, **options: Any) -> None:
        if not database_is_empty():
            self.stdout.write("demo data already present; nothing loaded")
            return
        started = time.monotonic()
        with transaction.atomic(), notifications_discarded():
            summary = DemoLoader().load()
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"demo data loaded in {time.monotonic() - started:.1f} s"))
