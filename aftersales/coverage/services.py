"""Writes on the coverage data. Each change leaves a history row (``history.record_activity``) in the
same transaction, and a change of a serial-date rule forgets the cached rules."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.catalog.models import ProductModel
from aftersales.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from aftersales.core.validation import field_max_length, require_choice, require_text
from aftersales.coverage.choices import DATE_FORMAT_DIGITS, SerialDateFormat
from aftersales.coverage.models import MAX_GRACE_MONTHS, SERIAL_MAX_LENGTH, LifetimeItem, SerialDateRule
from aftersales.coverage.permissions import can_edit_coverage_rules
from aftersales.coverage.rules import forget_serial_rules
from aftersales.history.services import changed, record_activity, snapshot

RULE_FIELDS = ("product_model", "serial_prefix", "date_position", "date_format", "grace_months", "is_active", "note")
ITEM_FIELDS = ("product_model", "code", "name", "is_active", "note")


def _require_editor(by: User) -> None:
    if not can_edit_coverage_rules(by):
        raise PermissionDeniedError("forbidden", _("Only service managers and admins may change the coverage rules."))


def _clean_rule(
    *,
    product_model: ProductModel | None,
    serial_prefix: str,
    date_position: int,
    date_format: str,
    grace_months: int,
    note: str,
) -> dict[str, Any]:
    prefix = require_text(
        serial_prefix,
        field="serial_prefix",
        max_length=field_max_length(SerialDateRule, "serial_prefix"),
        required=False,
    ).upper()
    if product_model is None and not prefix:
        raise ValidationFailed(
            "scope_required", _("Name a product model, a serial prefix or both."), field="serial_prefix"
        )
    require_choice(date_format, field="date_format", choices=SerialDateFormat)
    digits = DATE_FORMAT_DIGITS[SerialDateFormat(date_format)]
    if not 1 <= date_position <= SERIAL_MAX_LENGTH - digits + 1:
        raise ValidationFailed(
            "out_of_range",
            _("The date starts at a position from 1 to %(max)d.") % {"max": SERIAL_MAX_LENGTH - digits + 1},
            field="date_position",
        )
    if not 0 <= grace_months <= MAX_GRACE_MONTHS:
        raise ValidationFailed(
            "out_of_range",
            _("Grace months must be between 0 and %(max)d.") % {"max": MAX_GRACE_MONTHS},
            field="grace_months",
        )
    return {
        "product_model": product_model,
        "serial_prefix": prefix,
        "date_position": date_position,
        "date_format": date_format,
        "grace_months": grace_months,
        "note": require_text(note, field="note", max_length=200, required=False),
    }


def _duplicate_rule() -> ConflictError:
    return ConflictError(
        "duplicate_rule", _("A rule for this product model and serial prefix exists."), field="serial_prefix"
    )


def _rule_exists(fields: dict[str, Any], *, exclude: int | None = None) -> bool:
    qs = SerialDateRule.objects.filter(product_model=fields["product_model"], serial_prefix=fields["serial_prefix"])
    return qs.exclude(pk=exclude).exists() if exclude else qs.exists()


@transaction.atomic
def create_serial_date_rule(
    *,
    by: User,
    date_position: int,
    date_format: str,
    product_model: ProductModel | None = None,
    serial_prefix: str = "",
    grace_months: int = 0,
    is_active: bool = True,
    note: str = "",
) -> SerialDateRule:
    """Add a rule to read the production date from serial numbers (domain.md Warranty §6 1.1.1.3)."""
    _require_editor(by)
    fields = _clean_rule(
        product_model=product_model,
        serial_prefix=serial_prefix,
        date_position=date_position,
        date_format=date_format,
        grace_months=grace_months,
        note=note,
    )
    fields["is_active"] = bool(is_active)
    if _rule_exists(fields):
        raise _duplicate_rule()
    try:
        with transaction.atomic():
            rule = SerialDateRule.objects.create(**fields)
    except IntegrityError as exc:  # a concurrent create of the same scope
        raise _duplicate_rule() from exc
    record_activity(
        target=rule, type="serial_date_rule.created", by=by, changes={k: (None, getattr(rule, k)) for k in RULE_FIELDS}
    )
    forget_serial_rules()
    return rule


@transaction.atomic
def update_serial_date_rule(
    *,
    by: User,
    rule: SerialDateRule,
    date_position: int,
    date_format: str,
    product_model: ProductModel | None = None,
    serial_prefix: str = "",
    grace_months: int = 0,
    is_active: bool = True,
    note: str = "",
) -> SerialDateRule:
    """Change a rule, or switch it off (``is_active``). Decisions already recorded on orders stay."""
    _require_editor(by)
    rule = SerialDateRule.objects.select_for_update().get(pk=rule.pk)
    fields = _clean_rule(
        product_model=product_model,
        serial_prefix=serial_prefix,
        date_position=date_position,
        date_format=date_format,
        grace_months=grace_months,
        note=note,
    )
    fields["is_active"] = bool(is_active)
    if _rule_exists(fields, exclude=rule.pk):
        raise _duplicate_rule()
    diff = changed(snapshot(rule, RULE_FIELDS), fields)
    if not diff:
        return rule
    for key, value in fields.items():
        setattr(rule, key, value)
    rule.save()
    record_activity(target=rule, type="serial_date_rule.updated", by=by, changes=diff)
    forget_serial_rules()
    return rule


def _clean_item(*, code: str, name: str, note: str) -> dict[str, Any]:
    return {
        "code": require_text(code, field="code", max_length=field_max_length(LifetimeItem, "code")).upper(),
        "name": require_text(name, field="name", max_length=field_max_length(LifetimeItem, "name")),
        "note": require_text(note, field="note", max_length=200, required=False),
    }


def _duplicate_item() -> ConflictError:
    return ConflictError("duplicate_item", _("This item is listed for the product model already."), field="code")


@transaction.atomic
def create_lifetime_item(
    *, by: User, product_model: ProductModel, code: str, name: str, is_active: bool = True, note: str = ""
) -> LifetimeItem:
    """List a part of a product model as replaced free of charge for life (domain.md Warranty §1)."""
    _require_editor(by)
    fields = {
        "product_model": product_model,
        **_clean_item(code=code, name=name, note=note),
        "is_active": bool(is_active),
    }
    if LifetimeItem.objects.filter(product_model=product_model, code=fields["code"]).exists():
        raise _duplicate_item()
    try:
        with transaction.atomic():
            item = LifetimeItem.objects.create(**fields)
    except IntegrityError as exc:
        raise _duplicate_item() from exc
    record_activity(
        target=item, type="lifetime_item.created", by=by, changes={k: (None, getattr(item, k)) for k in ITEM_FIELDS}
    )
    return item


@transaction.atomic
def update_lifetime_item(
    *,
    by: User,
    item: LifetimeItem,
    product_model: ProductModel,
    code: str,
    name: str,
    is_active: bool = True,
    note: str = "",
) -> LifetimeItem:
    """Change a listed item, or take it off the list (``is_active``) for decisions made afterwards."""
    _require_editor(by)
    item = LifetimeItem.objects.select_for_update().get(pk=item.pk)
    fields = {
        "product_model": product_model,
        **_clean_item(code=code, name=name, note=note),
        "is_active": bool(is_active),
    }
    duplicate = LifetimeItem.objects.filter(product_model=product_model, code=fields["code"]).exclude(pk=item.pk)
    if duplicate.exists():
        raise _duplicate_item()
    diff = changed(snapshot(item, ITEM_FIELDS), fields)
    if not diff:
        return item
    for key, value in fields.items():
        setattr(item, key, value)
    item.save()
    record_activity(target=item, type="lifetime_item.updated", by=by, changes=diff)
    return item
