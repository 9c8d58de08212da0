"""Writes of the exchange app: start a background import job.

Kept apart from ``jobs`` (the job's state and the worker side) so that the modules run one way:
views → services → tasks → jobs → importers.
"""

import uuid
from pathlib import PurePosixPath
from typing import IO, Any

from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.celery import app
from aftersales.core.broker import publish
from aftersales.core.errors import PermissionDeniedError
from aftersales.core.registry import allows, import_kinds
from aftersales.exchange import jobs
from aftersales.exchange.tasks import run_import_task


def start_import_job(*, kind: str, mode: str, file: IO[bytes] | Any, by: User, **extra: Any) -> str:
    """Store the upload, record the job as queued and enqueue the task; return the job id.

    Without a broker (``CELERY_TASK_ALWAYS_EAGER``) the task runs here, so the job is finished when
    this returns. With a broker that is down the job is recorded ``failed`` (``import_not_started``)
    and its upload deleted, within the publish timeout (``core.broker``). ``extra`` is kept in the
    entry for the screen (e.g. ``changed=True``). Each row is
    written through the owning app's services, which check the caller's scope row by row."""
    entry = import_kinds.get(kind)
    if entry is None or not allows(entry.permission, by):
        raise PermissionDeniedError("forbidden", _("Your role may not import data."))
    if mode not in jobs.MODES:
        raise ValueError(f"unknown import mode {mode!r}")
    job_id = str(uuid.uuid4())
    filename = get_valid_filename(PurePosixPath(str(getattr(file, "name", "") or "")).name or "upload")
    file.seek(0)
    name = default_storage.save(f"imports/{job_id}/{filename[:100]}", file)
    jobs.update_import_job(
        job_id, user_id=by.pk, kind=kind, mode=mode, state=jobs.QUEUED, done=0, total=0, result=None, **extra
    )
    arguments = {"job_id": job_id, "kind": kind, "path_or_storage_name": name, "user_id": by.pk, "mode": mode}
    if app.conf.task_always_eager:
        run_import_task.delay(**arguments)
    elif not publish(run_import_task.name, kwargs=arguments):
        jobs.fail_unstarted_job(job_id=job_id, name=name)
    return job_id
