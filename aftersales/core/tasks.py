"""Thin Celery tasks of the core (scheduled by ``CELERY_BEAT_SCHEDULE`` in settings)."""

from celery import shared_task

from aftersales.core.idempotency import prune_idempotency_keys


@shared_task
def prune_idempotency() -> int:
    """Delete the API's idempotency records past their retention (daily)."""
    return prune_idempotency_keys()
