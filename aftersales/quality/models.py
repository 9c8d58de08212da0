"""Quality cases: repeat failures and failure groups sent to design (domain.md Quality feedback §13 3.7).

A case names what failed (product model, and a part or a fault code where one stands out), carries its
evidence (the orders, whose photos and parts the case page shows) and follows the design change to its
release. The state moves only through ``services.transition_case``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import ServiceCenter
from aftersales.catalog.models import ProductModel
from aftersales.core.models import TimeStampedModel
from aftersales.parts.models import Part
from aftersales.quality.choices import CaseSource, CaseStatus
from aftersales.service.models import ServiceOrder


class QualityCase(TimeStampedModel):
    """A failure sent to design for analysis and change (送设计分析改进)."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    source = models.CharField(_("source"), max_length=10, choices=CaseSource.choices)
    product_model = models.ForeignKey(
        ProductModel, verbose_name=_("product model"), on_delete=models.PROTECT, related_name="quality_cases"
    )
    part = models.ForeignKey(
        Part, verbose_name=_("part"), null=True, blank=True, on_delete=models.PROTECT, related_name="quality_cases"
    )
    fault_code = models.CharField(_("fault code"), max_length=32, blank=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    # The centre of whoever sent it; blank when sent by someone who sees every centre (company-wide).
    service_center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("service centre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quality_cases",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_quality_cases",
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    design_change_ref = models.CharField(_("design change reference"), max_length=100, blank=True)
    decision = models.TextField(_("decision"), max_length=5000, blank=True)
    analysis_started_at = models.DateTimeField(_("analysis started"), null=True, blank=True)
    decided_at = models.DateTimeField(_("change decided"), null=True, blank=True)
    released_at = models.DateTimeField(_("change released"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    orders = models.ManyToManyField(
        ServiceOrder, verbose_name=_("orders"), through="CaseOrder", related_name="quality_cases"
    )

    class Meta:
        verbose_name = _("quality case")
        verbose_name_plural = _("quality cases")
        indexes = [models.Index(fields=["status", "-id"], name="quality_case_status_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=CaseStatus.values), name="quality_case_status_valid"),
            models.CheckConstraint(condition=models.Q(source__in=CaseSource.values), name="quality_case_source_valid"),
            models.CheckConstraint(
                condition=~models.Q(status__in=[CaseStatus.DECIDED, CaseStatus.RELEASED, CaseStatus.CLOSED])
                | ~models.Q(design_change_ref=""),
                name="quality_case_change_ref_after_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_active(self) -> bool:
        return self.status not in (CaseStatus.CLOSED, CaseStatus.REJECTED)


class CaseOrder(models.Model):
    """One order in a case's evidence."""

    case = models.ForeignKey(QualityCase, on_delete=models.CASCADE, related_name="evidence")
    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "order"], name="quality_case_order_unique")]
        indexes = [models.Index(fields=["order"], name="quality_case_order_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} ← {self.order_id}"


class CaseComment(models.Model):
    """A remark on a case (analysis notes, the designers' answer); kept, never edited."""

    case = models.ForeignKey(QualityCase, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.text[:40]}"
