"""The stand-in screen (代班): an approver on leave hands their approvals to a colleague for some days,
or a service manager arranges it for someone of their centre. The stand-in itself is
``accounts.StandIn`` (``accounts.services.create_stand_in`` decides who may and refuses overlaps); this
screen lives here, above accounts, because the field staff's approvals are why it is needed."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from aftersales.accounts.models import User
from aftersales.accounts.permissions import can_arrange_stand_in, stand_ins_visible_to, users_visible_to
from aftersales.accounts.services import create_stand_in, end_stand_in
from aftersales.core.errors import DomainError, NotFoundError
from aftersales.service.forms_field import ConsoleForm, show_domain_error
from aftersales.workforce.forms import DAY
from aftersales.workforce.permissions import sees_workforce


class StandInForm(ConsoleForm):
    from_user = forms.ModelChoiceField(
        label=gettext_lazy("Whose approvals"),
        queryset=User.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    to_user = forms.ModelChoiceField(
        label=gettext_lazy("Stands in"),
        queryset=User.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    starts_on = forms.DateField(label=gettext_lazy("From"), widget=DAY)
    ends_on = forms.DateField(label=gettext_lazy("Until"), widget=DAY)
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = users_visible_to(user).filter(is_active=True).select_related("service_center").order_by("username")
        self.fields["from_user"].queryset = people.filter(
            pk__in=[p.pk for p in people if can_arrange_stand_in(user, p)]
        )
        self.fields["to_user"].queryset = people.exclude(pk=user.pk) if not user.sees_all_centres else people
        self.fields["from_user"].initial = user.pk


@login_required
@require_http_methods(["GET", "POST"])
def stand_ins(request: HttpRequest) -> HttpResponse:
    if not sees_workforce(request.user):
        raise PermissionDenied
    form = StandInForm(request.POST or None, user=request.user, initial={"starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            create_stand_in(
                from_user=data["from_user"],
                to_user=data["to_user"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
                by=request.user,
            )
        except DomainError as error:
            # The service names the API's fields (found by a probe, 2026-12-06: the API answered `to_user`).
            show_domain_error(form, error, {"from_user_id": "from_user", "to_user_id": "to_user"})
        else:
            messages.success(request, _("Stand-in arranged."))
            return redirect("workforce:stand_ins")
    rows = list(
        stand_ins_visible_to(request.user)
        .filter(ended_at__isnull=True, ends_on__gte=timezone.localdate())
        .order_by("starts_on", "pk")[:100]
    )
    return render(request, "workforce/stand_ins.html", {"form": form, "rows": rows}, status=400 if form.errors else 200)


@login_required
@require_POST
def stand_in_end(request: HttpRequest, stand_in_id: int) -> HttpResponse:
    try:
        end_stand_in(stand_in_id=stand_in_id, by=request.user)
    except NotFoundError as error:
        raise Http404(error.detail) from error
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Stand-in ended."))
    return redirect("workforce:stand_ins")
