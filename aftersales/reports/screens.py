"""The dashboards: which figures each screen shows."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Screen:
    key: str
    label: str | Promise
    figures: tuple[str, ...]


SCREENS = (
    Screen("service", _("Service"), ("open_orders", "sla_compliance", "first_time_fix", "mean_times", "backlog")),
    Screen("resources", _("People and parts"), ("utilisation", "parts", "claims", "contract_visits")),
    Screen("money", _("Warranty and revenue"), ("warranty_cost",)),
    Screen("customers", _("Customers"), ("satisfaction", "complaints")),
)


def screen(key: str | None) -> Screen:
    return next((s for s in SCREENS if s.key == key), SCREENS[0])
