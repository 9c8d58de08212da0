"""The 60 demo orders: which final status, kind and SLA timing each gets, and the texts they use."""

from aftersales.service.choices import Channel, OrderKind, OrderStatus, Priority, Resolution, WaitingFor

S, K, W = OrderStatus, OrderKind, WaitingFor
# The kinds of order the story prices and quotes (repairs and maintenance out of warranty).
QUOTED_KINDS = (K.REPAIR, K.MAINTENANCE)

# The 60 orders: (final status, kind, waiting for, SLA timing). Timing "recent" = received in the last
# two days, "week" = four to nine days ago, "old" = weeks ago (overdue if still open), "risk" = received so
# that it is at risk now.
ORDER_PLAN: tuple[tuple[str, str, str, str], ...] = (
    # closed at intake: consultations answered on the call (domain.md Intake §6 1.2)
    *[(S.CLOSED, K.CONSULTATION, "", "old")] * 4,
    # closed after review (three of them last week: their follow-ups are due about now)
    *[(S.CLOSED, K.REPAIR, "", "old")] * 2,
    *[(S.CLOSED, K.REPAIR, "", "week")] * 2,
    (S.CLOSED, K.MAINTENANCE, "", "old"),
    (S.CLOSED, K.MAINTENANCE, "", "week"),
    (S.CLOSED, K.INSTALLATION, "", "old"),
    (S.CLOSED, K.COMPLAINT, "", "old"),
    # completed, waiting for the manager's review
    *[(S.COMPLETED, K.REPAIR, "", "old")] * 3,
    (S.COMPLETED, K.INSTALLATION, "", "old"),
    (S.COMPLETED, K.MAINTENANCE, "", "old"),
    (S.COMPLETED, K.EXCHANGE, "", "old"),
    (S.COMPLETED, K.RETURN_TO_FACTORY, "", "old"),
    # waiting, for each of parts / customer / factory
    (S.WAITING, K.REPAIR, W.PARTS, "recent"),
    (S.WAITING, K.REPAIR, W.PARTS, "old"),
    (S.WAITING, K.REPAIR, W.PARTS, "risk"),
    (S.WAITING, K.REPAIR, W.CUSTOMER, "recent"),
    (S.WAITING, K.INSTALLATION, W.CUSTOMER, "recent"),
    (S.WAITING, K.COMPLAINT, W.CUSTOMER, "old"),
    (S.WAITING, K.RETURN_TO_FACTORY, W.FACTORY, "recent"),
    (S.WAITING, K.RETURN_TO_FACTORY, W.FACTORY, "old"),
    (S.WAITING, K.EXCHANGE, W.FACTORY, "recent"),
    # on site
    (S.ON_SITE, K.REPAIR, "", "recent"),
    (S.ON_SITE, K.REPAIR, "", "risk"),
    (S.ON_SITE, K.REPAIR, "", "old"),
    (S.ON_SITE, K.MAINTENANCE, "", "recent"),
    (S.ON_SITE, K.INSTALLATION, "", "recent"),
    (S.ON_SITE, K.COMPLAINT, "", "recent"),
    # dispatched
    *[(S.DISPATCHED, K.REPAIR, "", "recent")] * 2,
    (S.DISPATCHED, K.REPAIR, "", "risk"),
    (S.DISPATCHED, K.REPAIR, "", "old"),
    (S.DISPATCHED, K.MAINTENANCE, "", "recent"),
    (S.DISPATCHED, K.INSTALLATION, "", "recent"),
    (S.DISPATCHED, K.EXCHANGE, "", "recent"),
    # accepted, not yet dispatched
    (S.ACCEPTED, K.REPAIR, "", "recent"),
    (S.ACCEPTED, K.REPAIR, "", "old"),
    (S.ACCEPTED, K.COMPLAINT, "", "recent"),
    (S.ACCEPTED, K.MAINTENANCE, "", "recent"),
    (S.ACCEPTED, K.INSTALLATION, "", "recent"),
    # new calls
    *[(S.NEW, K.REPAIR, "", "recent")] * 2,
    (S.NEW, K.REPAIR, "", "old"),
    (S.NEW, K.CONSULTATION, "", "recent"),
    (S.NEW, K.CONSULTATION, "", "recent"),
    (S.NEW, K.COMPLAINT, "", "risk"),
    (S.NEW, K.EXCHANGE, "", "recent"),
    (S.NEW, K.RETURN_TO_FACTORY, "", "recent"),
    # cancelled from several states (the status reached before cancelling is in the third column)
    (S.CANCELLED, K.REPAIR, S.NEW, "recent"),
    (S.CANCELLED, K.CONSULTATION, S.NEW, "old"),
    (S.CANCELLED, K.REPAIR, S.ACCEPTED, "old"),
    (S.CANCELLED, K.MAINTENANCE, S.DISPATCHED, "old"),
    (S.CANCELLED, K.REPAIR, S.DISPATCHED, "recent"),
    (S.CANCELLED, K.REPAIR, S.WAITING, "old"),
)
RESOLUTION_FOR_KIND = {
    K.CONSULTATION: Resolution.REMOTE,
    K.EXCHANGE: Resolution.EXCHANGE,
    K.RETURN_TO_FACTORY: Resolution.RETURN_TO_FACTORY,
}
CHANNELS = (Channel.HOTLINE,) * 6 + (Channel.WALK_IN, Channel.WEB, Channel.EMAIL, Channel.PORTAL)
PRIORITIES = (Priority.NORMAL,) * 5 + (Priority.LOW, Priority.HIGH, Priority.HIGH, Priority.URGENT)


OVERRIDE_REASONS = {
    "no_proof": "客户出示了经销商盖章的销售合同，视同购买凭证，按保修处理。",
    "expired": "重点客户，设备刚过保修期，经服务经理批准按保修处理。",
}
WAIT_REASONS = {
    W.PARTS: "需更换的配件无库存，已向总部下单订货",
    W.CUSTOMER: "客户需安排停机时间，待客户确认",
    W.FACTORY: "已寄回工厂，等待工厂检测结果",
}
