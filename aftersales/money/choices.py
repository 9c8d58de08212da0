"""Enumerations of money: kinds of prices and charge lines, who bears a line, the life of quotes,
invoices and ledger entries. Badge colours sit next to each enum (registered in ``apps.py``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PriceKind(models.TextChoices):
    LABOUR_HOUR = "labour_hour", _("Labour per hour")
    LABOUR_JOB = "labour_job", _("Standard job")
    CALL_OUT = "call_out", _("Call-out fee")
    FREIGHT = "freight", _("Freight")
    PART = "part", _("Part")
    OTHER = "other", _("Other")


class ChargeKind(models.TextChoices):
    LABOUR = "labour", _("Labour")
    PARTS = "parts", _("Parts")
    TRAVEL = "travel", _("Travel / call-out")
    FREIGHT = "freight", _("Freight")
    FACTORY_REPAIR = "factory_repair", _("Factory repair")
    DIAGNOSIS = "diagnosis", _("Diagnosis fee")
    OTHER = "other", _("Other")


class Bearer(models.TextChoices):
    """Who pays a charge line (domain.md Warranty §6 1.5.1: in warranty the company bears freight,
    labour and material; out of warranty the customer pays)."""

    CUSTOMER = "customer", _("Customer")
    COMPANY = "company", _("Company (warranty)")
    SUPPLIER = "supplier", _("Supplier (claim)")
    FACTORY = "factory", _("Factory")
    CONTRACT = "contract", _("Contract")


BEARER_BADGES = {
    Bearer.CUSTOMER: "text-bg-primary",
    Bearer.COMPANY: "text-bg-success",
    Bearer.SUPPLIER: "text-bg-info",
    Bearer.FACTORY: "text-bg-dark",
    Bearer.CONTRACT: "text-bg-secondary",
}


class LineStatus(models.TextChoices):
    """A line the customer pays waits for an approved quote; a line someone else bears is booked at once."""

    DRAFT = "draft", _("Draft")
    QUOTED = "quoted", _("Quoted")
    APPROVED = "approved", _("Approved")
    INVOICED = "invoiced", _("Invoiced")
    VOID = "void", _("Void")


LINE_STATUS_BADGES = {
    LineStatus.DRAFT: "text-bg-light border",
    LineStatus.QUOTED: "text-bg-warning",
    LineStatus.APPROVED: "text-bg-success",
    LineStatus.INVOICED: "text-bg-secondary",
    LineStatus.VOID: "text-bg-light border text-decoration-line-through",
}


class QuoteStatus(models.TextChoices):
    SENT = "sent", _("Waiting for the customer")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


QUOTE_STATUS_BADGES = {
    QuoteStatus.SENT: "text-bg-warning",
    QuoteStatus.APPROVED: "text-bg-success",
    QuoteStatus.DECLINED: "text-bg-danger",
    QuoteStatus.WITHDRAWN: "text-bg-light border",
}


class AnswerChannel(models.TextChoices):
    LINK = "link", _("Through the link")
    ON_SITE = "on_site", _("On site, signed")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    CREDITED = "credited", _("Credited")


INVOICE_STATUS_BADGES = {
    InvoiceStatus.DRAFT: "text-bg-light border",
    InvoiceStatus.ISSUED: "text-bg-primary",
    InvoiceStatus.CREDITED: "text-bg-secondary",
}


class PaymentMethod(models.TextChoices):
    BANK = "bank", _("Bank transfer")
    CASH = "cash", _("Cash")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    OTHER = "other", _("Other")


class LedgerAccount(models.TextChoices):
    """The ledger's accounts: what customers owe us, and the cost each other bearer carries."""

    RECEIVABLE = "receivable", _("Customer receivable")
    WARRANTY_COST = "warranty_cost", _("Warranty cost (company)")
    SUPPLIER_CLAIM = "supplier_claim", _("Claim on a supplier")
    FACTORY = "factory", _("Borne by the factory")
    CONTRACT = "contract", _("Covered by a contract")


# The account a line's cost is booked to, by who bears it (the customer's lines are invoiced).
COST_ACCOUNT = {
    Bearer.COMPANY: LedgerAccount.WARRANTY_COST,
    Bearer.SUPPLIER: LedgerAccount.SUPPLIER_CLAIM,
    Bearer.FACTORY: LedgerAccount.FACTORY,
    Bearer.CONTRACT: LedgerAccount.CONTRACT,
}


class LedgerKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice issued")
    CREDIT_NOTE = "credit_note", _("Credit note")
    PAYMENT = "payment", _("Payment")
    ADVANCE = "advance", _("Advance payment")
    COST_BOOKED = "cost_booked", _("Cost booked")
    COST_REVERSED = "cost_reversed", _("Cost reversed")


class PauseReason(models.TextChoices):
    """Whom an order waits for while its resolution clock stands still (issue 10)."""

    CUSTOMER = "customer", _("The customer's answer to a quote")
    FACTORY = "factory", _("The factory")


class FactoryReturnStatus(models.TextChoices):
    SHIPPED = "shipped", _("At the factory")
    QUOTED = "quoted", _("Quoted by the factory")
    RETURNING = "returning", _("On its way back")
    RECEIVED = "received", _("Back from the factory")


FACTORY_RETURN_BADGES = {
    FactoryReturnStatus.SHIPPED: "text-bg-warning",
    FactoryReturnStatus.QUOTED: "text-bg-info",
    FactoryReturnStatus.RETURNING: "text-bg-primary",
    FactoryReturnStatus.RECEIVED: "text-bg-success",
}


class ExchangeStatus(models.TextChoices):
    """An exchange (调换, domain.md Exchange §6 1.4): the manager approves, the factory agrees (or refuses:
    then another resolution is agreed with the customer), the old unit goes back in its original
    packaging, the new one is delivered."""

    REQUESTED = "requested", _("Waiting for the manager")
    APPROVED = "approved", _("Waiting for the factory")
    AGREED = "agreed", _("Factory agreed")
    REFUSED = "refused", _("Refused")
    SHIPPED = "shipped", _("Old unit on its way back")
    DELIVERED = "delivered", _("New unit delivered")


EXCHANGE_BADGES = {
    ExchangeStatus.REQUESTED: "text-bg-warning",
    ExchangeStatus.APPROVED: "text-bg-info",
    ExchangeStatus.AGREED: "text-bg-primary",
    ExchangeStatus.REFUSED: "text-bg-danger",
    ExchangeStatus.SHIPPED: "text-bg-primary",
    ExchangeStatus.DELIVERED: "text-bg-success",
}


class InstallationMode(models.TextChoices):
    """How a sale is installed and commissioned (domain.md §6 2)."""

    SMALL = "small", _("Small: shipped, guided by phone")
    LARGE = "large", _("Large: on site by appointment")
    IMPORTED = "imported", _("Imported: the factory's engineers, with training")


class InstallationStatus(models.TextChoices):
    OPEN = "open", _("Being commissioned")
    ACCEPTED = "accepted", _("Accepted by the customer")


INSTALLATION_BADGES = {
    InstallationStatus.OPEN: "text-bg-warning",
    InstallationStatus.ACCEPTED: "text-bg-success",
}
