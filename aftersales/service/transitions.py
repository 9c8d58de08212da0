"""The one table of allowed status moves for service orders, with the roles allowed to make each.

``services.orders.transition_order`` is the only code that assigns ``ServiceOrder.status``.
"""

from aftersales.accounts.choices import Role
from aftersales.service.choices import OrderStatus as S

DESK = frozenset({Role.AGENT, Role.DISPATCHER, Role.MANAGER})
DISPATCH = frozenset({Role.DISPATCHER, Role.MANAGER})
FIELD = frozenset({Role.TECHNICIAN, Role.DISPATCHER, Role.MANAGER})
MANAGER = frozenset({Role.MANAGER})

# (from, to) -> roles allowed. Admins may make any allowed move; general managers only read.
ALLOWED: dict[tuple[str, str], frozenset[str]] = {
    (S.NEW, S.ACCEPTED): DESK,
    (S.NEW, S.CLOSED): DESK,  # consultations answered at intake (domain.md Intake §6 1.2)
    (S.ACCEPTED, S.DISPATCHED): DISPATCH,  # made by assign_technician
    (S.DISPATCHED, S.ON_SITE): FIELD,
    (S.DISPATCHED, S.WAITING): FIELD,
    (S.ON_SITE, S.WAITING): FIELD,
    (S.ON_SITE, S.COMPLETED): FIELD,
    (S.WAITING, S.ON_SITE): FIELD,
    (S.WAITING, S.DISPATCHED): DISPATCH,
    (S.WAITING, S.COMPLETED): FIELD,
    (S.COMPLETED, S.CLOSED): MANAGER,
    (S.COMPLETED, S.ON_SITE): MANAGER,  # review found the work unfinished
    (S.CLOSED, S.ACCEPTED): MANAGER,  # reopen within AFTERSALES["REOPEN_WITHIN_DAYS"]
    **{(s, S.CANCELLED): DESK for s in (S.NEW, S.ACCEPTED, S.DISPATCHED, S.ON_SITE, S.WAITING)},
}

# Moves that need a written reason.
REASON_REQUIRED = frozenset(
    {(s, t) for (s, t) in ALLOWED if t == S.CANCELLED} | {(S.CLOSED, S.ACCEPTED), (S.COMPLETED, S.ON_SITE)}
)


def allowed_targets(status: str) -> list[str]:
    return [t for (s, t) in ALLOWED if s == status and t != s]


def roles_for(status: str, to: str) -> frozenset[str] | None:
    return ALLOWED.get((status, to))
