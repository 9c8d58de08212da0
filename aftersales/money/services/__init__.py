"""Writes of money: keyword-only, typed, atomic; each checks the caller's capability and the order's scope."""

from aftersales.money.services.charges import add_charge, override_bearer, rederive_bearers, void_charge
from aftersales.money.services.factory import (
    receive_from_factory,
    record_factory_quote,
    record_factory_shipment_back,
    ship_to_factory,
)
from aftersales.money.services.invoices import (
    create_invoice,
    credit_invoice,
    discard_invoice,
    issue_invoice,
    record_payment,
    set_fapiao_number,
    update_invoice,
)
from aftersales.money.services.prices import add_price
from aftersales.money.services.quotes import answer_quote, send_quote, withdraw_quote

__all__ = [
    "add_charge",
    "add_price",
    "answer_quote",
    "create_invoice",
    "credit_invoice",
    "discard_invoice",
    "issue_invoice",
    "override_bearer",
    "receive_from_factory",
    "record_factory_quote",
    "record_factory_shipment_back",
    "ship_to_factory",
    "record_payment",
    "rederive_bearers",
    "send_quote",
    "set_fapiao_number",
    "update_invoice",
    "void_charge",
    "withdraw_quote",
]
