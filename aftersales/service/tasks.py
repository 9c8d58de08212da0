"""Thin Celery tasks of the service context (scheduled by ``CELERY_BEAT_SCHEDULE`` in settings)."""

from celery import shared_task

from aftersales.service.services.sla_alerts import sweep_sla_alerts


@shared_task(ignore_result=True)
def sweep_sla() -> int:
    """The SLA sweep (every ``AFTERSALES_SLA_SWEEP_SECONDS``): notices for orders turned at risk or overdue."""
    return sweep_sla_alerts().notices
