"""Thin Celery tasks of money (scheduled by ``CELERY_BEAT_SCHEDULE`` in settings)."""

from celery import shared_task

from aftersales.money.services.factory import chase_factory_returns


@shared_task(ignore_result=True)
def chase_factory() -> int:
    """Chase the factory about every return due a chase today (hourly; each return at its own interval)."""
    return chase_factory_returns()
