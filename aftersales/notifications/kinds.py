"""The kinds of SMS the company sends its customers (order received, technician assigned …).

Each app that writes customer SMS registers its kinds in its ``AppConfig.ready()``
(``customer_sms_kinds.register(CustomerSmsKind("order_received", _("Order received"), 10))``): this
app never names them. An administrator switches a kind off in settings (``CustomerSmsSwitch``).
"""

from dataclasses import dataclass

from django.utils.functional import Promise

from aftersales.core.registry import Registry


@dataclass(frozen=True)
class CustomerSmsKind:
    """One kind of customer SMS: ``key`` is stored on its switch, ``label`` shown in settings,
    ``description`` says when it is sent. A kind that is not ``switchable`` has no switch: a message
    someone chose to send to these customers (a campaign, an SMS typed on the contact log) is not
    withdrawn behind their back by a setting, while the record they wrote says it was sent."""

    key: str
    label: str | Promise
    order: int
    description: str | Promise = ""
    switchable: bool = True


customer_sms_kinds: Registry[CustomerSmsKind] = Registry("customer SMS kinds")


def kind_label(key: str) -> str:
    """The kind's label, or its key when no app registers it (any more)."""
    kind = customer_sms_kinds.get(key)
    return str(kind.label) if kind is not None else key
