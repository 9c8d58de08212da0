"""Thin Celery tasks: plain values in, one call out."""

from celery import shared_task
from django.conf import settings
from django.utils import translation

from aftersales.accounts.models import User
from aftersales.exchange.jobs import run_import_job, sweep_stale_uploads


# Acknowledged when it ends, not when a worker takes it: a worker killed mid-import has the task
# redelivered (at once when its pool sees the child die, else after the broker's visibility timeout);
# run_import_job is safe to run again for the same job.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_import_task(*, job_id: str, kind: str, path_or_storage_name: str, user_id: int, mode: str = "preview") -> None:
    """Check (``mode="preview"``) or import (``"import"``) an upload stored by
    ``services.start_import_job``, reporting progress in the cache; messages in the user's language."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    language = (user.language if user else "") or settings.LANGUAGE_CODE
    with translation.override(language):
        run_import_job(job_id=job_id, kind=kind, name=path_or_storage_name, by=user, mode=mode)


@shared_task(ignore_result=True)
def sweep_import_uploads() -> int:
    """Delete uploads whose import never ran or never finished (hourly, beat)."""
    return sweep_stale_uploads()
