"""Who bears a charge line, derived from the order's coverage decision and the line's kind.

domain.md Warranty §6 1.5.1: in warranty the company bears freight, labour and material; a part
claimed from its supplier is the supplier's (§9 五); a factory repair in warranty is the factory's.
§6 1.1.1.2 / 1.5.1.2 / 1.5.2: no proof of purchase, misuse or an expired warranty: the customer pays.

An area above money (contracts: a maintenance contract covers the visit) adds a rule with
``register_bearer_rule(rule)``; ``rule(order, kind) -> Bearer | None`` is asked before the default,
and the first answer wins.
"""

from collections.abc import Callable

from aftersales.money.choices import Bearer, ChargeKind
from aftersales.service.models import ServiceOrder

BearerRule = Callable[[ServiceOrder, str], str | None]
_rules: list[BearerRule] = []


def register_bearer_rule(rule: BearerRule) -> None:
    if rule not in _rules:
        _rules.append(rule)


def unregister_bearer_rule(rule: BearerRule) -> None:
    if rule in _rules:
        _rules.remove(rule)


def bearer_for(order: ServiceOrder, kind: str, *, supplier_claim: bool = False) -> str:
    for rule in _rules:
        answer = rule(order, kind)
        if answer:
            return answer
    if not order.warranty_covered:
        return Bearer.CUSTOMER
    if kind == ChargeKind.PARTS and supplier_claim:
        return Bearer.SUPPLIER
    if kind == ChargeKind.FACTORY_REPAIR:
        return Bearer.FACTORY
    return Bearer.COMPANY
