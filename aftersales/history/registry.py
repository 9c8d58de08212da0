"""What the history app knows about the records above it, registered by their apps in ``ready()``.

history sits below customers, catalog, installed_base, calendars and service and never imports them:
each app registers its records (an API name, the model and the visibility predicate that decides who
may read the record's history) and the words for its activity types. accounts sits below history, so
history registers accounts' records itself (see ``apps.py``).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise


@dataclass(frozen=True)
class HistoryTarget:
    """A kind of record whose history can be read: ``GET /api/v1/history/{name}/{id}``."""

    name: str
    model: type[models.Model]
    # visible_to(user) -> the records this user may see; a record outside it answers 404.
    visible_to: Callable[[Any], QuerySet]


_TARGETS: dict[str, HistoryTarget] = {}
_TYPE_LABELS: dict[str, str | Promise] = {}


def register_target(name: str, *, model: type[models.Model], visible_to: Callable[[Any], QuerySet]) -> None:
    existing = _TARGETS.get(name)
    if existing is not None and existing.model is not model:
        raise ValueError(f"history target {name!r} is registered for {existing.model.__name__} already")
    _TARGETS[name] = HistoryTarget(name=name, model=model, visible_to=visible_to)


def register_types(labels: Mapping[str, str | Promise]) -> None:
    """Words for activity types (``"customer.updated"`` → "Customer changed"), lazily translated."""
    _TYPE_LABELS.update(labels)


def target_named(name: str) -> HistoryTarget | None:
    return _TARGETS.get(name)


def target_for_model(model: type[models.Model]) -> HistoryTarget | None:
    for target in _TARGETS.values():
        if target.model is model:
            return target
    return None


def target_names() -> list[str]:
    return sorted(_TARGETS)


def type_label(type_: str) -> str:
    label = _TYPE_LABELS.get(type_)
    return str(label) if label is not None else type_
