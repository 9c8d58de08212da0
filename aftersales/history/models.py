"""One activity row for every change of a business record other than a service order (STYLE §20)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Activity(models.Model):
    """Who changed which record, when, why and from what to what.

    The target is any model (content type + id, no foreign key: the row outlives a deleted record).
    ``actor_label`` keeps the name shown at the time, so a deleted user or the system still reads.
    ``data["changes"]`` maps each changed field to ``{"old": …, "new": …}``.
    """

    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    type = models.CharField(_("type"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=150, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["target_type", "target_id", "-id"], name="history_activity_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.type} {self.target_type_id}:{self.target_id}"

    @property
    def changes(self) -> dict:
        return self.data.get("changes", {})
