"""The due dates a calendar change moves: the preview page, its banner on the calendar screen, and apply.

``/orders/due-date-moves/`` lists the open orders (of the user's scope) whose due date today's
calendar moves; an administrator applies them there. The calendar screen (calendars, below service)
shows the banner through its panel registry (``calendars.panels``): the panel is a placeholder that
htmx fills from ``/orders/due-date-moves/summary/``, so the calendar page never waits for the count.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.forms import BootstrapFormMixin
from aftersales.core.errors import DomainError
from aftersales.service.due_moves import due_date_moves
from aftersales.service.permissions import can_apply_due_moves, can_review_due_moves
from aftersales.service.services.due_moves import REASON_MAX_LENGTH, apply_due_date_moves

# The page lists this many moves; the counts cover them all (the API pages through every one).
PAGE_ROWS = 500


class ApplyMovesForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Note for the orders' timelines (optional)"),
        max_length=REASON_MAX_LENGTH,
        required=False,
    )


def _check_can_review(request: HttpRequest) -> None:
    if not can_review_due_moves(request.user):
        raise PermissionDenied


def calendar_panel(request: HttpRequest, year: int) -> str:
    """The calendar screen's panel (registered in ``ServiceConfig.ready()``): a placeholder for those
    who may review the moves, filled by htmx; nothing for anyone else."""
    if not can_review_due_moves(request.user):
        return ""
    return render_to_string("service/_due_moves_placeholder.html", request=request)


def _render(request: HttpRequest, *, form: ApplyMovesForm | None = None, status: int = 200) -> HttpResponse:
    preview = due_date_moves(user=request.user)
    can_apply = can_apply_due_moves(request.user)
    context = {
        "preview": preview,
        "moves": preview.moves[:PAGE_ROWS],
        "more": max(preview.count - PAGE_ROWS, 0),
        "can_apply": can_apply,
        "form": form or (ApplyMovesForm() if can_apply else None),
    }
    return render(request, "service/due_moves.html", context, status=status)


@login_required
@require_GET
def due_moves(request: HttpRequest) -> HttpResponse:
    _check_can_review(request)
    return _render(request)


@login_required
@require_GET
def due_moves_summary(request: HttpRequest) -> HttpResponse:
    """The banner: "N open orders' due dates would move — review", or nothing when none would."""
    _check_can_review(request)
    preview = due_date_moves(user=request.user)
    return render(request, "service/_due_moves_banner.html", {"preview": preview})


@login_required
@require_POST
def due_moves_apply(request: HttpRequest) -> HttpResponse:
    if not can_apply_due_moves(request.user):
        raise PermissionDenied
    form = ApplyMovesForm(request.POST)
    if form.is_valid():
        try:
            applied = apply_due_date_moves(by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
        else:
            moved = ngettext("%(moved)d due date moved", "%(moved)d due dates moved", applied.count) % {
                "moved": applied.count
            }
            told = ngettext(
                "%(told)d customer will be told by SMS.",
                "%(told)d customers will be told by SMS.",
                applied.customers_told,
            ) % {"told": applied.customers_told}
            messages.success(
                request, pgettext("due dates applied", "%(moved)s; %(told)s") % {"moved": moved, "told": told}
            )
            return HttpResponseRedirect(reverse("service:due_moves"))
    return _render(request, form=form, status=400)


urlpatterns = [
    path("orders/due-date-moves/", due_moves, name="due_moves"),
    path("orders/due-date-moves/summary/", due_moves_summary, name="due_moves_summary"),
    path("orders/due-date-moves/apply/", due_moves_apply, name="due_moves_apply"),
]
