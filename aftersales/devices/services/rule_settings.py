"""Writing the device rules (a settings screen and the API call these)."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.catalog.models import ProductModel
from aftersales.core.errors import PermissionDeniedError, ValidationFailed
from aftersales.core.validation import require_choice, require_text
from aftersales.devices.choices import Metric, RuleKind
from aftersales.devices.messages import FAULT_CODE
from aftersales.devices.models import Rule
from aftersales.devices.permissions import can_manage_rules
from aftersales.history.services import record_activity
from aftersales.service.choices import OrderKind, Priority

RULE_FIELDS = (
    "name",
    "kind",
    "fault_code",
    "metric",
    "threshold",
    "interval_hours",
    "product_model",
    "order_kind",
    "priority",
    "is_active",
)


def clean_rule(
    *,
    name: str,
    kind: str,
    fault_code: str = "",
    metric: str = "",
    threshold: Decimal | None = None,
    interval_hours: int | None = None,
    product_model: ProductModel | None = None,
    order_kind: str = OrderKind.REPAIR,
    priority: str = Priority.HIGH,
    is_active: bool = True,
) -> dict[str, Any]:
    """The rule's fields checked: each kind needs its own (a fault code or none, a reading and a
    threshold, an interval) and carries no other kind's."""
    name = require_text(name, field="name", max_length=100)
    require_choice(kind, field="kind", choices=RuleKind)
    require_choice(order_kind, field="order_kind", choices=OrderKind)
    require_choice(priority, field="priority", choices=Priority)
    if order_kind == OrderKind.CONSULTATION:
        raise ValidationFailed("invalid_choice", _("A device opens work, not a consultation."), field="order_kind")
    fault_code = (fault_code or "").strip()
    if kind == RuleKind.FAULT:
        if fault_code and not FAULT_CODE.match(fault_code):
            raise ValidationFailed(
                "invalid_fault_code", _("1-32 letters, digits, '.', '_' or '-'."), field="fault_code"
            )
        metric, threshold, interval_hours = "", None, None
    elif kind == RuleKind.THRESHOLD:
        require_choice(metric, field="metric", choices=Metric)
        if threshold is None:
            raise ValidationFailed("required", _("Give the threshold."), field="threshold")
        if not threshold.is_finite() or abs(threshold) >= Decimal("1e8"):
            raise ValidationFailed("invalid_threshold", _("The threshold is out of range."), field="threshold")
        fault_code, interval_hours = "", None
    else:
        if not interval_hours or interval_hours <= 0 or interval_hours > 100_000:
            raise ValidationFailed(
                "invalid_interval", _("The interval is 1 to 100,000 engine hours."), field="interval_hours"
            )
        fault_code, metric, threshold = "", "", None
    return {
        "name": name,
        "kind": kind,
        "fault_code": fault_code,
        "metric": metric,
        "threshold": threshold,
        "interval_hours": interval_hours,
        "product_model": product_model,
        "order_kind": order_kind,
        "priority": priority,
        "is_active": is_active,
    }


def _require(by: User) -> None:
    if not can_manage_rules(by):
        raise PermissionDeniedError("forbidden", _("Your role may not change the device rules."))


@transaction.atomic
def create_rule(*, by: User, **fields: Any) -> Rule:
    _require(by)
    rule = Rule.objects.create(**clean_rule(**fields))
    record_activity(target=rule, type="device_rule.created", by=by, data={"name": rule.name, "kind": rule.kind})
    return rule


@transaction.atomic
def update_rule(*, by: User, rule: Rule, **fields: Any) -> Rule:
    _require(by)
    values = clean_rule(**fields)
    changes = {
        key: (str(getattr(rule, key) or ""), str(value or ""))
        for key, value in values.items()
        if getattr(rule, key) != value
    }
    for key, value in values.items():
        setattr(rule, key, value)
    rule.save()
    if changes:
        record_activity(target=rule, type="device_rule.updated", by=by, changes=changes)
    return rule
