"""The one write of the history app: ``record_activity``, called by every write service in its transaction."""

import contextlib
import datetime
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils.functional import Promise

from aftersales.core.bulk import bulk_insert
from aftersales.core.renderers import local_time
from aftersales.history.models import Activity

REASON_MAX_LENGTH = 2000

# Where the writes of the current call come from (an import file, a scheduled job); set by
# ``activity_source`` and copied into every activity recorded meanwhile.
_SOURCE: ContextVar[dict[str, Any] | None] = ContextVar("history_source", default=None)


def plain(value: Any) -> Any:
    """A JSON value that reads the same after a round trip through the database."""
    if isinstance(value, models.Model):
        return {"id": value.pk, "label": str(value)}
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, datetime.datetime):
        return local_time(value).isoformat()  # as the API shows times: +08:00
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal | Promise):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose value differs, as ``{field: (old, new)}`` (compared as stored, so a model
    instance equals its copy and a date its ISO string; empty and missing are the same)."""
    return {key: (before.get(key), new) for key, new in after.items() if _stored(before.get(key)) != _stored(new)}


def _stored(value: Any) -> Any:
    return None if value == "" else plain(value)


def snapshot(obj: models.Model, fields: Iterator[str] | list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The current values of ``fields`` of ``obj`` (foreign keys as the related object)."""
    return {name: getattr(obj, name) for name in fields}


def created_values(obj: models.Model, fields: list[str] | tuple[str, ...]) -> dict[str, tuple[Any, Any]]:
    """The filled-in fields of a new record as changes from nothing: ``{field: (None, value)}``."""
    return {name: (None, value) for name, value in snapshot(obj, fields).items() if value not in (None, "")}


@contextlib.contextmanager
def activity_source(**source: Any) -> Iterator[None]:
    """Mark every activity recorded inside the block, e.g. ``activity_source(import_kind="units", file=…)``."""
    token = _SOURCE.set({**(_SOURCE.get() or {}), **plain(source)})
    try:
        yield
    finally:
        _SOURCE.reset(token)


def actor_label(by: Any) -> str:
    """The name kept on the row: a person's full name or username; empty for the system itself."""
    if by is None:
        return ""
    return str(by)[:150]


def record_activity(
    *,
    target: models.Model,
    type: str,  # noqa: A002 - the brief's name for it; an activity's type, e.g. "unit.proof_updated"
    by: Any,
    reason: str = "",
    changes: Mapping[str, tuple[Any, Any]] | None = None,
    data: Mapping[str, Any] | None = None,
) -> Activity:
    """Record that ``by`` (a user, or ``None`` for the system) changed ``target``.

    Must run inside the caller's transaction, so the row is rolled back with the change it describes
    (a call outside one is a programming error). ``changes`` is ``{field: (old, new)}``; ``data``
    holds anything else worth showing (the contact added, the file name).
    """
    return record_activities(
        targets=[target], type=type, by=by, reason=reason, changes=lambda _t: changes, data=lambda _t: data
    )[0]


def record_activities(
    *,
    targets: list[models.Model],
    type: str,  # noqa: A002 - as record_activity
    by: Any,
    reason: str = "",
    changes: Any = None,
    data: Any = None,
) -> list[Activity]:
    """``record_activity`` for many targets of one model at once (an import's batch), in one INSERT.

    ``changes(target)`` and ``data(target)`` give each row's changes and data; the same rules as
    ``record_activity`` (inside the caller's transaction, saved targets, the current source)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_activity() must run inside the write's transaction (transaction.atomic)")
    if not targets:
        return []
    if any(t.pk is None for t in targets):
        raise ValueError("record_activity() needs a saved target")
    source = _SOURCE.get()
    user = by if isinstance(by, get_user_model()) and by.pk is not None else None
    target_type = ContentType.objects.get_for_model(targets[0])
    rows = []
    for target in targets:
        payload: dict[str, Any] = plain(dict((data(target) if data else None) or {}))
        target_changes = changes(target) if changes else None
        if target_changes:
            payload["changes"] = {
                field: {"old": plain(old), "new": plain(new)} for field, (old, new) in target_changes.items()
            }
        if source:
            payload.setdefault("source", source)
        rows.append(
            Activity(
                target_type=target_type,
                target_id=target.pk,
                type=type,
                actor=user,
                actor_label=actor_label(by),
                reason=(reason or "").strip()[:REASON_MAX_LENGTH],
                data=payload,
            )
        )
    if len(rows) == 1:
        rows[0].save(force_insert=True)
        return rows
    return bulk_insert(rows)
