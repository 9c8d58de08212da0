"""The approvers' panel on the home page: the expense claims waiting for the user's step, and for the
service manager the absences and overtime to approve and the certificates about to expire."""

from typing import Any

from django.urls import reverse

from aftersales.core.registry import HomeContext, HomePanel, home_panels
from aftersales.workforce.choices import AbsenceStatus, OvertimeStatus
from aftersales.workforce.models import Absence, Overtime
from aftersales.workforce.permissions import (
    approves_claims,
    can_approve_absences,
    can_approve_overtime,
    workforce_scope,
)
from aftersales.workforce.selectors import claims_waiting_for, expiring_certificates

LIST_SIZE = 6


def approvals(home: HomeContext) -> dict[str, Any] | None:
    user = home.user
    claims = list(claims_waiting_for(user)[: LIST_SIZE + 1]) if approves_claims(user) else []
    absences = (
        list(
            workforce_scope(user, Absence.objects.filter(status=AbsenceStatus.REQUESTED))
            .exclude(person=user)
            .select_related("person")
            .order_by("starts_at")[:LIST_SIZE]
        )
        if can_approve_absences(user)
        else []
    )
    overtime = (
        list(
            workforce_scope(user, Overtime.objects.filter(status=OvertimeStatus.REQUESTED))
            .exclude(person=user)
            .select_related("person")
            .order_by("day")[:LIST_SIZE]
        )
        if can_approve_overtime(user)
        else []
    )
    expiring = list(expiring_certificates(user=user)[:LIST_SIZE]) if can_approve_absences(user) else []
    if not (claims or absences or overtime or expiring):
        return None
    return {
        "claims": claims[:LIST_SIZE],
        "more_claims": len(claims) > LIST_SIZE,
        "absences": absences,
        "overtime": overtime,
        "expiring": expiring,
        "claims_url": reverse("workforce:claims") + "?waiting=1",
        "staff_url": reverse("workforce:staff"),
    }


def register_home_panels() -> None:
    home_panels.register(
        HomePanel(
            "workforce.approvals",
            "workforce/home/_approvals.html",
            approvals,
            40,
            "aftersales.workforce.permissions.approves_anything",
            slot="side",
        )
    )
