"""Spare parts (备件): the catalogue, stock locations, the append-only stock ledger and its balances.

Quantities are ``Decimal`` (metres of cable); a whole-unit part takes whole numbers only (services).
Money is ``Decimal`` CNY, to the fen.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.models import ServiceCenter
from aftersales.catalog.models import ProductModel
from aftersales.core.errors import ConflictError
from aftersales.core.models import TimeStampedModel
from aftersales.core.text import join_list
from aftersales.parts.choices import (
    WHOLE_UNITS,
    LoanStatus,
    LocationKind,
    MoveKind,
    OldPartFate,
    RequestKind,
    RequestStatus,
    ReservationStatus,
    StockTakeStatus,
    SupplierClaimStatus,
    UnitOfMeasure,
)
from aftersales.service.models import ServiceOrder, Visit

QTY = {"max_digits": 12, "decimal_places": 3}
MONEY = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal(0)


class Supplier(TimeStampedModel):
    """Who a part is bought from. ``outside``: another company, whose own warranty we claim under
    (domain.md, Warranty §9 五); our own factory is a supplier too, but not an outside one."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    outside = models.BooleanField(_("outside supplier"), default=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def origin(self) -> str:
        """The suppliers list's column: another company, or our own factory."""
        return str(_("Outside company") if self.outside else _("Our own factory"))


