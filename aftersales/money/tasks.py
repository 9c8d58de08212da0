"""Thin Celery tasks of money (scheduled by ``CELERY_BEAT_SCHEDULE`` in settings)."""

from celery import shared_task

from aftersales.money.services import logistics, reminders
from aftersales.money.services.factory import chase_factory_returns


@shared_task(ignore_result=True)
def chase_factory() -> int:
    """Chase the factory about every return due a chase today (hourly; each return at its own interval)."""
    return chase_factory_returns()


@shared_task(ignore_result=True)
def remind_receivables() -> int:
    """Remind customers of overdue invoices (hourly; each invoice once per step of days overdue)."""
    return reminders.remind_receivables()


@shared_task(ignore_result=True)
def chase_logistics() -> int:
    """Raise "ask the factory" for purchases with no pick-up notice (hourly; once per round)."""
    return logistics.chase_logistics()
