"""Large imports run as background jobs so the screen can show a live row count.

A job is an upload saved to the default storage under ``imports/<job_id>/`` and a cache entry
under the job id: ``{"user_id", "kind", "mode", "state", "done", "total", "result", ...}``. The
console writes the entry and enqueues ``tasks.run_import_task`` (``services.start_import_job``); the
task runs ``run_import_job``, which calls the importer with a progress hook that updates
``done``/``total``, stores the final preview or result, and deletes the upload. Nothing is written to the database besides what the import itself writes; the entry expires
after ``JOB_TTL``. Only the user who started a job may read it (``import_job_for``).
"""

import hashlib
import os
from pathlib import PurePosixPath
from typing import IO, Any

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import DomainError, PermissionDeniedError
from aftersales.exchange import importers
from aftersales.exchange.readers import MAX_BYTES

JOB_TTL = 60 * 60  # seconds an entry lives after its last update
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


def run_import_job(*, job_id: str, kind: str, name: str, by: User | None, mode: str) -> None:
    """Run the stored upload through ``preview_import`` or ``run_import`` with a progress hook, and
    record the outcome: ``done`` with ``{"preview": …}`` or ``{"imported": …}``; ``failed`` with
    ``{"error": …}`` (and the ``preview`` when rows had errors). The upload is deleted either way."""
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
                imported = importers.run_import(kind=kind, file=file, by=by, progress=progress)
                result = {"imported": {"kind": imported.kind, "created": imported.created, "ids": imported.ids}}
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


def _delete_upload(name: str) -> None:
    default_storage.delete(name)
    try:  # a file system leaves the empty imports/<job_id>/ folder behind; object stores have none
        os.rmdir(default_storage.path(str(PurePosixPath(name).parent)))
    except (NotImplementedError, OSError):
        pass
