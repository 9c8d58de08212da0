"""What higher apps plug into spare parts, registered from their ``AppConfig.ready()``.

``issue_checks``: callables ``(order, lines, user) -> None`` that ``services.visits.use_parts`` calls
before it issues anything; one that raises (a ``ConflictError`` with a code of its own, e.g. money's
"the customer has not approved the quote" for an out-of-warranty order) refuses the issue, and nothing
is written. ``lines`` are ``IssueLine``s (part, quantity, location). Parts never names who registered.
"""

from dataclasses import dataclass

from aftersales.core.registry import Ref, Registry


@dataclass(frozen=True)
class IssueCheck:
    key: str
    check: Ref  # (order, lines, user) -> None; raises DomainError to refuse
    order: int = 100


issue_checks: Registry[IssueCheck] = Registry("parts issue checks")
