"""How an activity reads on a screen and in the API: the type in words, each change with its field's name."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from aftersales.history.models import Activity
from aftersales.history.registry import type_label


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: Any
    new: Any
    old_display: str
    new_display: str


@dataclass(frozen=True)
class ActivityView:
    activity: Activity
    label: str
    actor: str
    changes: list[Change] = field(default_factory=list)
    source: str = ""
    subject: str = ""  # names the record where a list mixes several (the calendar's days)


def _field_and_label(model: Any, name: str) -> tuple[Any, str]:
    if model is None:
        return None, name
    if "." in name:  # a field of a related record kept in this one's history: "contacts.mobile"
        relation, rest = name.split(".", 1)
        try:
            related = model._meta.get_field(relation).related_model
        except FieldDoesNotExist:
            related = None
        if related is not None:
            model_field, label = _field_and_label(related, rest)
            return model_field, f"{related._meta.verbose_name} · {label}"
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None, name.replace("_", " ")
    if model_field.auto_created and not model_field.concrete:  # a reverse relation: the related model's name
        return model_field, str(model_field.related_model._meta.verbose_name_plural)
    return model_field, str(getattr(model_field, "verbose_name", name))


def display_value(value: Any, model_field: Any = None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict) and "label" in value:
        return str(value["label"])
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    choices = getattr(model_field, "flatchoices", None)
    if choices:
        for key, text in choices:
            if key == value:
                return str(text)
    if isinstance(value, list):
        return ", ".join(display_value(v) for v in value)
    return str(value)


def actor_display(activity: Activity) -> str:
    return activity.actor_label or _("System")


def describe(activity: Activity) -> ActivityView:
    """Words for one activity; the model is found through the content-type cache (no query per row)."""
    model = ContentType.objects.get_for_id(activity.target_type_id).model_class()
    changes = []
    for name, pair in (activity.data.get("changes") or {}).items():
        model_field, label = _field_and_label(model, name)
        old, new = (pair or {}).get("old"), (pair or {}).get("new")
        changes.append(
            Change(
                field=name,
                label=label,
                old=old,
                new=new,
                old_display=display_value(old, model_field),
                new_display=display_value(new, model_field),
            )
        )
    source = activity.data.get("source") or {}
    source_text = ""
    if source.get("import"):
        source_text = _("import of %(file)s") % {"file": source.get("file") or source["import"]}
    return ActivityView(
        activity=activity,
        label=type_label(activity.type),
        actor=actor_display(activity),
        changes=changes,
        source=source_text,
        subject=str(activity.data.get("subject") or activity.data.get("date") or ""),
    )
