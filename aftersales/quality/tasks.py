"""Thin Celery tasks: each calls one service."""

from celery import shared_task


@shared_task
def refresh_failures() -> int:
    from aftersales.quality.kept import refresh_failures

    return refresh_failures()
