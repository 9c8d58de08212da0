"""Thin Celery tasks: beat runs them in production (CELERY_BEAT_SCHEDULE); the embedded setup's relay
loop runs the same services through the periodic-jobs registry."""

from celery import shared_task


@shared_task(name="aftersales.devices.tasks.sweep_links")
def sweep_links() -> None:
    from aftersales.devices.services.link import sweep_links as sweep

    sweep()


@shared_task(name="aftersales.devices.tasks.maintain_partitions")
def maintain_partitions() -> None:
    from aftersales.devices.partitions import maintain_partitions as maintain

    maintain()
