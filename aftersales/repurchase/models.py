"""Sales with a repurchase clause and their journal (domain.md §2, 篇二).

A contract keeps the inputs of the classification and the classification itself (re-derived from the
inputs until the first entry is posted, fixed after). Its journal is append-only: an entry and its
lines are written once, never updated or deleted; a correction is a reversing entry.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStampedModel
from aftersales.repurchase.choices import Account, Classification, Event, Holder, Side, Status

MONEY = {"max_digits": 14, "decimal_places": 2}


class RepurchaseContract(TimeStampedModel):
    """A sale (the contract with the customer, the units sold) carrying a repurchase clause."""

    number = models.CharField(_("contract number"), max_length=40, unique=True)
    service_center = models.ForeignKey(
        "accounts.ServiceCenter", verbose_name=_("service centre"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    units = models.ManyToManyField("installed_base.Unit", verbose_name=_("units sold"), blank=True, related_name="+")
    asset = models.CharField(_("asset sold"), max_length=200)
    sale_date = models.DateField(_("date of sale"))
    price = models.DecimalField(_("selling price"), **MONEY)
    cost = models.DecimalField(_("cost of the asset"), null=True, blank=True, **MONEY)
    holder = models.CharField(_("repurchase clause"), max_length=20, choices=Holder.choices)
    repurchase_price = models.DecimalField(_("repurchase price"), **MONEY)
    deadline = models.DateField(_("repurchase on or before"))
    market_value = models.DecimalField(
        _("expected market value at the repurchase date"), null=True, blank=True, **MONEY
    )
    incentive = models.BooleanField(_("customer has a significant economic incentive"), null=True, blank=True)
    incentive_reason = models.TextField(_("why (the incentive)"), blank=True, default="", max_length=1000)
    classification = models.CharField(_("classification"), max_length=20, choices=Classification.choices)
    rule = models.CharField(_("rule applied"), max_length=40)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    settled_on = models.DateField(_("bought back or lapsed on"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("deadline reminder sent"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("sale with a repurchase clause")
        indexes = [models.Index(fields=["deadline", "id"], name="repurchase_deadline_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="repurchase_price_positive"),
            models.CheckConstraint(condition=Q(repurchase_price__gt=0), name="repurchase_rp_positive"),
            models.CheckConstraint(condition=Q(cost__isnull=True) | Q(cost__gt=0), name="repurchase_cost_positive"),
            models.CheckConstraint(
                condition=Q(market_value__isnull=True) | Q(market_value__gt=0), name="repurchase_market_positive"
            ),
            models.CheckConstraint(condition=Q(deadline__gte=models.F("sale_date")), name="repurchase_deadline_after"),
            models.CheckConstraint(condition=Q(holder__in=Holder.values), name="repurchase_holder_valid"),
            models.CheckConstraint(
                condition=Q(classification__in=Classification.values), name="repurchase_classification_valid"
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="repurchase_status_valid"),
        ]

    def __str__(self) -> str:
        return self.number


class JournalEntry(TimeStampedModel):
    """One balanced entry (会计分录) of a contract, numbered within it; ``reverses`` names the entry a
    reversal cancels."""

    contract = models.ForeignKey(RepurchaseContract, on_delete=models.PROTECT, related_name="entries")
    seq = models.PositiveIntegerField(_("entry"))
    event = models.CharField(_("event"), max_length=12, choices=Event.choices)
    posted_on = models.DateField(_("date"))
    memo = models.CharField(_("memo"), max_length=200, blank=True, default="")
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["contract_id", "seq"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        constraints = [
            models.UniqueConstraint(fields=["contract", "seq"], name="repurchase_entry_seq_unique"),
            models.CheckConstraint(condition=Q(event__in=Event.values), name="repurchase_entry_event_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number}-{self.seq:02d}"


class EntryLine(models.Model):
    """A debit or a credit of one account in an entry; amounts are positive CNY to the fen."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    account = models.CharField(_("account"), max_length=20, choices=Account.choices)
    side = models.CharField(_("side"), max_length=6, choices=Side.choices)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        ordering = ["entry_id", "position"]
        verbose_name = _("entry line")
        constraints = [
            models.UniqueConstraint(fields=["entry", "position"], name="repurchase_line_position_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="repurchase_line_amount_positive"),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="repurchase_line_side_valid"),
            models.CheckConstraint(condition=Q(account__in=Account.values), name="repurchase_line_account_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()} {self.get_account_display()} {self.amount}"
