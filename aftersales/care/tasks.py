"""Thin Celery tasks: each calls one service."""

from celery import shared_task


@shared_task
def escalate_complaints() -> int:
    from aftersales.care.services.complaints import escalate_overdue_complaints

    return escalate_overdue_complaints()


@shared_task
def remind_late_letters() -> int:
    from aftersales.care.services.campaigns import remind_late_letters

    return remind_late_letters()
