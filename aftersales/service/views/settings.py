"""Settings screens for SLA policies (/settings/sla/): one row per order kind, edited in place.

The rows are seeded for every kind (migration 0002_seed_sla_policies); there is no create or delete.
"""

from django import forms
from django.db.models import QuerySet
from django.urls import path
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.forms import BootstrapFormMixin
from aftersales.core.settings_views import Column, SettingsFormView, SettingsListView
from aftersales.service.models import SlaPolicy
from aftersales.service.services.sla_policies import update_sla_policy


class SlaPolicyForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = SlaPolicy
        fields = ["response_hours", "resolution_working_days", "at_risk_working_days"]
        help_texts = {
            "response_hours": _("Clock hours from the call to the first response."),
            "resolution_working_days": _(
                "Working days on the Chinese calendar after the day of receipt; empty = no resolution deadline."
            ),
            "at_risk_working_days": _("The order turns “at risk” this many working days before it is due."),
        }


class SlaPolicyListView(SettingsListView):
    model = SlaPolicy
    template_name = "service/settings_sla_list.html"
    title = _("SLA policies")
    section = "sla"
    columns = (
        Column(_("Order kind"), "get_kind_display", link=True),
        Column(_("Respond within (hours)"), "response_hours"),
        Column(_("Resolve within (working days)"), "resolution_working_days"),
        Column(_("At risk (working days before due)"), "at_risk_working_days"),
    )
    edit_url_name = "service:sla_edit"

    def scope(self, qs: QuerySet) -> QuerySet:
        return qs.order_by("pk")


class SlaPolicyUpdateView(SettingsFormView):
    model = SlaPolicy
    template_name = "service/settings_sla_form.html"
    form_class = SlaPolicyForm
    title = _("Edit SLA policy")
    section = "sla"
    service = update_sla_policy
    object_kwarg = "policy"
    list_url_name = "service:sla_list"
    success_message = _("SLA policy saved:")


urlpatterns = [
    path("settings/sla/", SlaPolicyListView.as_view(), name="sla_list"),
    path("settings/sla/<int:pk>/", SlaPolicyUpdateView.as_view(), name="sla_edit"),
]