class Part(TimeStampedModel):
    """A spare part of the catalogue (备件目录)."""

    number = models.CharField(_("part number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit of measure"), max_length=8, choices=UnitOfMeasure.choices)
    compatible_models = models.ManyToManyField(
        ProductModel, verbose_name=_("compatible product models"), blank=True, related_name="parts"
    )
    cost = models.DecimalField(_("cost"), default=ZERO, **MONEY)
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), null=True, blank=True, on_delete=models.PROTECT, related_name="parts"
    )
    supplier_warranty_months = models.PositiveSmallIntegerField(_("supplier warranty (months)"), default=0)
    warranty_critical = models.BooleanField(_("warranty-critical"), default=False)
    turnover = models.BooleanField(_("turnover spare (serialised, repairable)"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(unit__in=UnitOfMeasure.values), name="part_unit_valid"),
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="part_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def whole_units(self) -> bool:
        return self.unit in WHOLE_UNITS

    def flags(self) -> str:
        """The catalogue list's flags: warranty-critical, turnover spare."""
        labels = [str(_("warranty-critical"))] if self.warranty_critical else []
        if self.turnover:
            labels.append(str(_("turnover spare")))
        return join_list(labels)


class PartPrice(models.Model):
    """The list price (明码标价) of a part from ``valid_from`` on; a new price is a new row."""

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="prices")
    valid_from = models.DateField(_("valid from"))
    price = models.DecimalField(_("list price"), **MONEY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("list price")
        verbose_name_plural = _("list prices")
        ordering = ["part", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["part", "valid_from"], name="part_price_unique_day"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="part_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.part_id} {self.valid_from} {self.price}"


class Location(TimeStampedModel):
    """Where stock is kept: the central warehouse (no centre), a centre's store, a technician's van."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=LocationKind.choices)
    service_center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("service centre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="part_locations",
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vans",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("stock location")
        verbose_name_plural = _("stock locations")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=LocationKind.values), name="location_kind_valid"),
            models.CheckConstraint(
                condition=~models.Q(kind=LocationKind.VAN) | models.Q(holder__isnull=False),
                name="location_van_has_holder",
            ),
            models.CheckConstraint(
                condition=models.Q(kind=LocationKind.WAREHOUSE) | models.Q(service_center__isnull=False),
                name="location_store_has_centre",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Stock(models.Model):
    """The balance of one part at one location, cached from the ledger and updated in the same
    transaction as each entry (``services.stock.post_move``), with the replenishment levels and the
    bin (货位) the part sits in there. ``available`` = on hand − reserved. The database refuses any
    negative balance, and the services only ever change it by a conditional ``UPDATE``."""

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="stock", db_index=False)
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="stock")
    on_hand = models.DecimalField(_("on hand"), default=ZERO, **QTY)
    reserved = models.DecimalField(_("reserved"), default=ZERO, **QTY)
    in_transit = models.DecimalField(_("in transit"), default=ZERO, **QTY)
    defective = models.DecimalField(_("defective"), default=ZERO, **QTY)
    min_qty = models.DecimalField(_("minimum"), default=ZERO, **QTY)
    max_qty = models.DecimalField(_("maximum"), default=ZERO, **QTY)
    bin = models.CharField(_("bin"), max_length=20, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        constraints = [
            models.UniqueConstraint(fields=["location", "part"], name="stock_location_part_unique"),
            models.CheckConstraint(condition=models.Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(condition=models.Q(reserved__gte=0), name="stock_reserved_not_negative"),
            models.CheckConstraint(
                condition=models.Q(reserved__lte=models.F("on_hand")), name="stock_reserved_within_on_hand"
            ),
            models.CheckConstraint(condition=models.Q(in_transit__gte=0), name="stock_in_transit_not_negative"),
            models.CheckConstraint(condition=models.Q(defective__gte=0), name="stock_defective_not_negative"),
            models.CheckConstraint(condition=models.Q(min_qty__gte=0), name="stock_min_not_negative"),
            models.CheckConstraint(
                condition=models.Q(max_qty__gte=models.F("min_qty")) | models.Q(max_qty=0), name="stock_max_over_min"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.location_id}/{self.part_id}: {self.on_hand}"

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


class LedgerQuerySet(models.QuerySet["StockMove"]):
    def update(self, **kwargs: object) -> int:
        raise ConflictError("ledger_append_only", _("Ledger entries are never edited: post a correcting entry."))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ConflictError("ledger_append_only", _("Ledger entries are never deleted: post a correcting entry."))


class StockMove(models.Model):
    """One entry of the append-only stock ledger: a movement of one part at one location, with the
    change it made to each balance column, who, when and why. Corrections are new entries."""

    kind = models.CharField(_("kind"), max_length=20, choices=MoveKind.choices)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="moves", db_index=False)
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="moves", db_index=False)
    quantity = models.DecimalField(_("quantity"), **QTY)
    on_hand_delta = models.DecimalField(default=ZERO, **QTY)
    reserved_delta = models.DecimalField(default=ZERO, **QTY)
    in_transit_delta = models.DecimalField(default=ZERO, **QTY)
    defective_delta = models.DecimalField(default=ZERO, **QTY)
    # The location's on-hand stock of the part after this entry (the running sum of on_hand_delta):
    # written with the entry from the balance it has just changed, so a stock-out (an entry that took
    # the stock from above zero to zero) is found without summing the ledger (reports' parts figure).
    on_hand_after = models.DecimalField(null=True, blank=True, **QTY)
    order = models.ForeignKey(
        ServiceOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="part_moves", db_index=False
    )
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="part_moves")
    supplier = models.ForeignKey(Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit_cost = models.DecimalField(_("unit cost"), null=True, blank=True, **MONEY)
    serial = models.CharField(_("serial number"), max_length=60, blank=True)
    request = models.ForeignKey(
        "StockRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="moves", db_index=False
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            models.Index(fields=["location", "part", "id"], name="move_location_part_idx"),
            models.Index(fields=["part", "id"], name="move_part_idx"),
            models.Index(fields=["order", "id"], name="move_order_idx", condition=models.Q(order__isnull=False)),
            # Entries that left none on hand: the stock-outs are among them (a few in millions).
            models.Index(fields=["created_at"], name="move_emptied_idx", condition=models.Q(on_hand_after__lte=0)),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=MoveKind.values), name="move_kind_valid"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="move_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} × {self.part_id} @ {self.location_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ConflictError("ledger_append_only", _("Ledger entries are never edited: post a correcting entry."))
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ConflictError("ledger_append_only", _("Ledger entries are never deleted: post a correcting entry."))


class VisitPart(models.Model):
    """A part used on a visit: what was fitted, from where, and the fate of the part taken out.
    Written with its ``issue`` ledger entry in one transaction."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="parts_used")
    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="parts_used", db_index=False)
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QTY)
    serial = models.CharField(_("serial number"), max_length=60, blank=True)
    old_part_fate = models.CharField(_("old part"), max_length=10, choices=OldPartFate.choices)
    old_serial = models.CharField(_("old part serial"), max_length=60, blank=True)
    unit_price = models.DecimalField(_("list price"), null=True, blank=True, **MONEY)
    move = models.OneToOneField(StockMove, on_delete=models.PROTECT, related_name="visit_part")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("part used")
        verbose_name_plural = _("parts used")
        ordering = ["visit", "id"]
        indexes = [models.Index(fields=["order", "id"], name="visit_part_order_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(old_part_fate__in=OldPartFate.values), name="visit_part_fate_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id}: {self.quantity} × {self.part_id}"


class Reservation(TimeStampedModel):
    """Parts set aside for an order at a location (``held``), or awaited there while it has none
    (``waiting``: the order waits for parts and says where they come from)."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="part_reservations")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="reservations")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.DecimalField(_("quantity"), **QTY)
    status = models.CharField(_("status"), max_length=10, choices=ReservationStatus.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["location", "part", "id"],
                name="reservation_waiting_idx",
                condition=models.Q(status=ReservationStatus.WAITING),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReservationStatus.values), name="reservation_status_valid"
            ),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="reservation_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.quantity} × {self.part_id} @ {self.location_id} ({self.status})"


class StockRequest(TimeStampedModel):
    """A replenishment request (补货): a transfer from another location or a purchase from a
    supplier, to ``location``, followed from open through sent to received."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=RequestKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    location = models.ForeignKey(
        Location, verbose_name=_("destination"), on_delete=models.PROTECT, related_name="requests"
    )
    source = models.ForeignKey(
        Location, verbose_name=_("source location"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(pgettext_lazy("stock request", "sent at"), null=True, blank=True)
    received_at = models.DateTimeField(pgettext_lazy("stock request", "received at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock request")
        verbose_name_plural = _("stock requests")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=RequestKind.values), name="request_kind_valid"),
            models.CheckConstraint(condition=models.Q(status__in=RequestStatus.values), name="request_status_valid"),
            models.CheckConstraint(
                condition=~models.Q(kind=RequestKind.TRANSFER) | models.Q(source__isnull=False),
                name="request_transfer_has_source",
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("location")), name="request_source_not_destination"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class StockRequestLine(models.Model):
    request = models.ForeignKey(StockRequest, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QTY)
    unit_cost = models.DecimalField(_("unit cost"), null=True, blank=True, **MONEY)

    class Meta:
        verbose_name = _("request line")
        verbose_name_plural = _("request lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "part"], name="request_line_part_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="request_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.quantity} × {self.part_id}"


class SupplierClaim(TimeStampedModel):
    """A claim under an outside supplier's own warranty for a part that failed (domain.md, Warranty
    §9 五): the part, its serial, the order, what failed, photos, where the old part is kept; the
    amounts claimed and recovered. Status moves only through ``services.claims.move_claim``."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="claims")
    supplier = models.ForeignKey(Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="claims")
    serial = models.CharField(_("serial number"), max_length=60, blank=True)
    order = models.ForeignKey(
        ServiceOrder, verbose_name=_("order"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.ForeignKey(
        Location, verbose_name=_("old part kept at"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fitted_on = models.DateField(_("fitted or bought on"))
    failure = models.TextField(_("failure description"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=SupplierClaimStatus.choices, default=SupplierClaimStatus.OPEN
    )
    amount_claimed = models.DecimalField(_("amount claimed"), **MONEY)
    amount_recovered = models.DecimalField(_("amount recovered"), default=ZERO, **MONEY)
    reject_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplier claim")
        verbose_name_plural = _("supplier claims")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=SupplierClaimStatus.values), name="claim_status_valid"
            ),
            models.CheckConstraint(condition=models.Q(amount_claimed__gte=0), name="claim_amount_not_negative"),
            models.CheckConstraint(condition=models.Q(amount_recovered__gte=0), name="claim_recovered_not_negative"),
            models.CheckConstraint(
                condition=~models.Q(status=SupplierClaimStatus.REJECTED) | ~models.Q(reject_reason=""),
                name="claim_rejected_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ClaimPhoto(models.Model):
    claim = models.ForeignKey(SupplierClaim, on_delete=models.CASCADE, related_name="photos")
    file = models.ImageField(_("file"), upload_to="claims/%Y/%m/")
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("claim photo")
        verbose_name_plural = _("claim photos")

    def __str__(self) -> str:
        return self.file.name


class Loan(TimeStampedModel):
    """A turnover spare lent to a customer while their part or unit is repaired (§13 3.6)."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="loans")
    serial = models.CharField(_("serial number"), max_length=60)
    location = models.ForeignKey(Location, verbose_name=_("from"), on_delete=models.PROTECT, related_name="loans")
    order = models.ForeignKey(
        ServiceOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="part_loans"
    )
    status = models.CharField(_("status"), max_length=10, choices=LoanStatus.choices, default=LoanStatus.OUT)
    lent_at = models.DateTimeField(_("lent at"))
    due_back = models.DateField(_("due back"))
    returned_at = models.DateTimeField(_("back at"), null=True, blank=True)
    inspection = models.CharField(_("inspection"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("turnover loan")
        verbose_name_plural = _("turnover loans")
        ordering = ["due_back", "id"]
        indexes = [
            models.Index(fields=["due_back"], name="loan_out_due_idx", condition=models.Q(status=LoanStatus.OUT)),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=LoanStatus.values), name="loan_status_valid"),
            models.UniqueConstraint(
                fields=["part", "serial"], condition=models.Q(status=LoanStatus.OUT), name="loan_serial_out_once"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class StockTake(TimeStampedModel):
    """A count of one location (盘点): counted on a sheet (printed or on a phone), submitted, and the
    differences posted as adjustments once a manager approves."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="stock_takes"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=StockTakeStatus.choices, default=StockTakeStatus.COUNTING
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("stock-take")
        verbose_name_plural = _("stock-takes")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=StockTakeStatus.values), name="stocktake_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class StockTakeLine(models.Model):
    stock_take = models.ForeignKey(StockTake, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    expected = models.DecimalField(_("expected"), **QTY)
    counted = models.DecimalField(_("counted"), null=True, blank=True, **QTY)

    class Meta:
        verbose_name = _("count line")
        verbose_name_plural = _("count lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["stock_take", "part"], name="stocktake_line_part_unique"),
            models.CheckConstraint(
                condition=models.Q(counted__isnull=True) | models.Q(counted__gte=0),
                name="stocktake_counted_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stock_take_id}: {self.part_id}"

    @property
    def difference(self) -> Decimal | None:
        return None if self.counted is None else self.counted - self.expected


class Tool(TimeStampedModel):
    """An instrument or tool (§13 3.4, §9 三) held by a named person, with its calibration due date."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    serial = models.CharField(_("serial number"), max_length=60, blank=True)
    service_center = models.ForeignKey(
        ServiceCenter, verbose_name=_("service centre"), on_delete=models.PROTECT, related_name="tools"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("held by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tools",
    )
    held_since = models.DateField(_("held since"), null=True, blank=True)
    calibration_due = models.DateField(_("calibration due"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("tool")
        verbose_name_plural = _("tools")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LabourRate(TimeStampedModel):
    """A labour price for the public price list (明码标价, §1): per visit, per hour or per job."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    price = models.DecimalField(_("price"), **MONEY)
    unit = models.CharField(_("per"), max_length=20)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("labour rate")
        verbose_name_plural = _("labour rates")
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=models.Q(price__gte=0), name="labour_price_not_negative")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
