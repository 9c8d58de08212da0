"""Enumerations of the spare-parts context."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UnitOfMeasure(models.TextChoices):
    """Whole units (个, 套) take whole quantities; the others take decimals (metres of cable)."""

    PIECE = "piece", _("piece")
    SET = "set", _("set")
    METRE = "metre", _("metre")
    KILOGRAM = "kg", _("kilogram")
    LITRE = "litre", _("litre")


WHOLE_UNITS = frozenset({UnitOfMeasure.PIECE, UnitOfMeasure.SET})


class LocationKind(models.TextChoices):
    WAREHOUSE = "warehouse", _("Central warehouse")
    CENTRE_STORE = "store", _("Centre store")
    VAN = "van", _("Technician's van")


LOCATION_KIND_BADGES = {
    LocationKind.WAREHOUSE: "text-bg-primary",
    LocationKind.CENTRE_STORE: "text-bg-info",
    LocationKind.VAN: "text-bg-secondary",
}


class MoveKind(models.TextChoices):
    """The kinds of stock-ledger entry (domain.md, Spare parts §9). Each changes the balance of one
    part at one location by the deltas written on the entry."""

    RECEIPT = "receipt", _("Receipt")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    IN_TRANSIT = "in_transit", _("In transit to here")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    RESERVE = "reserve", _("Reservation")
    RELEASE = "release", _("Reservation released")
    ISSUE = "issue", _("Issue to a visit")
    RETURN = "return", _("Return from a visit")
    DEFECTIVE_RETURN = "defective_return", _("Defective return")
    SCRAP = "scrap", _("Scrap")
    ADJUSTMENT = "adjustment", _("Stock-take adjustment")
    SUPPLIER_RETURN = "supplier_return", _("Sent to the supplier")
    LOAN_OUT = "loan_out", _("Turnover spare lent")
    LOAN_RETURN = "loan_return", _("Turnover spare back")
    RESTOCK = "restock", _("Repaired and restocked")


MOVE_KIND_BADGES = {
    MoveKind.RECEIPT: "text-bg-success",
    MoveKind.TRANSFER_OUT: "text-bg-warning",
    MoveKind.IN_TRANSIT: "text-bg-light border",
    MoveKind.TRANSFER_IN: "text-bg-success",
    MoveKind.RESERVE: "text-bg-info",
    MoveKind.RELEASE: "text-bg-light border",
    MoveKind.ISSUE: "text-bg-primary",
    MoveKind.RETURN: "text-bg-success",
    MoveKind.DEFECTIVE_RETURN: "text-bg-secondary",
    MoveKind.SCRAP: "text-bg-danger",
    MoveKind.ADJUSTMENT: "text-bg-dark",
    MoveKind.SUPPLIER_RETURN: "text-bg-secondary",
    MoveKind.LOAN_OUT: "text-bg-warning",
    MoveKind.LOAN_RETURN: "text-bg-info",
    MoveKind.RESTOCK: "text-bg-success",
}


class OldPartFate(models.TextChoices):
    """What became of the part taken out (domain.md, Repair §6 1.3.5; §9 五; §13 3.6)."""

    HANDED_TO_CUSTOMER = "customer", _("Handed to the customer")
    SUPPLIER_CLAIM = "claim", _("Kept for a supplier claim")
    SCRAPPED = "scrapped", _("Scrapped")
    REPAIR = "repair", _("Sent for repair (turnover spare)")


class RequestKind(models.TextChoices):
    TRANSFER = "transfer", _("Transfer")
    PURCHASE = "purchase", pgettext_lazy("buying stock", "Purchase")


class RequestStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("stock request", "Open")
    SENT = "sent", pgettext_lazy("stock request", "Sent")
    RECEIVED = "received", pgettext_lazy("stock request", "Received")
    CANCELLED = "cancelled", _("Cancelled")


REQUEST_STATUS_BADGES = {
    RequestStatus.OPEN: "text-bg-primary",
    RequestStatus.SENT: "text-bg-warning",
    RequestStatus.RECEIVED: "text-bg-success",
    RequestStatus.CANCELLED: "text-bg-light border",
}


class ReservationStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for stock")
    HELD = "held", _("Held")
    ISSUED = "issued", pgettext_lazy("a part issued from stock", "Issued")
    RELEASED = "released", _("Released")


class SupplierClaimStatus(models.TextChoices):
    """A supplier warranty claim (domain.md, Warranty §9 五): open → sent → accepted → credited or
    replaced; rejected (with a reason) from open, sent or accepted."""

    OPEN = "open", pgettext_lazy("supplier claim", "Open")
    SENT = "sent", _("Sent to the supplier")
    ACCEPTED = "accepted", _("Accepted")
    CREDITED = "credited", pgettext_lazy("a supplier claim credited", "Credited")
    REPLACED = "replaced", _("Replaced")
    REJECTED = "rejected", _("Rejected")


CLAIM_MOVES = {
    SupplierClaimStatus.OPEN: (SupplierClaimStatus.SENT, SupplierClaimStatus.REJECTED),
    SupplierClaimStatus.SENT: (SupplierClaimStatus.ACCEPTED, SupplierClaimStatus.REJECTED),
    SupplierClaimStatus.ACCEPTED: (
        SupplierClaimStatus.CREDITED,
        SupplierClaimStatus.REPLACED,
        SupplierClaimStatus.REJECTED,
    ),
    SupplierClaimStatus.CREDITED: (),
    SupplierClaimStatus.REPLACED: (),
    SupplierClaimStatus.REJECTED: (),
}

CLAIM_STATUS_BADGES = {
    SupplierClaimStatus.OPEN: "text-bg-primary",
    SupplierClaimStatus.SENT: "text-bg-warning",
    SupplierClaimStatus.ACCEPTED: "text-bg-info",
    SupplierClaimStatus.CREDITED: "text-bg-success",
    SupplierClaimStatus.REPLACED: "text-bg-success",
    SupplierClaimStatus.REJECTED: "text-bg-danger",
}


class LoanStatus(models.TextChoices):
    """A turnover spare (周转备件, §13 3.6) lent to a customer: out → back (awaiting inspection) →
    restocked (inspected, repaired if need be) or scrapped."""

    OUT = "out", _("Lent out")
    BACK = "back", _("Back, to inspect")
    RESTOCKED = "restocked", _("Restocked")
    SCRAPPED = "scrapped", _("Scrapped")


LOAN_STATUS_BADGES = {
    LoanStatus.OUT: "text-bg-warning",
    LoanStatus.BACK: "text-bg-info",
    LoanStatus.RESTOCKED: "text-bg-success",
    LoanStatus.SCRAPPED: "text-bg-secondary",
}


class StockTakeStatus(models.TextChoices):
    COUNTING = "counting", _("Counting")
    SUBMITTED = "submitted", _("Awaiting approval")
    POSTED = "posted", _("Approved and posted")
    REJECTED = "rejected", _("Rejected")


STOCKTAKE_STATUS_BADGES = {
    StockTakeStatus.COUNTING: "text-bg-primary",
    StockTakeStatus.SUBMITTED: "text-bg-warning",
    StockTakeStatus.POSTED: "text-bg-success",
    StockTakeStatus.REJECTED: "text-bg-danger",
}
