"""Base models shared by every context, and the API's idempotency records. No business rules."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ComputedAmountField(models.DecimalField):
    """The ``output_field`` of an amount the database computes (a sum, a difference), read back to the
    fen. SQLite computes it as a float and Django rounds only plain columns back to their places: a part
    payment of 0.10 left ``"outstanding": "112.900000000000000"``, a supplier's recovery ``"130.5"``
    (found by hand, 2026-12-06)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: Decimal | None, expression: object, connection: object) -> Decimal | None:
        if value is None:
            return None
        return Decimal(value).quantize(Decimal(1).scaleb(-self.decimal_places), rounding=ROUND_HALF_UP)


class TimeStampedModel(models.Model):
    """Adds ``created_at`` and ``updated_at`` to every business record."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class IdempotencyKey(models.Model):
    """The answer given to a ``POST`` with an ``Idempotency-Key`` header, replayed for the same key and
    request (``core.idempotency``); pruned after ``AFTERSALES["IDEMPOTENCY_KEEP_HOURS"]``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=128)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=255)
    # SHA-256 of method, path and body: the same key with another request is refused, not replayed.
    request_hash = models.CharField(max_length=64, default="")
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_user_key_uniq")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


class DailyCounter(models.Model):
    """One row per (prefix, day): hands out readable numbers such as ``SO2026112700001``."""

    prefix = models.CharField(max_length=8)
    day = models.DateField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="core_counter_prefix_day_uniq")]

    def __str__(self) -> str:
        return f"{self.prefix}{self.day:%Y%m%d}={self.value}"


class AuditLog(models.Model):
    """A sensitive read (e.g. a bulk export with phone numbers) or a settings write: who, when, what,
    and on which record when there is one (content type + id; no foreign key, the row outlives it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=64)
    detail = models.JSONField(default=dict)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["target_type", "target_id"], name="core_auditlog_target_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user_id} {self.action}"
