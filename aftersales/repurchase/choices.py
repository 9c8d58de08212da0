"""The enums of sale and repurchase (售后回购, domain.md §2): who holds the clause, what the contract
is, where it stands, what an entry records, the accounts an entry posts to."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Holder(models.TextChoices):
    """Who holds the repurchase right or obligation (篇二 一: a forward, a call, a put)."""

    SELLER_OBLIGED = "seller_obliged", _("Seller must buy back (forward)")
    SELLER_OPTION = "seller_option", _("Seller may buy back (call option)")
    CUSTOMER_OPTION = "customer_option", _("Customer may make the seller buy back (put option)")


class Classification(models.TextChoices):
    LEASE = "lease", _("Lease")
    FINANCING = "financing", _("Financing")
    SALE_WITH_RETURN = "sale_with_return", _("Sale with a right of return")


class Status(models.TextChoices):
    DRAFT = "draft", _("Not posted")
    OPEN = "open", pgettext_lazy("repurchase status", "Open")
    EXERCISED = "exercised", _("Bought back")
    LAPSED = "lapsed", _("Lapsed")


# The status after each posting, and the one a reversal steps back to.
STATUS_BADGES = {
    Status.DRAFT: "text-bg-secondary",
    Status.OPEN: "text-bg-primary",
    Status.EXERCISED: "text-bg-success",
    Status.LAPSED: "text-bg-dark",
}
CLASSIFICATION_BADGES = {
    Classification.LEASE: "text-bg-info",
    Classification.FINANCING: "text-bg-warning",
    Classification.SALE_WITH_RETURN: "text-bg-success",
}


class Event(models.TextChoices):
    """What an entry records: the contract's start, the buy-back, the right lapsing, or a reversal."""

    INCEPTION = "inception", _("Inception")
    EXERCISE = "exercise", _("Buy-back")
    LAPSE = "lapse", _("Lapse")
    REVERSAL = "reversal", _("Reversal")


class Side(models.TextChoices):
    DEBIT = "debit", _("Debit")
    CREDIT = "credit", _("Credit")


class Account(models.TextChoices):
    """The accounts the source's entries use, under the names it gives them (篇二 例1–例4); the codes
    of the chart of accounts are settings (``AFTERSALES["REPURCHASE_ACCOUNT_CODES"]``)."""

    CASH = "cash", pgettext_lazy("account", "Cash on hand")
    BORROWINGS = "borrowings", pgettext_lazy("account", "Long-term borrowings etc.")
    LEASE_INCOME = "lease_income", pgettext_lazy("account", "Lease income")
    REVENUE = "revenue", pgettext_lazy("account", "Revenue")
    COST_OF_SALES = "cost_of_sales", pgettext_lazy("account", "Cost of sales")
    INVENTORY = "inventory", pgettext_lazy("account", "Inventory")
    INTEREST = "interest", pgettext_lazy("account", "Interest expense")
