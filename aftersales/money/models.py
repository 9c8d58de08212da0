"""Money (domain.md Fees §6 1.5, §12): versioned prices, charge lines on an order and who bears each,
quotes the customer answers, invoices with credit notes and payments, and the append-only ledger.

Every amount is a ``Decimal`` in CNY with two places (the fen); nothing is ever a float.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.catalog.models import ProductModel
from aftersales.core.models import TimeStampedModel
from aftersales.customers.models import Customer
from aftersales.installed_base.models import Unit
from aftersales.money.choices import (
    AnswerChannel,
    Bearer,
    ChargeKind,
    ExchangeStatus,
    FactoryReturnStatus,
    InstallationMode,
    InstallationStatus,
    InvoiceStatus,
    LedgerAccount,
    LedgerKind,
    LineStatus,
    PauseReason,
    PaymentMethod,
    PriceKind,
    QuoteStatus,
)
from aftersales.parts.models import Part, StockRequest
from aftersales.service.models import ServiceOrder

ZERO = Decimal("0.00")


def money_field(label: str, **kwargs: object) -> models.DecimalField:
    return models.DecimalField(label, max_digits=14, decimal_places=2, **kwargs)  # type: ignore[arg-type]


def rate_field(label: str, **kwargs: object) -> models.DecimalField:
    return models.DecimalField(label, max_digits=5, decimal_places=2, **kwargs)  # type: ignore[arg-type]


class Price(TimeStampedModel):
    """One price of the price list from a date on (明码标价, §1). Prices are never edited: a new
    price is a new row with a later ``valid_from``, so an old quote keeps the prices it was built with."""

    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=PriceKind.choices)
    amount = money_field(_("price (CNY, before tax)"))
    unit = models.CharField(
        pgettext_lazy("unit of measure", "unit"), max_length=10, default="次", help_text=_("hour, job, km, trip ...")
    )
    standard_hours = models.DecimalField(_("standard hours"), max_digits=6, decimal_places=2, null=True, blank=True)
    tax_rate = rate_field(_("tax rate (%)"), default=Decimal("13.00"))
    valid_from = models.DateField(_("valid from"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        ordering = ["code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="money_price_code_from_uniq"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="money_price_not_negative"),
            models.CheckConstraint(condition=models.Q(tax_rate__gte=0, tax_rate__lte=100), name="money_price_tax_rate"),
            models.CheckConstraint(condition=models.Q(kind__in=PriceKind.values), name="money_price_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name} ¥{self.amount} ({self.valid_from:%Y-%m-%d})"


class ChargeLine(TimeStampedModel):
    """One charge on an order: what, how much, and who bears it. ``bearer_rule`` is what the rule
    derived from the coverage decision; ``bearer`` differs only after a manager's override (with a
    reason). Amounts: ``net`` = quantity × unit price rounded to the fen; ``tax`` per line, rounded."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="charge_lines")
    kind = models.CharField(_("kind"), max_length=16, choices=ChargeKind.choices)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2, default=Decimal("1"))
    unit_price = money_field(_("unit price (before tax)"))
    tax_rate = rate_field(_("tax rate (%)"))
    net = money_field(_("net"))
    tax = money_field(_("tax"))
    gross = money_field(_("gross"))
    price = models.ForeignKey(Price, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    bearer = models.CharField(_("borne by"), max_length=10, choices=Bearer.choices)
    bearer_rule = models.CharField(_("borne by (rule)"), max_length=10, choices=Bearer.choices)
    bearer_reason = models.CharField(_("override reason"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=LineStatus.choices, default=LineStatus.DRAFT)
    # Where a line came from outside this app (a parts issue), so the same event never adds it twice.
    source = models.CharField(_("source"), max_length=60, blank=True)
    # A parts line names its part: the customer's approved line is what a visit may then issue of it
    # (``issued`` counts what was issued against it); a line from a parts issue names the part it was.
    part = models.ForeignKey(
        Part, verbose_name=_("part"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued = models.DecimalField(_("issued"), max_digits=12, decimal_places=3, default=Decimal("0"))
    supplier_claim = models.BooleanField(_("claimed from the supplier"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("charge line")
        verbose_name_plural = _("charge lines")
        indexes = [models.Index(fields=["order", "id"], name="money_line_order_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="money_line_quantity_positive"),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="money_line_price_not_negative"),
            models.CheckConstraint(condition=models.Q(tax_rate__gte=0, tax_rate__lte=100), name="money_line_tax_rate"),
            models.CheckConstraint(condition=models.Q(kind__in=ChargeKind.values), name="money_line_kind_valid"),
            models.CheckConstraint(condition=models.Q(bearer__in=Bearer.values), name="money_line_bearer_valid"),
            models.CheckConstraint(condition=models.Q(status__in=LineStatus.values), name="money_line_status_valid"),
            models.UniqueConstraint(
                fields=["order", "source"], condition=~models.Q(source=""), name="money_line_source_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} ¥{self.gross} ({self.bearer})"

    @property
    def overridden(self) -> bool:
        return self.bearer != self.bearer_rule


class Quote(TimeStampedModel):
    """A quote (报价) of the lines the customer pays, sent as a link that needs no account; the
    customer approves or declines it once (domain.md Warranty §6 1.5.2: a quote first, the customer decides)."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="quotes")
    number = models.CharField(_("number"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=QuoteStatus.choices, default=QuoteStatus.SENT)
    net = money_field(_("net"))
    tax = money_field(_("tax"))
    gross = money_field(_("gross"))
    diagnosis_fee = money_field(_("diagnosis fee if declined"), default=ZERO)
    expires_at = models.DateTimeField(_("valid until"))
    # The link's token is signed (django.core.signing) over the quote's id and this nonce: a new link
    # for the same quote makes the old one stop working.
    nonce = models.CharField(max_length=32)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by_name = models.CharField(_("answered by"), max_length=100, blank=True)
    answer_channel = models.CharField(_("answered"), max_length=10, choices=AnswerChannel.choices, blank=True)
    answer_note = models.CharField(_("customer's remark"), max_length=500, blank=True)
    signature = models.ImageField(_("customer signature"), upload_to="quote_signatures/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        indexes = [models.Index(fields=["order", "-id"], name="money_quote_order_idx")]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="money_quote_number_uniq"),
            models.CheckConstraint(condition=models.Q(status__in=QuoteStatus.values), name="money_quote_status_valid"),
        ]

    def __str__(self) -> str:
        return self.number


class QuoteLine(models.Model):
    """A charge line as quoted (a copy: the quote keeps what the customer saw, whatever happens after)."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    charge_line = models.ForeignKey(ChargeLine, on_delete=models.PROTECT, related_name="quote_lines")
    kind = models.CharField(_("kind"), max_length=16, choices=ChargeKind.choices)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit_price = money_field(_("unit price"))
    tax_rate = rate_field(_("tax rate (%)"))
    net = money_field(_("net"))
    tax = money_field(_("tax"))
    gross = money_field(_("gross"))

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")

    def __str__(self) -> str:
        return f"{self.quote_id}: {self.description}"


class Invoice(TimeStampedModel):
    """An invoice of approved lines the customer pays. Numbered per year when issued (INV-2026-000001);
    an issued invoice never changes: a credit note cancels it. The 发票 number is entered by finance."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="invoices")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(_("number"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_tax_number = models.CharField(_("buyer's tax number"), max_length=20, blank=True)
    net = money_field(_("net"))
    tax = money_field(_("tax"))
    gross = money_field(_("gross"))
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("payment due"), null=True, blank=True)
    fapiao_number = models.CharField(_("Fapiao number"), max_length=20, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        indexes = [
            models.Index(fields=["status", "-id"], name="money_invoice_status_idx"),
            models.Index(fields=["customer", "-id"], name="money_invoice_customer_idx"),
            models.Index(fields=["order", "-id"], name="money_invoice_order_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~models.Q(number=""), name="money_invoice_number_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=InvoiceStatus.values), name="money_invoice_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status=InvoiceStatus.DRAFT) | ~models.Q(number=""),
                name="money_invoice_issued_numbered",
            ),
        ]

    def __str__(self) -> str:
        return self.number or _("Draft invoice %(id)s") % {"id": self.pk}


class InvoiceLine(models.Model):
    """A charge line as invoiced."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    charge_line = models.ForeignKey(ChargeLine, on_delete=models.PROTECT, related_name="invoice_lines")
    kind = models.CharField(_("kind"), max_length=16, choices=ChargeKind.choices)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit_price = money_field(_("unit price"))
    tax_rate = rate_field(_("tax rate (%)"))
    net = money_field(_("net"))
    tax = money_field(_("tax"))
    gross = money_field(_("gross"))

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.description}"


class CreditNote(TimeStampedModel):
    """Cancels an issued invoice in full (红字发票), instead of an edit; its lines may be invoiced again."""

    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="credit_note")
    number = models.CharField(_("number"), max_length=20)
    reason = models.CharField(_("reason"), max_length=500)
    net = money_field(_("net"))
    tax = money_field(_("tax"))
    gross = money_field(_("gross"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        constraints = [models.UniqueConstraint(fields=["number"], name="money_credit_note_number_uniq")]

    def __str__(self) -> str:
        return self.number


class Payment(TimeStampedModel):
    """Money received from a customer: against an invoice (part payments allowed), or an advance."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="payments")
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    amount = money_field(_("amount"))
    advance = money_field(_("of which advance"), default=ZERO)
    received_on = models.DateField(_("received on"))
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [models.Index(fields=["invoice", "id"], name="money_payment_invoice_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="money_payment_positive"),
            models.CheckConstraint(
                condition=models.Q(advance__gte=0, advance__lte=models.F("amount")), name="money_payment_advance_range"
            ),
            models.CheckConstraint(condition=models.Q(method__in=PaymentMethod.values), name="money_payment_method"),
        ]

    def __str__(self) -> str:
        return f"¥{self.amount} {self.received_on:%Y-%m-%d}"


class LedgerEntry(models.Model):
    """One append-only entry of the fee ledger (§12): an amount (signed, CNY) on an account, for a
    customer and/or an order. Entries are never changed or deleted; a correction is a new entry."""

    account = models.CharField(_("account"), max_length=16, choices=LedgerAccount.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=LedgerKind.choices)
    amount = money_field(_("amount"))
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(ServiceOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    charge_line = models.ForeignKey(ChargeLine, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            models.Index(fields=["account", "-id"], name="money_ledger_account_idx"),
            models.Index(fields=["customer", "-id"], name="money_ledger_customer_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(account__in=LedgerAccount.values), name="money_ledger_account"),
            models.CheckConstraint(condition=models.Q(kind__in=LedgerKind.values), name="money_ledger_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.amount}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Append-only: the one guard that belongs on the model, so no code path can rewrite history.
        if self.pk is not None:
            raise ValueError("Ledger entries are append-only: book a correcting entry instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Ledger entries are append-only: book a correcting entry instead.")


class ClockPause(models.Model):
    """A wait for someone else (the customer's answer to a quote, the factory): the order's resolution
    clock stands still. When the wait ends its working days move the due date (``service``'s
    ``push_due_after_pause``: an order event the timeline and the SLA figures show)."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="clock_pauses")
    reason = models.CharField(_("waiting for"), max_length=10, choices=PauseReason.choices)
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(_("working days"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")
        indexes = [models.Index(fields=["order", "id"], name="money_pause_order_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "reason"], condition=models.Q(ended_at__isnull=True), name="money_pause_one_open"
            ),
            models.CheckConstraint(condition=models.Q(reason__in=PauseReason.values), name="money_pause_reason_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.reason} {self.started_at:%Y-%m-%d}"


class FactoryReturn(TimeStampedModel):
    """A unit sent back to its factory for repair (返厂, domain.md Repair §6 1.3.3.2): the shipment, the
    factory's diagnosis and quote with our margin on top, the chasing at an interval (the customer told
    each time), the return shipment, within the 10–15 working-day limit (``expected_by``)."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="factory_returns")
    status = models.CharField(
        _("status"), max_length=10, choices=FactoryReturnStatus.choices, default=FactoryReturnStatus.SHIPPED
    )
    factory = models.CharField(_("factory"), max_length=100)
    carrier = models.CharField(_("carrier"), max_length=50)
    waybill = models.CharField(_("waybill"), max_length=50)
    shipped_on = models.DateField(_("shipped on"))
    expected_by = models.DateField(_("expected back by"))
    factory_diagnosis = models.TextField(_("factory's diagnosis"), max_length=2000, blank=True)
    factory_quote = money_field(_("factory's quote (CNY, before tax)"), null=True, blank=True)
    margin_percent = rate_field(_("our margin (%)"), default=Decimal("15.00"))
    charge_line = models.ForeignKey(ChargeLine, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    return_carrier = models.CharField(_("return carrier"), max_length=50, blank=True)
    return_waybill = models.CharField(_("return waybill"), max_length=50, blank=True)
    returned_on = models.DateField(_("sent back on"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    chase_every_days = models.PositiveSmallIntegerField(_("chase every (working days)"), default=3)
    next_chase_on = models.DateField(_("next chase"), null=True, blank=True)
    chase_count = models.PositiveSmallIntegerField(_("times chased"), default=0)
    last_chased_at = models.DateTimeField(_("last chased"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("return to factory")
        verbose_name_plural = _("returns to factory")
        indexes = [
            models.Index(fields=["order", "id"], name="money_factory_order_idx"),
            models.Index(
                fields=["next_chase_on"],
                condition=~models.Q(status="received"),
                name="money_factory_chase_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=FactoryReturnStatus.values), name="money_factory_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(margin_percent__gte=0, margin_percent__lte=100), name="money_factory_margin_range"
            ),
            models.CheckConstraint(
                condition=models.Q(factory_quote__isnull=True) | models.Q(factory_quote__gte=0),
                name="money_factory_quote_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.factory} {self.waybill}"


class Exchange(TimeStampedModel):
    """An exchange of a unit (调换, domain.md Exchange §6 1.4; Warranty §6 1.5.2: none out of warranty):
    request → the manager's approval → the factory's agreement (or refusal) → the old unit shipped back
    in its original packaging → the new unit delivered, registered on the customer's site with its
    warranty from the day of delivery; the old unit's history says it was returned."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="exchanges")
    status = models.CharField(
        _("status"), max_length=10, choices=ExchangeStatus.choices, default=ExchangeStatus.REQUESTED
    )
    old_unit = models.ForeignKey(Unit, verbose_name=_("old unit"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("manager's note"), max_length=500, blank=True)
    factory_agreed = models.BooleanField(_("factory agreed"), null=True, blank=True)
    factory_note = models.CharField(_("factory's answer"), max_length=500, blank=True)
    factory_answered_at = models.DateTimeField(_("factory answered at"), null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=50, blank=True)
    waybill = models.CharField(_("waybill"), max_length=50, blank=True)
    shipped_on = models.DateField(_("old unit shipped on"), null=True, blank=True)
    original_packaging = models.BooleanField(_("in its original packaging"), default=False)
    new_unit = models.ForeignKey(
        Unit, verbose_name=_("new unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delivered_on = models.DateField(_("new unit delivered on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        indexes = [
            models.Index(fields=["order", "id"], name="money_exchange_order_idx"),
            models.Index(fields=["status", "id"], name="money_exchange_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ExchangeStatus.values), name="money_exchange_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.old_unit_id} {self.status}"


class Installation(TimeStampedModel):
    """Installation and commissioning of a sale (安装调试, domain.md §6 2): how (small, large, imported),
    the appointment, the factory's engineers and the operators' training, the checklist of the product
    model, readings before and after, and the customer's signed acceptance, which registers the units
    with their warranty from that day and releases the invoice."""

    order = models.OneToOneField(ServiceOrder, on_delete=models.PROTECT, related_name="installation")
    mode = models.CharField(_("kind of installation"), max_length=10, choices=InstallationMode.choices)
    product_model = models.ForeignKey(
        ProductModel, verbose_name=_("product model"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=InstallationStatus.choices, default=InstallationStatus.OPEN
    )
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    engineers = models.CharField(_("factory's engineers"), max_length=200, blank=True)
    training_done = models.BooleanField(_("operators trained"), default=False)
    # [{"item": "...", "done": bool}], copied from the product model's checklist when created.
    checklist = models.JSONField(_("checklist"), default=list)
    readings_before = models.TextField(_("readings before"), max_length=2000, blank=True)
    readings_after = models.TextField(_("readings after"), max_length=2000, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by_name = models.CharField(_("accepted by"), max_length=100, blank=True)
    signature = models.ImageField(_("customer signature"), upload_to="installation_signatures/%Y/%m/", blank=True)
    units = models.ManyToManyField(Unit, verbose_name=_("units registered"), blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("installation")
        verbose_name_plural = _("installations")
        constraints = [
            models.CheckConstraint(condition=models.Q(mode__in=InstallationMode.values), name="money_install_mode"),
            models.CheckConstraint(
                condition=models.Q(status__in=InstallationStatus.values), name="money_install_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.mode}"


class PickupNotice(TimeStampedModel):
    """The factory's notice that a purchase is ready to pick up (domain.md Logistics §6 3): until it
    comes, the periodic job ``money.chase_logistics`` asks whoever ordered to chase the factory every
    ``AFTERSALES["LOGISTICS_CHASE_DAYS"]`` (7) working days after the purchase was sent."""

    request = models.OneToOneField(StockRequest, on_delete=models.PROTECT, related_name="+")
    noticed_on = models.DateField(_("pick-up notice on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("pick-up notice")
        verbose_name_plural = _("pick-up notices")

    def __str__(self) -> str:
        return f"{self.request_id} {self.noticed_on:%Y-%m-%d}"
