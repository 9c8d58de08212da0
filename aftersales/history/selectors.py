"""Reads of the history: a record's activity, newest first, one query per page."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

from aftersales.core.pagination import Page, keyset_page
from aftersales.history.models import Activity

ORDERING = ("-id",)  # ids grow with time and are unique: newest first, and a stable keyset


def activity_for(target: models.Model) -> QuerySet[Activity]:
    """Every activity of one record, newest first. The actor's name is on the row: no join needed."""
    return Activity.objects.filter(target_type=ContentType.objects.get_for_model(target), target_id=target.pk).order_by(
        *ORDERING
    )


def activity_page(target: models.Model, *, cursor: str | None = None, limit: int = 50) -> Page:
    """One page of ``activity_for(target)``; pass ``next_cursor`` back as ``cursor`` for the next."""
    return keyset_page(activity_for(target), ordering=ORDERING, cursor=cursor, limit=limit)


def recent_activity(
    targets: Iterable[models.Model], *, types: Iterable[str] | None = None, limit: int = 10
) -> list[Activity]:
    """The latest activity of several records together (e.g. an order's unit and customer), one query."""
    condition = Q()
    for target in targets:
        if target is not None and target.pk is not None:
            ct = ContentType.objects.get_for_model(target)
            condition |= Q(target_type=ct, target_id=target.pk)
    if not condition:
        return []
    qs = Activity.objects.filter(condition)
    if types is not None:
        qs = qs.filter(type__in=list(types))
    return list(qs.order_by(*ORDERING)[:limit])


def recent_activity_of_kinds(models_: Iterable[type[models.Model]], *, limit: int = 10) -> list[Activity]:
    """The latest activity of every record of some kinds (e.g. the whole calendar), one query."""
    types = ContentType.objects.get_for_models(*models_).values()
    return list(Activity.objects.filter(target_type__in=list(types)).order_by(*ORDERING)[:limit])
