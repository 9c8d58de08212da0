"""Thin Celery tasks: each calls one service."""

from celery import shared_task


@shared_task
def escalate_complaints() -> int:
    from aftersales.care.services.complaints import escalate_overdue_complaints

    return escalate_overdue_complaints()
