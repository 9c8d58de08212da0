"""Large imports run as background jobs so the screen can show a live row count.

A job is an upload saved to the default storage under ``imports/<job_id>/`` and a cache entry
under the job id: ``{"user_id", "kind", "mode", "state", "done", "total", "result", ...}``. The
console writes the entry and enqueues ``tasks.run_import_task`` (``services.start_import_job``); the
task runs ``run_import_job``, which calls the importer with a progress hook that updates
``done``/``total``, stores the final preview or result, and deletes the upload. Nothing is written to
the database besides what the import itself writes and, for an import, a marker row in the same
transaction (so a redelivered task never imports twice); the entry expires after ``JOB_TTL``. Only
the user who started a job may read it (``import_job_for``).

The upload holds customers' names and mobiles, so it never outlives its job: it is deleted when the
job finishes or fails, when the job could not be started, and by ``sweep_stale_uploads`` (hourly,
beat) when its job never ran or its worker died for good.
"""

import datetime
import hashlib
import os
from pathlib import PurePosixPath
from typing import IO, Any

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import DomainError, PermissionDeniedError
from aftersales.core.models import IdempotencyKey
from aftersales.exchange import importers
from aftersales.exchange.readers import MAX_BYTES

JOB_TTL = 60 * 60  # seconds an entry lives after its last update
# An upload older than this belongs to a job that will not run any more: the broker redelivers a task
# whose worker died after its visibility timeout (1 h, settings CELERY_BROKER_TRANSPORT_OPTIONS).
STALE_UPLOAD_SECONDS = 2 * 60 * 60
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
MODES = ("preview", "import")


def job_key(job_id: str) -> str:
    return f"exchange:import-job:{job_id}"


def file_digest(file: IO[bytes] | Any) -> str:
    """The SHA-256 of an upload (up to the size limit); the file is left at its start."""
    file.seek(0)
    digest = hashlib.sha256(file.read(MAX_BYTES + 1)).hexdigest()
    file.seek(0)
    return digest


def update_import_job(job_id: str, **fields: Any) -> None:
    """Merge ``fields`` into the job's entry. Only the running task writes once the job is queued."""
    key = job_key(job_id)
    entry = cache.get(key) or {}
    entry.update(fields)
    cache.set(key, entry, JOB_TTL)


def import_job_for(*, job_id: str, user: User) -> dict[str, Any] | None:
    """The job's entry if ``user`` started it; ``None`` for anyone else, an unknown or expired job."""
    entry = cache.get(job_key(str(job_id)))
    if not entry or entry.get("user_id") != user.pk:
        return None
    return dict(entry)


def _error(exc: DomainError) -> dict[str, Any]:
    return {"code": exc.code, "detail": exc.detail, "field": exc.field}


def _marker_key(job_id: str) -> str:
    return f"import-job:{job_id}"


def _failure(code: str, detail: str) -> dict[str, Any]:
    return {"error": {"code": code, "detail": detail, "field": None}}


def run_import_job(*, job_id: str, kind: str, name: str, by: User | None, mode: str) -> None:
    """Run the stored upload through ``preview_import`` or ``run_import`` with a progress hook, and
    record the outcome: ``done`` with ``{"preview": …}`` or ``{"imported": …}``; ``failed`` with
    ``{"error": …}`` (and the ``preview`` when rows had errors). The upload is deleted either way.

    Safe to run again for the same job (the task is acknowledged only when it ends, so a worker that
    dies has it redelivered): a finished job is left as it is; an import that committed, found by its
    marker row, is recorded ``done`` from the marker instead of importing the rows again."""
    state = (cache.get(job_key(job_id)) or {}).get("state")
    if state in (DONE, FAILED):
        _delete_upload(name)
        return
    if by is not None and mode == "import":
        marker = IdempotencyKey.objects.filter(user=by, key=_marker_key(job_id)).first()
        if marker is not None:
            update_import_job(job_id, state=DONE, result=marker.body)
            _delete_upload(name)
            return
    if not default_storage.exists(name):  # swept: the job waited too long
        update_import_job(job_id, state=FAILED, result=abandoned())
        return
    started: dict[str, Any] = {"kind": kind, "mode": mode, "state": RUNNING}
    if by is not None:
        started["user_id"] = by.pk
    update_import_job(job_id, **started)

    def progress(done: int, total: int) -> None:
        update_import_job(job_id, done=done, total=total)

    digest = ""
    try:
        if by is None:
            raise PermissionDeniedError("forbidden", _("You may not import customers or units."))
        with default_storage.open(name, "rb") as file:
            file.name = PurePosixPath(name).name  # the audit log names the user's file, not the folder
            digest = file_digest(file)
            if mode == "preview":
                preview = importers.preview_import(kind=kind, file=file, by=by, progress=progress)
                result: dict[str, Any] = {"preview": preview.as_dict()}
            else:
                with transaction.atomic():
                    imported = importers.run_import(kind=kind, file=file, by=by, progress=progress)
                    result = {"imported": {"kind": imported.kind, "created": imported.created, "ids": imported.ids}}
                    IdempotencyKey.objects.create(
                        user=by, key=_marker_key(job_id), method="TASK", path=name[:255], status_code=201, body=result
                    )
        update_import_job(job_id, state=DONE, digest=digest, result=result)
    except importers.ImportRejected as exc:
        update_import_job(
            job_id, state=FAILED, digest=digest, result={"error": _error(exc), "preview": exc.preview.as_dict()}
        )
    except DomainError as exc:
        update_import_job(job_id, state=FAILED, digest=digest, result={"error": _error(exc)})
    except Exception:
        detail = _("The import stopped on an unexpected error; nothing was imported.")
        update_import_job(job_id, state=FAILED, result={"error": {"code": "internal_error", "detail": detail}})
        raise
    finally:
        _delete_upload(name)


def abandoned() -> dict[str, Any]:
    return _failure(
        "import_abandoned", _("The import did not run in time and its file was deleted; nothing was imported.")
    )


def fail_unstarted_job(*, job_id: str, name: str) -> None:
    """The task could not be handed to a worker (the broker is down): say so and delete the upload."""
    detail = _(
        "The import could not be started: the background service is not reachable. Nothing was imported; try again in a few minutes."
    )
    update_import_job(job_id, state=FAILED, result=_failure("import_not_started", detail))
    _delete_upload(name)


def sweep_stale_uploads(*, now: datetime.datetime | None = None) -> int:
    """Delete the uploads older than ``STALE_UPLOAD_SECONDS`` (their jobs never ran, or their worker died
    for good) and record those jobs ``failed``; return how many uploads went."""
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=STALE_UPLOAD_SECONDS)
    try:
        folders, _files = default_storage.listdir("imports")
    except FileNotFoundError:
        return 0
    removed = 0
    for job_id in folders:
        _subfolders, files = default_storage.listdir(f"imports/{job_id}")
        for filename in files:
            name = f"imports/{job_id}/{filename}"
            if default_storage.get_modified_time(name) >= cutoff:
                continue
            if (cache.get(job_key(job_id)) or {}).get("state") in (QUEUED, RUNNING):
                update_import_job(job_id, state=FAILED, result=abandoned())
            _delete_upload(name)
            removed += 1
    return removed


def _delete_upload(name: str) -> None:
    default_storage.delete(name)
    try:  # a file system leaves the empty imports/<job_id>/ folder behind; object stores have none
        os.rmdir(default_storage.path(str(PurePosixPath(name).parent)))
    except (NotImplementedError, OSError):
        pass
