"""Scheduled e-mails of a periodic report (the only records the reports app keeps)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.models import TimeStampedModel
from aftersales.reports.periods import KINDS


class ReportSchedule(TimeStampedModel):
    """Send the ``kind`` report to ``recipients`` once each period has ended (``last_sent``: the label of
    the last period sent, so a period is never sent twice). The e-mail links to the report: each
    recipient opens it in their own scope."""

    kind = models.CharField(
        pgettext_lazy("a report schedule's field", "report"), max_length=10, choices=list(KINDS.items())
    )
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("recipients"), related_name="+")
    active = models.BooleanField(_("active"), default=True)
    last_sent = models.CharField(_("last period sent"), max_length=10, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=list(KINDS)), name="reports_schedule_kind_valid")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
