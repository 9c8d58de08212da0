"""Writes of customer care: follow-ups and their calls, complaints, the contact log."""

from aftersales.care.services.campaigns import announce_campaign, record_letters_sent
from aftersales.care.services.complaints import (
    accept_resolution,
    escalate_complaint,
    escalate_overdue_complaints,
    open_complaint,
    resolve_complaint,
)
from aftersales.care.services.contacts import log_contact, send_customer_message
from aftersales.care.services.followups import (
    assign_follow_up,
    cancel_follow_ups,
    record_call,
    schedule_follow_ups,
)

__all__ = [
    "accept_resolution",
    "announce_campaign",
    "assign_follow_up",
    "cancel_follow_ups",
    "escalate_complaint",
    "escalate_overdue_complaints",
    "log_contact",
    "open_complaint",
    "record_call",
    "record_letters_sent",
    "resolve_complaint",
    "schedule_follow_ups",
    "send_customer_message",
]
