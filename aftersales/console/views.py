"""Sign-in, sign-out and the home page."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.accounts.services import set_user_language
from aftersales.accounts.throttle import check_login_allowed, clear_login_failures, client_ip, record_login_failure
from aftersales.core.errors import TooManyRequests
from aftersales.service.choices import OPEN_STATUSES, OrderStatus, SlaState
from aftersales.service.models import ServiceOrder
from aftersales.service.permissions import orders_visible_to, sees_centre_orders
from aftersales.service.querysets import sla_condition
from aftersales.service.selectors import order_list
from aftersales.service.sla import sla_state

HOME_LIST_SIZE = 8


class LoginView(auth_views.LoginView):
    """Django's login with our template and per-username / per-IP throttling (429 when locked)."""

    template_name = "console/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        try:
            check_login_allowed(username=username, ip=client_ip(request))
        except TooManyRequests as exc:
            context = self.get_context_data(form=self.get_form(), locked_message=exc.detail)
            response = self.render_to_response(context, status=exc.status)
            response["Retry-After"] = str(exc.extra["retry_after"])
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        clear_login_failures(username=form.get_user().get_username(), ip=client_ip(self.request))
        return super().form_valid(form)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        username = self.request.POST.get("username", "")
        if username and self.request.POST.get("password"):
            record_login_failure(username=username, ip=client_ip(self.request))
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    """POST-only sign-out (Django refuses GET), back to the sign-in page."""


def _state_counts(user: User, *, now: datetime.datetime) -> dict[str, int]:
    """Orders per status in the user's scope, plus at risk / overdue / unassigned, in one query.

    The SLA conditions are the list filter's (``sla_condition``), as filtered counts so that one
    aggregate answers every tile."""
    counts = {f"n_{status}": Count("pk", filter=Q(status=status)) for status in OrderStatus.values}
    counts["n_at_risk"] = Count("pk", filter=sla_condition(SlaState.AT_RISK, now=now))
    counts["n_overdue"] = Count("pk", filter=sla_condition(SlaState.OVERDUE, now=now))
    counts["n_unassigned"] = Count("pk", filter=Q(status__in=OPEN_STATUSES, technician__isnull=True))
    row = orders_visible_to(user).aggregate(**counts)
    return {name.removeprefix("n_"): value or 0 for name, value in row.items()}


@dataclass
class WorkList:
    """One "what waits for me" list on the home page, with the link to the whole filtered list."""

    title: str
    orders: list[ServiceOrder]
    url: str
    empty: str


def _work_lists(user: User, *, now: datetime.datetime) -> list[WorkList]:
    """What waits for this user, by role (at most ``HOME_LIST_SIZE`` rows per list)."""
    orders = order_list(user=user)
    lists_url = reverse("service:order_list")
    role = user.role
    if role == Role.AGENT:
        specs = [
            (
                _("New orders of my centre"),
                orders.filter(status=OrderStatus.NEW).order_by("received_at", "id"),
                "?status=new",
                _("No new orders."),
            ),
        ]
    elif role == Role.DISPATCHER:
        specs = [
            (
                _("Unassigned"),
                orders.unassigned().order_by("due_at", "id"),
                "?unassigned=true",
                _("Every open order has a technician."),
            ),
            (
                _("At risk"),
                orders.at_risk(now=now).order_by("due_at", "id"),
                "?sla_state=at_risk",
                _("Nothing at risk."),
            ),
        ]
    elif role == Role.MANAGER:
        specs = [
            (
                _("Completed, awaiting your review"),
                orders.filter(status=OrderStatus.COMPLETED).order_by("completed_at", "id"),
                "?status=completed",
                _("Nothing to review."),
            ),
            (
                _("Overdue"),
                orders.overdue(now=now).order_by("due_at", "id"),
                "?sla_state=overdue",
                _("Nothing overdue."),
            ),
        ]
    elif role == Role.PARTS_KEEPER:
        specs = [
            (
                _("Waiting for parts"),
                orders.filter(status=OrderStatus.WAITING, waiting_for="parts").order_by("due_at", "id"),
                "?status=waiting",
                _("No order is waiting for parts."),
            ),
        ]
    else:
        specs = [
            (
                _("Overdue"),
                orders.overdue(now=now).order_by("due_at", "id"),
                "?sla_state=overdue",
                _("Nothing overdue."),
            ),
        ]
    work = []
    for title, qs, query, empty in specs:
        rows = list(qs[:HOME_LIST_SIZE])
        for order in rows:
            order.sla = sla_state(order, now=now)
        work.append(WorkList(title=title, orders=rows, url=lists_url + query, empty=empty))
    return work


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's start page ("my work"): what waits for them by role, counts per state in
    their scope, and the at-risk / overdue counts linking to the filtered order list.

    A technician's "my work" is the phone view of today's jobs, so they are sent there."""
    if not sees_centre_orders(request.user):
        return redirect("service:tech_jobs")
    now = timezone.now()
    counts = _state_counts(request.user, now=now)
    states = [{"status": status, "label": label, "count": counts[status]} for status, label in OrderStatus.choices]
    context = {
        "counts": counts,
        "states": states,
        "work_lists": _work_lists(request.user, now=now),
        "orders_url": reverse("service:order_list"),
    }
    return render(request, "console/home.html", context)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, plus: a signed-in user keeps the choice on every device."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in {code for code, _name in settings.LANGUAGES}:
        set_user_language(user=request.user, language=language)
    return response
