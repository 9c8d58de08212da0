"""Thin Celery tasks of the outbox (the after-commit trigger that asks for them is ``trigger.py``)."""

from celery import shared_task

from aftersales.notifications.services import relay_due_messages


@shared_task(ignore_result=True)
def relay_outbox() -> int:
    """Deliver the due outbox messages (after each commit that wrote some, and swept by beat)."""
    return len(relay_due_messages().sent)
