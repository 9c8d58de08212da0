"""``manage.py prune_idempotency``: delete idempotency records past their retention."""

from typing import Any

from django.core.management.base import BaseCommand

from aftersales.core.idempotency import keep_for, prune_idempotency_keys


class Command(BaseCommand):
    help = "Delete the API's idempotency records older than AFTERSALES['IDEMPOTENCY_KEEP_HOURS']."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = prune_idempotency_keys()
        self.stdout.write(f"Deleted {deleted} idempotency record(s) older than {keep_for()}.")
