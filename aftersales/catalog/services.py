"""Writes on product models."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.catalog.models import ProductModel
from aftersales.catalog.permissions import can_edit_catalog
from aftersales.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from aftersales.core.models import AuditLog
from aftersales.core.validation import field_max_length, require_text
from aftersales.history.services import changed, created_values, record_activity

PRODUCT_MODEL_FIELDS = ("code", "name", "category", "warranty_months", "warranty_terms")


@transaction.atomic
def create_product_model(
    *,
    by: User,
    code: str,
    name: str,
    category: str,
    warranty_months: int = 12,
    warranty_terms: str = "",
    active: bool = True,
) -> ProductModel:
    """Add a product model. Its warranty period (months from the purchase date) decides coverage;
    only an active model is offered for new units."""
    if not can_edit_catalog(by):
        raise PermissionDeniedError("forbidden", _("Only service managers and admins may edit product models."))
    clean_code = require_text(code, field="code", max_length=field_max_length(ProductModel, "code"))
    if not 0 <= warranty_months <= 240:
        raise ValidationFailed("out_of_range", _("Warranty months must be between 0 and 240."), field="warranty_months")
    if ProductModel.objects.filter(code=clean_code).exists():
        raise ConflictError("duplicate_code", _("A product model with this code exists."), field="code")
    product_model = ProductModel.objects.create(
        code=clean_code,
        name=require_text(name, field="name", max_length=field_max_length(ProductModel, "name")),
        category=require_text(category, field="category", max_length=field_max_length(ProductModel, "category")),
        warranty_months=warranty_months,
        warranty_terms=require_text(
            warranty_terms,
            field="warranty_terms",
            max_length=field_max_length(ProductModel, "warranty_terms"),
            required=False,
        ),
        active=active,
    )
    record_activity(
        target=product_model,
        type="product_model.created",
        by=by,
        # Active is the default, worth a line only when the model is added retired.
        changes=created_values(product_model, PRODUCT_MODEL_FIELDS if active else (*PRODUCT_MODEL_FIELDS, "active")),
    )
    return product_model


@transaction.atomic
def update_product_model(
    *,
    product_model: ProductModel,
    by: User,
    code: str | None = None,
    name: str | None = None,
    category: str | None = None,
    warranty_months: int | None = None,
    warranty_terms: str | None = None,
    active: bool | None = None,
) -> ProductModel:
    """Edit a product model; a field left ``None`` keeps its value. A new warranty period applies to
    warranty decisions made afterwards; decisions already recorded on orders keep the period they were
    made with. ``active=False`` retires the model: it is no longer offered for new units
    (``installed_base.services.clean_unit``), while its units and their orders, coverage and reports
    stay as they are; ``active=True`` offers it again."""
    if not can_edit_catalog(by):
        raise PermissionDeniedError("forbidden", _("Only service managers and admins may edit product models."))
    product_model = ProductModel.objects.select_for_update().get(pk=product_model.pk)
    clean_code = product_model.code
    if code is not None:
        clean_code = require_text(code, field="code", max_length=field_max_length(ProductModel, "code"))
    if warranty_months is not None and not 0 <= warranty_months <= 240:
        raise ValidationFailed("out_of_range", _("Warranty months must be between 0 and 240."), field="warranty_months")
    if ProductModel.objects.filter(code=clean_code).exclude(pk=product_model.pk).exists():
        raise ConflictError("duplicate_code", _("A product model with this code exists."), field="code")
    fields: dict[str, Any] = {"code": clean_code}
    if name is not None:
        fields["name"] = require_text(name, field="name", max_length=field_max_length(ProductModel, "name"))
    if category is not None:
        fields["category"] = require_text(
            category, field="category", max_length=field_max_length(ProductModel, "category")
        )
    if warranty_months is not None:
        fields["warranty_months"] = warranty_months
    if warranty_terms is not None:
        fields["warranty_terms"] = require_text(
            warranty_terms,
            field="warranty_terms",
            max_length=field_max_length(ProductModel, "warranty_terms"),
            required=False,
        )
    if active is not None:
        fields["active"] = active
    previous = {key: getattr(product_model, key) for key in fields}
    for key, value in fields.items():
        setattr(product_model, key, value)
    product_model.save(update_fields=[*fields, "updated_at"])
    AuditLog.objects.create(
        user=by,
        action="catalog.update_product_model",
        detail={"product_model": product_model.pk, "previous": previous, "new": fields},
        target=product_model,
    )
    changes = changed(previous, fields)
    if changes:
        record_activity(target=product_model, type="product_model.updated", by=by, changes=changes)
    return product_model
