"""Thin Celery tasks: each calls one service."""

from celery import shared_task


@shared_task
def send_scheduled_reports() -> int:
    from aftersales.reports.services import send_scheduled

    return send_scheduled()


@shared_task
def refresh_dashboards() -> int:
    from aftersales.reports.kept import refresh_dashboards

    return refresh_dashboards()
