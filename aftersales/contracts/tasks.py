"""Thin Celery tasks of contracts (beat runs them; the relay loop runs the same job without a broker)."""

from celery import shared_task


@shared_task
def sweep_visits() -> int:
    from aftersales.contracts.services.visits import run_visit_sweep

    return run_visit_sweep()
