"""The rules other apps add to dispatch (``core.registry.dispatch_checks``): an absent technician, one
without a valid certificate for the product. The dispatch board offers only the technicians no check
refuses and says why of the others; ``assign_technician`` refuses them too (unless overridden).

``service`` never names the apps that register checks: it only iterates the registry.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from aftersales.accounts.models import User
from aftersales.core import registry
from aftersales.service.models import ServiceOrder


@dataclass(frozen=True)
class Refusal:
    """Why one technician is not offered one order, and whether an override may set it aside."""

    check: str
    reason: str
    overridable: bool


Refusals = dict[tuple[int, int], list[Refusal]]


def dispatch_refusals(
    *, orders: Sequence[ServiceOrder], technicians: Sequence[User], at: datetime.datetime
) -> Refusals:
    """Every registered check's refusals for every (order, technician) pair, by ``(order_id,
    technician_id)``; pairs no check refuses are absent. Each check runs once for all the pairs."""
    found: Refusals = defaultdict(list)
    if not orders or not technicians:
        return found
    for check in registry.dispatch_checks:
        answer = registry.resolve(check.refusals)(orders=orders, technicians=technicians, at=at)
        for pair, reason in answer.items():
            found[pair].append(Refusal(check.key, str(reason), check.overridable))
    return found


def refusal_text(refusals: Sequence[Refusal]) -> str:
    return "；".join(r.reason for r in refusals)
