"""Test helpers for the apps that record activity."""

from django.db import models

from aftersales.history.models import Activity
from aftersales.history.selectors import activity_for


def only_activity(target: models.Model, *, type: str | None = None) -> Activity:  # noqa: A002
    """The one activity of ``target`` (of ``type`` when given); fails if there is none or several."""
    rows = list(activity_for(target))
    if type is not None:
        rows = [row for row in rows if row.type == type]
    if len(rows) != 1:
        raise AssertionError(f"expected one activity of {target!r}, found {[row.type for row in rows]}")
    return rows[0]


def old_new(activity: Activity) -> dict[str, tuple]:
    """``{field: (old, new)}`` as stored."""
    return {field: (pair["old"], pair["new"]) for field, pair in activity.changes.items()}
