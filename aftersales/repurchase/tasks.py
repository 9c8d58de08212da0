"""Thin Celery tasks: each calls one service."""

from celery import shared_task


@shared_task
def remind_deadlines() -> int:
    from aftersales.repurchase.services import remind_deadlines as remind

    return remind()
