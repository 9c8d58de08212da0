"""Writes on service orders. Each function is keyword-only, atomic, and records its event row."""

from aftersales.service.services.dispatch import assign_technician
from aftersales.service.services.orders import (
    extend_due,
    open_order,
    override_warranty,
    transition_order,
    update_order,
)
from aftersales.service.services.visits import (
    add_photo,
    end_visit_unsigned,
    record_visit,
    sign_visit,
    take_back_job,
    update_visit,
)

__all__ = [
    "add_photo",
    "assign_technician",
    "end_visit_unsigned",
    "extend_due",
    "open_order",
    "override_warranty",
    "record_visit",
    "sign_visit",
    "take_back_job",
    "transition_order",
    "update_order",
    "update_visit",
]
