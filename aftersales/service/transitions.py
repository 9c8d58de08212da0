"""The one table of allowed status moves for service orders, with the capability each needs.

``services.orders.transition_order`` is the only code that assigns ``ServiceOrder.status``. Which
roles hold each capability is in ``service.permissions.CAPABILITIES``.
"""

from aftersales.service.choices import OrderStatus as S

ACCEPT = "service.accept_order"
ANSWER = "service.close_consultation"
ASSIGN = "service.assign_order"
FIELD = "service.record_progress"
REVIEW = "service.review_order"
REOPEN = "service.reopen_order"
CANCEL = "service.cancel_order"

# (from, to) -> the capability needed. General managers hold none of them: they only read.
ALLOWED: dict[tuple[str, str], str] = {
    (S.NEW, S.ACCEPTED): ACCEPT,
    (S.NEW, S.CLOSED): ANSWER,  # consultations answered at intake (domain.md Intake §6 1.2)
    (S.ACCEPTED, S.DISPATCHED): ASSIGN,  # made by assign_technician
    (S.DISPATCHED, S.ON_SITE): FIELD,
    (S.DISPATCHED, S.WAITING): FIELD,
    (S.ON_SITE, S.WAITING): FIELD,
    (S.ON_SITE, S.COMPLETED): FIELD,
    (S.WAITING, S.ON_SITE): FIELD,
    (S.WAITING, S.DISPATCHED): ASSIGN,
    (S.WAITING, S.COMPLETED): FIELD,
    (S.COMPLETED, S.CLOSED): REVIEW,
    (S.COMPLETED, S.ON_SITE): REVIEW,  # review found the work unfinished
    (S.CLOSED, S.ACCEPTED): REOPEN,  # reopen within AFTERSALES["REOPEN_WITHIN_DAYS"]
    **{(s, S.CANCELLED): CANCEL for s in (S.NEW, S.ACCEPTED, S.DISPATCHED, S.ON_SITE, S.WAITING)},
}

# Moves that only another action makes, because the action records what the move means: an order goes
# on site from dispatched when the technician's arrival is recorded (``record_visit``). The generic
# transition refuses them (409 ``visit_required``) and points to that action.
MADE_BY_ACTION: dict[tuple[str, str], str] = {
    (S.DISPATCHED, S.ON_SITE): "record_visit",
}

# Moves that need a written reason.
REASON_REQUIRED = frozenset(
    {(s, t) for (s, t) in ALLOWED if t == S.CANCELLED} | {(S.CLOSED, S.ACCEPTED), (S.COMPLETED, S.ON_SITE)}
)


def allowed_targets(status: str) -> list[str]:
    return [t for (s, t) in ALLOWED if s == status and t != s]


def capability_for(status: str, to: str) -> str | None:
    return ALLOWED.get((status, to))


def made_by_action(status: str, to: str) -> str | None:
    """The action (service name) that alone makes this move, or ``None`` for a plain move."""
    return MADE_BY_ACTION.get((status, to))
